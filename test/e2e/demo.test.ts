/**
 * The demo as a newcomer meets it (issue 20, point 6): the dataset `npm start` loads by default
 * (DEMO_COMPLAINTS unset), and the demo trader's benchmark for the last complete year, opened from
 * the demo role switcher, shows the trader's position among its peers, not the withheld note. The
 * figures on the page are the API's answer for the demo trader's own token.
 */
import { describe, expect, it } from 'vitest';
import { dashboardSuite, openPage, seriousAxeViolations, switchRole } from './support.js';

interface Benchmark {
  year: number;
  traderId: string;
  own: { complaints: number; resolutionRate: number | null };
  peers: { suppressed: boolean; minPeers: number; count: number | null; percentile: Record<string, number | null> | null };
}

describe('demo e2e: the default demo dataset', () => {
  const e2e = dashboardSuite({ complaints: 'default' });
  const testid = (id: string) => e2e.w!.page.locator(`[data-testid="${id}"]`);

  it('the demo trader’s benchmark for the last complete year has peers, shown in words and charts', async () => {
    const me = await e2e.server.get<{ traderId: string | null }>('/api/v1/session', 'trader');
    const summary = await e2e.server.get<{ asOf: { finishedAt: string } }>('/api/v1/stats/summary', 'trader');
    const year = new Date(summary.asOf.finishedAt).getUTCFullYear() - 1;
    const b = await e2e.server.get<Benchmark>(`/api/v1/stats/traders/${encodeURIComponent(me.traderId!)}/benchmark?year=${year}`, 'trader');
    expect(b.own.complaints, 'the demo trader has complaints in the last complete year').toBeGreaterThan(0);
    expect(b.peers.suppressed, 'the demo trader’s peer figures are shown').toBe(false);
    expect(b.peers.count).toBeGreaterThanOrEqual(b.peers.minPeers);

    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/`);
    await page.locator('[data-testid="signed-in-as"][data-role="regulator"]').waitFor();
    await switchRole(page, 'trader');
    await page.click('#main-nav a[href^="/traders"]');
    await testid('own-figures').waitFor();
    // No year chosen: the last complete year, as the API was asked.
    await expect.poll(() => testid('benchmark-year').inputValue()).toBe(String(year));
    await expect.poll(() => testid('peer-count').textContent()).toBe(b.peers.count!.toLocaleString('en-GB'));
    expect(await testid('withheld').count()).toBe(0);
    const p = b.peers.percentile!.resolutionRate!;
    expect(await testid('percentile-resolutionRate').textContent()).toContain(
      `percentile ${p.toLocaleString('en-GB', { maximumFractionDigits: 0 })} among ${b.peers.count} peers`,
    );
    // Each chart has drawn the peers' box and the trader's dot.
    const cards = page.locator('[data-testid="benchmark"] section.card');
    await expect.poll(() => cards.count()).toBe(3);
    for (let i = 0; i < 3; i++) {
      await cards.nth(i).locator('.chart svg').first().waitFor({ timeout: 20_000 });
      expect(await cards.nth(i).locator('.card-title').textContent()).not.toContain('withheld');
    }
    expect(await cards.first().locator('.mark-rect path, .mark-rect rect').count()).toBeGreaterThanOrEqual(1);
    expect(await cards.first().locator('.mark-symbol path').count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await e2e.shot('demo-trader-benchmark');
  });
});
