/**
 * Provisional figures (issue 20): the Overview's headline duration is the Kaplan–Meier median,
 * and over a cohort with open cases it and the rates carry "provisional: N % still open", in
 * both languages; the median over closed cases alone stays in the trend's data table. Beyond the
 * tiles: the Resolution view's cards and its time to close by month (hollow points), the data
 * tables (a † with the sentence as its title) and the trader table; a cohort with nothing open
 * gets no mark. The cohorts are found through the API: the demo is generated relative to today.
 */
import { describe, expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import { dashboardSuite, openPage, seriousAxeViolations } from './support.js';

/** The first day of the current UTC month: a cohort mostly still open. */
const monthStart = (): string => new Date().toISOString().slice(0, 8) + '01';

const pct = (lang: string, v: number): string =>
  new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v);
const sentence = (v: number): string => `provisional: ${pct('en-GB', v)} still open`;
const GENERIC_LEGEND =
  '† provisional: some of the complaints behind the figure are still open, so it can still change (the mark’s tooltip says how many)';

interface TrendItem {
  start: string;
  period: string;
  incomplete: boolean;
  complaints: number;
  openShare: number | null;
  medianDaysToCloseKM: number | null;
}
interface TraderItem {
  traderId: string;
  ratesShown: boolean;
  openShare: number | null;
  resolutionRate: number | null;
  traderResponseRate: number | null;
  medianDaysToClose: number | null;
}

/** The marks' titles in a part of the page. */
const titles = (where: Locator): Promise<(string | null)[]> =>
  where.locator('[data-testid="provisional-mark"]').evaluateAll((els) => els.map((e) => e.getAttribute('title')));

describe('provisional figures on the overview', () => {
  const e2e = dashboardSuite(3000);
  const tile = (key: string, part: 'value' | 'note') => e2e.w!.page.locator(`[data-testid="kpi-${key}-${part}"]`);

  it('the current month: the KM median and the rates are marked provisional', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    const from = monthStart();
    const summary = await e2e.server.get<{ complaints: number; openShare: number | null; medianDaysToCloseKM: number | null }>(
      `/api/v1/stats/summary?from=${from}`,
    );
    expect(summary.complaints).toBeGreaterThan(0);
    expect(summary.openShare).toBeGreaterThan(0);
    const percent = new Intl.NumberFormat('en-GB', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(
      summary.openShare!,
    );

    await page.goto(`${e2e.server.baseUrl}/?from=${from}`);
    await expect.poll(() => tile('medianDaysToCloseKM', 'note').textContent()).toBe(`provisional: ${percent} still open`);
    expect(await tile('resolutionRate', 'note').textContent()).toBe(`provisional: ${percent} still open`);
    expect(await tile('traderResponseRate', 'note').textContent()).toBe(`provisional: ${percent} still open`);
    // A count and the cross-border share do not depend on how cases end.
    expect(await tile('complaints', 'note').count()).toBe(0);
    expect(await tile('crossBorderShare', 'note').count()).toBe(0);
    const value = await tile('medianDaysToCloseKM', 'value').textContent();
    if (summary.medianDaysToCloseKM === null) expect(value).toBe('not reached yet');
    else expect(value).toMatch(/days$/);
    await e2e.shot('overview-provisional');

    // The median over closed cases alone is still there, in the trend's data table.
    const trend = page.locator('section.card', { hasText: 'Complaints per month' });
    await trend.getByRole('button', { name: 'View data' }).click();
    const headers = await trend.locator('.data-table th').allTextContents();
    expect(headers).toEqual(expect.arrayContaining(['Median time to close', 'Median days to close', 'Still open']));
    // Its one month (the current one) is provisional: both durations carry the mark (the median over
    // closed cases only once one has closed), the legend says it once.
    const month = await e2e.server.get<{ items: { medianDaysToClose: number | null }[] }>(
      `/api/v1/stats/trend?interval=month&from=${from}`,
    );
    const durations = month.items[0]!.medianDaysToClose === null ? 1 : 2;
    expect(await titles(trend)).toEqual(Array(durations).fill(`provisional: ${percent} still open`));
    expect(await trend.locator('[data-testid="provisional-legend"]').textContent()).toBe(`† provisional: ${percent} still open`);

    // Italian.
    await page.goto(`${e2e.server.baseUrl}/?from=${from}&lang=it`);
    await expect.poll(() => tile('medianDaysToCloseKM', 'note').textContent()).toMatch(/^provvisorio: .* ancora aperti$/);
  });
});

