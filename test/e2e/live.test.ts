/**
 * Figures that stay true in an open page, in headless Chromium against the real server on the
 * demo data: a sparse filter's rate trend breaks at its empty months instead of bridging them, and
 * a new ETL run reaches an open Overview (stamp and KPI) without a reload and without a flash.
 */
import { describe, expect, it } from 'vitest';
import { dashboardSuite, openPage } from './support.js';

interface TrendItem {
  period: string;
  incomplete: boolean;
  complaints: number;
  crossBorderShare: number | null;
}

/** The lengths of the runs of consecutive values (a null ends one): the pieces of a line broken at null. */
function runLengths(values: readonly (number | null)[]): number[] {
  const runs: number[] = [];
  values.forEach((v, k) => {
    if (v === null) return;
    if (k === 0 || values[k - 1] === null) runs.push(1);
    else runs[runs.length - 1]!++;
  });
  return runs;
}

describe('live figures e2e', () => {
  const e2e = dashboardSuite(3000);

  it('a sparse filter: the cross-border share per month breaks at the months without complaints', async () => {
    // A consumer country sparse in the demo data: a drawn line (two months in a row with complaints),
    // then a complete month without, then more months with.
    let chosen: { country: string; shares: (number | null)[] } | undefined;
    const countries = await e2e.server.get<{ items: { country: string; complaints: number }[] }>('/api/v1/stats/countries?side=consumer');
    const sparsestFirst = countries.items.filter((i) => i.complaints > 0).sort((a, b) => a.complaints - b.complaints);
    for (const { country } of sparsestFirst) {
      const trend = await e2e.server.get<{ items: TrendItem[] }>(`/api/v1/stats/trend?interval=month&consumerCountry=${country}`);
      const shares = trend.items.filter((i) => !i.incomplete).map((i) => i.crossBorderShare);
      const runs = runLengths(shares);
      if (runs.length >= 2 && runs.some((n) => n >= 2)) {
        chosen = { country, shares };
        break;
      }
    }
    expect(chosen, 'a consumer country with a gap in its monthly trend').toBeDefined();
    const { country, shares } = chosen!;
    // The API says "nothing filed" as a null share over 0 complaints, never as a left-out month.
    expect(shares).toContain(null);

    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/cross-border?consumerCountry=${country}`);
    const card = page.locator('section.card', { hasText: 'Cross-border share' });
    // The first line is the complete months' (the dashed one joins the last to the current month).
    const line = card.locator('.chart .mark-line path').first();
    // Attached, not visible: a line of 0 % everywhere is flat, a box of no height.
    await line.waitFor({ state: 'attached', timeout: 20_000 });
    const d = (await line.getAttribute('d')) ?? '';
    // One "move to" per piece: as many pieces as runs of months with complaints, so no gap is bridged.
    expect((d.match(/M/g) ?? []).length).toBe(runLengths(shares).length);
    await e2e.shot('cross-border-sparse-gap');
  });

  it('a new snapshot reaches an open Overview: the stamp and a KPI change in place, without a reload or a flash', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    const base = e2e.server.baseUrl;
    await page.goto(`${base}/`);
    const kpi = page.locator('[data-testid="kpi-complaints-value"]');
    const stamp = page.locator('[data-testid="as-of"]');
    await expect.poll(() => kpi.textContent()).toBe('3,000');
    await expect.poll(() => stamp.getAttribute('data-etl-run')).not.toBeNull();
    const runBefore = Number(await stamp.getAttribute('data-etl-run'));
    await page.locator('section.card .chart svg').first().waitFor({ timeout: 20_000 });
    // The trend's data, open: its last row is the current month, where the new complaints land.
    const trendCard = page.locator('section.card', { hasText: 'Complaints per month' });
    await trendCard.getByRole('button', { name: 'View data' }).click();
    const lastMonth = trendCard.locator('.data-table tbody tr').last().locator('td').nth(1);
    const monthBefore = Number((await lastMonth.textContent())!.replace(/\D/g, ''));
    // A reload would lose this mark; a skeleton appearing would be the flash of a reload-like refresh.
    await page.evaluate(`(() => {
      window.__samePage = true;
      window.__skeletons = 0;
      new MutationObserver((records) => {
        for (const r of records)
          for (const n of r.addedNodes)
            if (n instanceof Element && (n.matches('.skeleton') || n.querySelector('.skeleton'))) window.__skeletons++;
      }).observe(document.body, { childList: true, subtree: true });
    })()`);

    // Five complaints filed now, through the ingest feed's API, then an ETL run through the admin's.
    const filedAt = new Date(Date.now() - 60_000).toISOString();
    const lines = Array.from({ length: 5 }, (_, k) =>
      JSON.stringify({
        externalRef: `E2E-LIVE-${Date.now()}-${k}`,
        filedAt,
        consumer: { country: 'IT' },
        trader: { id: 'T-E2E-LIVE', name: 'Live Test Srl', country: 'IT' },
        sector: 'airlines',
        problem: 'delivery',
      }),
    ).join('\n');
    const ingest = await fetch(`${base}/api/v1/complaints/bulk`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e2e.server.tokenOf('ingest')}`, 'content-type': 'application/x-ndjson' },
      body: `${lines}\n`,
    });
    expect(ingest.status, await ingest.clone().text()).toBe(200);
    expect(((await ingest.json()) as { inserted: number }).inserted).toBe(5);
    const run = await fetch(`${base}/api/v1/etl/runs?wait=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${e2e.server.tokenOf('admin')}` },
    });
    const ended = (await run.json()) as { id: number; status: string };
    expect(ended.status).toBe('succeeded');
    expect(ended.id).toBeGreaterThan(runBefore);

    // The page polls the stamp every 15 s while visible: within that (and the reads after it), both change.
    await expect.poll(() => stamp.getAttribute('data-etl-run'), { timeout: 40_000 }).toBe(String(ended.id));
    await expect.poll(() => kpi.textContent(), { timeout: 15_000 }).toBe('3,005');
    expect(await stamp.textContent()).toMatch(/Data as of/);
    // The chart on screen took the new answer too (its data table stayed open through it).
    await expect.poll(async () => Number((await lastMonth.textContent())!.replace(/\D/g, '')), { timeout: 15_000 }).toBe(monthBefore + 5);
    expect(await page.evaluate('window.__samePage === true')).toBe(true);
    expect(await page.evaluate('window.__skeletons')).toBe(0);
    await e2e.shot('overview-after-new-snapshot');
  });
});
