/**
 * The traders view in headless Chromium against the real server: the trader table, a trader's
 * benchmark opened from it, the year, the figures equal to the API's, a withheld and a shown peer
 * group, Italian, axe and the phone width.
 *
 * Demo data: peers need ≥ 10 closed complaints in the year and ≥ 5 of them in one sector, and the
 * demo's traders are few (~300) and Zipf-sized, so with 3000 complaints every benchmark is withheld
 * (the default 20 000 gives the demo trader its peers: demo.test.ts). 100 000 complaints give many
 * shown peer groups per year and still start in ~20 s. The cases are found through the API, not hard-coded: the demo is generated
 * relative to today, so which trader has which figures moves with the date.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dashboardSuite, openPage, seriousAxeViolations } from './support.js';

interface Benchmark {
  year: number;
  traderId: string;
  sector: string | null;
  own: {
    complaints: number;
    closed: number;
    resolutionRate: number | null;
    traderResponseRate: number | null;
    medianDaysToClose: number | null;
  };
  peers: {
    suppressed: boolean;
    minPeers: number;
    minClosed: number;
    count: number | null;
    quartiles: Record<string, { p25: number | null; p50: number | null; p75: number | null }> | null;
    percentile: Record<string, number | null> | null;
  };
}
interface TraderItem {
  traderId: string;
  name: string | null;
  complaints: number;
  ratesShown: boolean;
}

const pct = (lang: string, v: number | null) =>
  v === null ? '—' : new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v);
const num = (lang: string, v: number, digits = 0) =>
  new Intl.NumberFormat(lang, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(v);

describe('traders e2e', () => {
  const e2e = dashboardSuite(100_000);
  let asOfYear: number;
  let suppressedCase!: Benchmark;
  let shownCase!: Benchmark;
  const get = async <T>(p: string): Promise<T> => {
    const res = await e2e.server.fetch(p);
    expect(res.status, p).toBe(200);
    return (await res.json()) as T;
  };
  const benchmark = (traderId: string, year: number) =>
    get<Benchmark>(`/api/v1/stats/traders/${encodeURIComponent(traderId)}/benchmark?year=${year}`);

  beforeAll(async () => {
    const summary = await get<{ asOf: { finishedAt: string } }>('/api/v1/stats/summary');
    asOfYear = new Date(summary.asOf.finishedAt).getUTCFullYear();
    // A withheld and a shown peer group, both for traders with complaints in the year.
    const { items } = await get<{ items: TraderItem[] }>('/api/v1/stats/traders?limit=300');
    for (const year of [asOfYear - 1, asOfYear - 2]) {
      for (const item of items) {
        if (suppressedCase && shownCase) break;
        const b = await benchmark(item.traderId, year);
        if (b.own.complaints === 0 || b.own.resolutionRate === null) continue;
        if (b.peers.suppressed) suppressedCase ??= b;
        else shownCase ??= b;
      }
    }
    expect(suppressedCase, 'a withheld benchmark in the demo data').toBeDefined();
    expect(shownCase, 'a shown benchmark in the demo data').toBeDefined();
  });
  const shot = (name: string) => e2e.shot(name);
  const testid = (id: string) => e2e.w!.page.locator(`[data-testid="${id}"]`);
  /** The benchmark's own figures shown on the page equal the API's answer. */
  const expectOwnFigures = async (b: Benchmark, lang = 'en-GB') => {
    await expect.poll(() => testid('own-complaints').textContent()).toBe(num(lang, b.own.complaints));
    expect(await testid('own-closed').textContent()).toBe(num(lang, b.own.closed));
    expect(await testid('own-resolutionRate').textContent()).toBe(pct(lang, b.own.resolutionRate));
    expect(await testid('own-traderResponseRate').textContent()).toBe(pct(lang, b.own.traderResponseRate));
    const days = b.own.medianDaysToClose;
    expect(await testid('own-medianDaysToClose').textContent()).toBe(
      days === null ? '—' : lang === 'it-IT' ? `${num(lang, days, 1)} giorni` : `${num(lang, days, 1)} days`,
    );
  };
  /** Each of the three benchmark charts has drawn its svg. */
  const chartsDrawn = async () => {
    const cards = e2e.w!.page.locator('[data-testid="benchmark"] section.card');
    await expect.poll(() => cards.count()).toBe(3);
    for (let i = 0; i < 3; i++) await cards.nth(i).locator('.chart svg').first().waitFor({ timeout: 20_000 });
    return cards;
  };

  it('the trader table links to a benchmark; the year changes it; the figures are the API’s', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/traders`);
    await expect.poll(() => testid('benchmark-choose').isVisible()).toBe(true);
    const links = testid('trader-link');
    await expect.poll(() => links.count()).toBe(50);
    expect(await testid('trader-count').textContent()).toBe('50 traders shown');
    // Numbers are right-aligned and the header sorts: by complaints (the server's order) first.
    expect(await page.locator('th[aria-sort="descending"]').textContent()).toContain('Complaints');
    await shot('traders-table');

    const first = links.first();
    const id = (await first.getAttribute('data-trader-id'))!;
    await first.click();
    await expect.poll(() => new URL(page.url()).searchParams.get('traderId')).toBe(id);
    // No year in the URL: the latest complete year.
    await expect.poll(() => testid('benchmark-year').inputValue()).toBe(String(asOfYear - 1));
    await expectOwnFigures(await benchmark(id, asOfYear - 1));
    const b0 = await benchmark(id, asOfYear - 1);
    if (b0.peers.suppressed) await testid('withheld').waitFor();
    await chartsDrawn();
    expect(await page.locator('[data-testid="trader-link"][aria-current="true"]').getAttribute('data-trader-id')).toBe(id);

    await page.selectOption('[data-testid="benchmark-year"]', String(asOfYear - 2));
    await expect.poll(() => new URL(page.url()).searchParams.get('year')).toBe(String(asOfYear - 2));
    const b = await benchmark(id, asOfYear - 2);
    await expectOwnFigures(b);
    await expect.poll(() => page.locator('#benchmark-heading').textContent()).toContain(String(asOfYear - 2));
    await chartsDrawn();
    await shot('traders-benchmark-from-table');
    // Back returns to the year before.
    await page.goBack();
    await expect.poll(() => new URL(page.url()).searchParams.get('year')).toBeNull();
    await expect.poll(() => testid('benchmark-year').inputValue()).toBe(String(asOfYear - 1));
  });

  it('rates over fewer than 30 complaints are starred with their count, and sort after the others', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    // One year, every trader: some with 10 to 29 closed complaints, whose rates are shown but small.
    const query = `from=${asOfYear - 1}-01-01&to=${asOfYear}-01-01`;
    const { items } = await get<{ items: (TraderItem & { closed: number; sentToTrader: number })[] }>(
      `/api/v1/stats/traders?${query}&limit=1000`,
    );
    // Counted from the rows' counts, not from the API's marks: resolution rate and days rest on
    // the closed complaints, the response rate on those sent to the trader.
    const stars = items
      .filter((i) => i.ratesShown)
      .reduce((n, i) => n + (i.closed < 30 ? 2 : 0) + (i.sentToTrader > 0 && i.sentToTrader < 30 ? 1 : 0), 0);
    expect(stars, 'small numbers in the demo year').toBeGreaterThan(0);
    await page.goto(`${e2e.server.baseUrl}/traders?${query}`);
    await page.selectOption('[data-testid="trader-limit"]', '1000');
    await expect.poll(() => testid('trader-link').count(), { timeout: 20_000 }).toBe(items.length);
    expect(await testid('small-number').count()).toBe(stars);
    expect(await testid('small-number').first().getAttribute('title')).toMatch(
      /^over \d+ (closed complaints|complaints sent to the trader) only, fewer than 30/,
    );
    // Sorted by resolution rate: the values first, then the small numbers, then the withheld.
    await page.locator('th button', { hasText: 'Resolution rate' }).click();
    await expect.poll(() => page.locator('th[aria-sort="descending"]').textContent()).toContain('Resolution rate');
    const kinds = await page.locator('[data-testid="trader-table"] tbody tr').evaluateAll((rows) =>
      rows.map((r) => {
        const cell = r.querySelectorAll('td')[4];
        return cell?.classList.contains('withheld') ? 2 : cell?.querySelector('[data-testid="small-number"]') ? 1 : 0;
      }),
    );
    expect(kinds).toEqual([...kinds].sort((a, b) => a - b));
    expect(kinds).toContain(1);
    await shot('traders-table-small-numbers');
  });

  it('withheld peers are said so explicitly, with the trader’s own figures', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    const b = suppressedCase;
    await page.goto(`${e2e.server.baseUrl}/traders?traderId=${encodeURIComponent(b.traderId)}&year=${b.year}`);
    await expectOwnFigures(b);
    expect(await testid('withheld').textContent()).toContain(
      `Peer figures withheld: fewer than 5 peers with at least 10 closed complaints in ${b.year}.`,
    );
    expect(await testid('peer-count').textContent()).toBe('withheld: fewer than 5 peers');
    const cards = await chartsDrawn();
    expect(await cards.first().locator('.card-title').textContent()).toContain('(peer figures withheld)');
    expect(await testid('percentile-resolutionRate').textContent()).toBe('withheld: fewer than 5 peers');
    // The view-data table says withheld too, never a number for the peers.
    await cards.first().getByRole('button', { name: 'View data' }).click();
    expect(await cards.first().locator('.data-table').textContent()).toContain('withheld: fewer than 5 peers');
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shot('traders-benchmark-withheld');
  });

  it('shown peers: quartiles, peer count and percentile in words equal the API’s', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    const b = shownCase;
    await page.goto(`${e2e.server.baseUrl}/traders?traderId=${encodeURIComponent(b.traderId)}&year=${b.year}`);
    await expectOwnFigures(b);
    expect(await testid('withheld').count()).toBe(0);
    expect(await testid('peer-count').textContent()).toBe(num('en-GB', b.peers.count!));
    const cards = await chartsDrawn();
    const p = b.peers.percentile!.resolutionRate!;
    expect(await testid('percentile-resolutionRate').textContent()).toBe(
      `percentile ${num('en-GB', p)} among ${b.peers.count} peers: a higher rate than about ${new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 0 }).format(p / 100)} of them`,
    );
    expect(await testid('percentile-medianDaysToClose').textContent()).toContain('(fewer is better)');
    await cards.first().getByRole('button', { name: 'View data' }).click();
    const q = b.peers.quartiles!.resolutionRate!;
    const table = (await cards.first().locator('.data-table').textContent()) ?? '';
    for (const v of [q.p25, q.p50, q.p75]) expect(table).toContain(pct('en-GB', v));
    // The chart has the box (bar), the median (tick) and the dot.
    expect(await cards.first().locator('.mark-rect path, .mark-rect rect').count()).toBeGreaterThanOrEqual(1);
    expect(await cards.first().locator('.mark-symbol path').count()).toBe(1);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shot('traders-benchmark-peers');
  });

  it('the picker finds a trader by name; the table sorts by keyboard', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/traders`);
    await expect.poll(() => testid('trader-link').count()).toBe(50);
    const name = (await testid('trader-link').nth(2).textContent())!;
    const id = (await testid('trader-link').nth(2).getAttribute('data-trader-id'))!;
    await testid('trader-search').fill(name);
    const result = testid('trader-results').getByRole('button', { name: new RegExp(id) });
    await result.waitFor();
    await result.click();
    await expect.poll(() => new URL(page.url()).searchParams.get('traderId')).toBe(id);
    await testid('own-figures').waitFor();
    // Sorting: a header is a button; Enter on it sorts and aria-sort says how.
    const header = page.locator('th', { hasText: 'Resolution rate' });
    await header.locator('button').focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('descending');
    await page.keyboard.press('Enter');
    await expect.poll(() => header.getAttribute('aria-sort')).toBe('ascending');
    // Shown rates ascend; the traders below 10 closed complaints come last, said so.
    const cells = await page.locator('[data-testid="trader-table"] tbody tr td:nth-child(5)').allTextContents();
    // A cell's text is its value then its marks' words: the small numbers (*) sort after the others,
    // a provisional one (†) sorts with them.
    const shown = cells.filter((c) => !c.includes('*') && /^[\d.]+%/.test(c)).map((c) => Number(/^[\d.]+/.exec(c)![0]));
    expect(shown).toEqual([...shown].sort((a, b) => a - b));
    const firstWithheld = cells.findIndex((c) => c.startsWith('— (fewer than 10 closed)'));
    if (firstWithheld >= 0) expect(cells.slice(firstWithheld).every((c) => c.startsWith('—'))).toBe(true);
    // A larger table.
    await page.selectOption('[data-testid="trader-limit"]', '100');
    await expect.poll(() => testid('trader-link').count()).toBeGreaterThan(50);
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('in Italian', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    const b = shownCase;
    await page.goto(`${e2e.server.baseUrl}/traders?lang=it&traderId=${encodeURIComponent(b.traderId)}&year=${b.year}`);
    await expectOwnFigures(b, 'it-IT');
    await chartsDrawn();
    const text = (await page.locator('main').textContent()) ?? '';
    for (const words of [
      'Professionisti per numero di reclami',
      'Anno del confronto',
      'Tasso di risoluzione',
      'giorni alla chiusura',
      'pari',
    ])
      expect(text).toContain(words);
    expect(await testid('percentile-resolutionRate').textContent()).toMatch(/^percentile \d+ su \d+ pari/);
    await page.goto(
      `${e2e.server.baseUrl}/traders?lang=it&traderId=${encodeURIComponent(suppressedCase.traderId)}&year=${suppressedCase.year}`,
    );
    await expect.poll(async () => (await testid('withheld').textContent()) ?? '').toContain('Cifre dei pari oscurate: meno di 5 pari');
    await shot('traders-it');
  });

  it('on a 390 px phone nothing scrolls sideways; the table scrolls in its card', async () => {
    e2e.w = await openPage(e2e.browser, { width: 390, height: 844 });
    const { page } = e2e.w;
    for (const b of [shownCase, suppressedCase]) {
      await page.goto(`${e2e.server.baseUrl}/traders?traderId=${encodeURIComponent(b.traderId)}&year=${b.year}`);
      await expect.poll(() => testid('trader-link').count()).toBe(50);
      await chartsDrawn();
      // (a string: the root tsconfig has no DOM types)
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    }
    expect(await seriousAxeViolations(page)).toEqual([]);
    await shot('traders-phone');
  });
});