describe('provisional figures beyond the tiles', () => {
  const e2e = dashboardSuite(3000);
  const testid = (id: string) => e2e.w!.page.locator(`[data-testid="${id}"]`);
  const card = (title: string) => e2e.w!.page.locator('section.card', { hasText: title });

  /** The month filed of every period, and the longest run of past months with nothing open (its [from, to)). */
  async function cohorts(): Promise<{ items: TrendItem[]; closed: { from: string; to: string; months: TrendItem[] } }> {
    const { items } = await e2e.server.get<{ items: TrendItem[] }>('/api/v1/stats/trend?interval=month');
    let best: TrendItem[] = [];
    let run: TrendItem[] = [];
    for (const i of items) {
      run = !i.incomplete && i.openShare === 0 ? [...run, i] : [];
      if (run.length > best.length) best = run;
    }
    expect(best.length, 'a past month with every complaint closed').toBeGreaterThan(0);
    const after = items[items.indexOf(best.at(-1)!) + 1]!;
    return { items, closed: { from: best[0]!.start.slice(0, 10), to: after.start.slice(0, 10), months: best } };
  }

  it('Resolution: the current month is provisional, a month with nothing open is not; the trend draws open months hollow', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    const { items, closed } = await cohorts();
    const now = await e2e.server.get<{ openShare: number | null }>(`/api/v1/stats/summary?from=${monthStart()}`);
    expect(now.openShare).toBeGreaterThan(0);

    // The current month: the funnel's conversions and the outcome shares say so, in the tiles' words.
    await page.goto(`${e2e.server.baseUrl}/resolution?from=${monthStart()}`);
    const funnel = card('Lifecycle funnel');
    await expect.poll(() => funnel.locator('[data-testid="provisional-note"]').textContent()).toBe(sentence(now.openShare!));
    expect(await card('Closure reasons').locator('[data-testid="provisional-note"]').textContent()).toBe(sentence(now.openShare!));
    await funnel.getByRole('button', { name: 'View data' }).click();
    const marks = await titles(funnel);
    expect(marks.length).toBeGreaterThan(0);
    expect(new Set(marks)).toEqual(new Set([sentence(now.openShare!)]));
    expect(await funnel.locator('[data-testid="provisional-legend"]').textContent()).toBe(`† ${sentence(now.openShare!)}`);
    // The backlog (open cases now) is not a rate over a cohort: no mark.
    expect(await card('Open cases by stage').locator('[data-testid="provisional-note"]').count()).toBe(0);

    // A past month with every complaint closed: the same cards, no mark anywhere.
    await page.goto(`${e2e.server.baseUrl}/resolution?from=${closed.from}&to=${closed.to}`);
    await page.locator('section.card', { hasText: 'Lifecycle funnel' }).locator('.chart svg').waitFor();
    await page.locator('[data-testid="time-to-close-trend"] .chart svg').waitFor();
    await card('Lifecycle funnel').getByRole('button', { name: 'View data' }).click();
    await card('Lifecycle funnel').locator('.data-table').waitFor();
    expect(await testid('provisional-note').count()).toBe(0);
    expect(await testid('provisional-mark').count()).toBe(0);
    expect(await testid('provisional-legend').count()).toBe(0);

    // Every month filed: a month with cases still open is a hollow point, a closed one filled.
    await page.goto(`${e2e.server.baseUrl}/resolution`);
    const trend = testid('time-to-close-trend');
    const drawnOpen = items.filter((i) => (i.openShare ?? 0) > 0 && i.medianDaysToCloseKM !== null).length;
    const drawnClosed = items.filter((i) => i.openShare === 0 && i.medianDaysToCloseKM !== null).length;
    expect(drawnOpen).toBeGreaterThan(0);
    await expect.poll(() => trend.locator('.mark-symbol path').count()).toBe(drawnOpen + drawnClosed);
    expect(await trend.locator('.mark-symbol path[fill="#fff"]').count()).toBe(drawnOpen);
    expect(await trend.locator('[data-testid="provisional-note"]').textContent()).toMatch(/^Hollow points are provisional/);
    // Its data: the current month's figures marked with its own share, a closed month's not.
    await trend.getByRole('button', { name: 'View data' }).click();
    const row = (period: string) => trend.locator('.data-table tbody tr', { has: page.locator(`td:first-child:text-is("${period}")`) });
    const current = items.find((i) => i.incomplete)!;
    const currentMarks = await titles(row(current.period));
    expect(currentMarks.length).toBeGreaterThan(0);
    expect(new Set(currentMarks)).toEqual(new Set([sentence(current.openShare!)]));
    expect(await titles(row(closed.months.at(-1)!.period))).toEqual([]);
    expect(await trend.locator('[data-testid="provisional-legend"]').textContent()).toMatch(/^† provisional: /);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await e2e.shot('resolution-provisional');
    // On a phone the marked table scrolls inside its card: the marks' hidden words do not widen the page.
    await page.setViewportSize({ width: 390, height: 844 });
    await expect.poll(() => page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);

    // Italian.
    await page.goto(`${e2e.server.baseUrl}/resolution?from=${monthStart()}&lang=it`);
    await expect
      .poll(() =>
        page.locator('section.card', { hasText: 'Percorso dei reclami' }).locator('[data-testid="provisional-note"]').textContent(),
      )
      .toMatch(/^provvisorio: .* ancora aperti$/);
  });

  it('the trader table: a trader with complaints still open is marked with its own share; months with nothing open are not', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    const { closed } = await cohorts();
    const all = await e2e.server.get<{ items: TraderItem[] }>('/api/v1/stats/traders?limit=50');
    // Every shown figure of a trader with complaints open is marked; "not reached yet" counts, a missing figure does not.
    const marked = all.items.filter((r) => r.ratesShown && (r.openShare ?? 0) > 0);
    expect(marked.length).toBeGreaterThan(0);
    const expected = marked.reduce(
      (n, r) => n + 1 + [r.resolutionRate, r.traderResponseRate, r.medianDaysToClose].filter((v) => v !== null).length,
      0,
    );

    await page.goto(`${e2e.server.baseUrl}/traders`);
    await expect.poll(() => testid('trader-link').count()).toBe(all.items.length);
    const table = testid('trader-table');
    expect(await testid('provisional-mark').count()).toBe(expected);
    const first = marked[0]!;
    const rowOf = (id: string) => table.locator('tbody tr', { has: page.locator(`[data-trader-id="${id}"]`) });
    expect(new Set(await titles(rowOf(first.traderId)))).toEqual(new Set([sentence(first.openShare!)]));
    const settled = all.items.find((r) => r.ratesShown && r.openShare === 0);
    if (settled) expect(await titles(rowOf(settled.traderId))).toEqual([]);
    const shares = new Set(marked.map((r) => sentence(r.openShare!)));
    expect(await testid('provisional-legend').textContent()).toBe(shares.size > 1 ? GENERIC_LEGEND : `† ${[...shares][0]}`);
    expect(await seriousAxeViolations(page)).toEqual([]);
    await e2e.shot('traders-provisional');

    // Filed in months whose complaints have all closed: rates shown, none marked.
    const past = await e2e.server.get<{ items: TraderItem[] }>(`/api/v1/stats/traders?limit=50&from=${closed.from}&to=${closed.to}`);
    expect(past.items.filter((r) => r.ratesShown).length, 'traders with rates in the closed months').toBeGreaterThan(0);
    expect(past.items.every((r) => !r.openShare)).toBe(true);
    await page.goto(`${e2e.server.baseUrl}/traders?from=${closed.from}&to=${closed.to}`);
    await expect.poll(() => testid('trader-link').count()).toBe(past.items.length);
    await expect.poll(() => table.locator('td.num:not(.withheld)').count()).toBeGreaterThan(0);
    expect(await testid('provisional-mark').count()).toBe(0);
    expect(await testid('provisional-legend').count()).toBe(0);

    // Italian.
    await page.goto(`${e2e.server.baseUrl}/traders?lang=it`);
    await expect.poll(() => testid('trader-link').count()).toBe(all.items.length);
    expect(await testid('provisional-mark').first().getAttribute('title')).toMatch(/^provvisorio: .* ancora aperti$/);
  });
});
