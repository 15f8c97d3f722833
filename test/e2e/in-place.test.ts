/**
 * A filter change updates the open page in place (issue 21), in headless Chromium against the real
 * server on the demo data: the figures on screen stay, marked aria-busy, until the new answers
 * replace them; no skeleton flashes; each chart whose shape is unchanged keeps its vega view (the
 * same svg root element) and draws the new rows; and once no card or tile is busy, what they show
 * is the API's answer for the new filter (asked here, separately). Exports and a click on a bar
 * still work on a view updated in place.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PROBLEMS, SECTORS, type Problem, type Sector } from '../../core/codes.js';
import { dashboardSuite, openPage } from './support.js';

interface ByCode {
  items: { code: string; complaints: number }[];
}
interface Outcomes {
  closures: { closure: string; count: number; share: number | null }[];
}
interface Trend {
  items: { start: string; complaints: number }[];
}
interface Summary {
  complaints: number;
  sentToTrader: number;
  traderReplied: number;
  adrAgreed: number;
  adrOutcomes: number;
}
interface Countries {
  items: { country: string; complaints: number }[];
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const en = (n: number) => n.toLocaleString('en-GB');
/** The top ten by complaints, as the Overview's bars rank them. */
const topTen = (b: ByCode) => [...b.items].sort((x, y) => y.complaints - x.complaints).slice(0, 10);

/** What the page showed at the moment no card or tile was busy any more (see `watch`). */
interface AtSettle {
  kpi: string | null;
  /** per card title, its marks' aria-labels (vega-lite writes "field: value; …"), each after its mark group's class */
  marks: Record<string, string[]>;
}

/**
 * From now on: counts the skeletons added to the page and the times a card or tile turned busy,
 * remembers the svg root of every chart on screen, and at each moment the last busy card or tile
 * turns not busy, records what the page shows (`window.__atSettle`): read in the same turn as the
 * change of the signal, before anything else may draw, so "not busy" must mean "drawn".
 */
async function watch(page: Page): Promise<number> {
  return page.evaluate<number>(`(() => {
    window.__skeletons = 0;
    window.__busy = 0;
    window.__atSettle = null;
    window.__svgs = [...document.querySelectorAll('section.card .chart svg')];
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes' && r.target.getAttribute('aria-busy') === 'true') window.__busy++;
        for (const n of r.addedNodes)
          if (n instanceof Element && (n.matches('.skeleton') || n.querySelector('.skeleton'))) window.__skeletons++;
      }
      const all = [...document.querySelectorAll('section.card, .tile')];
      if (!records.some((r) => r.type === 'attributes') || all.some((e) => e.getAttribute('aria-busy') !== 'false')) return;
      const marks = {};
      for (const card of document.querySelectorAll('section.card'))
        marks[card.querySelector('.card-title').textContent] = [...card.querySelectorAll('.chart path[aria-label]')].map(
          (p) => (p.closest('g[class*="mark-"]')?.getAttribute('class') ?? '') + ' | ' + p.getAttribute('aria-label'),
        );
      window.__atSettle = { kpi: document.querySelector('[data-testid="kpi-complaints-value"]')?.textContent ?? null, marks };
    }).observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ['aria-busy'] });
    return window.__svgs.length;
  })()`);
}

const atSettle = (page: Page) => page.evaluate<AtSettle>('window.__atSettle');
/** The aria-labels of one card's marks of one kind (a mark group's class, e.g. 'mark-rect'), as the page showed them when it settled. */
function labelsOf(at: AtSettle, card: string, mark: string): string[] {
  const title = Object.keys(at.marks).find((t) => t.startsWith(card));
  if (!title) throw new Error(`no card "${card}" in ${Object.keys(at.marks).join(', ')}`);
  return at.marks[title]!.filter((m) => m.split(' | ')[0]!.split(' ').includes(mark)).map((m) => m.split(' | ')[1]!);
}

/** For each chart remembered by `watch`: is its svg root still the one on screen, in the same card? */
const sameSvgs = (page: Page) =>
  page.evaluate<boolean[]>(`window.__svgs.map((s, i) => s.isConnected && s === document.querySelectorAll('section.card .chart svg')[i])`);

/** Waits until `cards` chart cards and `tiles` KPI tiles are on the page, none busy. */
async function settled(page: Page, cards: number, tiles = 0): Promise<void> {
  await expect
    .poll(() =>
      page.evaluate<string>(`(() => {
        const cards = [...document.querySelectorAll('section.card')];
        const tiles = [...document.querySelectorAll('.tile')];
        const busy = [...cards, ...tiles].filter((e) => e.getAttribute('aria-busy') !== 'false').length;
        return cards.length + ' cards, ' + tiles.length + ' tiles, ' + busy + ' busy';
      })()`),
    )
    .toBe(`${cards} cards, ${tiles} tiles, 0 busy`);
}

/** "Complaints: 469; label: Clothing and footwear; …" → ['Clothing and footwear', 469], in order of the labels. */
const barsOf = (labels: string[]) =>
  labels
    .map((l) => [/label: ([^;]+)/.exec(l)?.[1] ?? '', Number(/Complaints: ([\d,]+)/.exec(l)?.[1]?.replace(/,/g, '') ?? NaN)] as const)
    .sort((a, b) => a[0].localeCompare(b[0]));

describe('in-place filter change e2e', () => {
  const e2e = dashboardSuite(3000);
  const param = (name: string) => new URL(e2e.w!.page.url()).searchParams.get(name);

  it('overview: a new filter updates every chart and tile in place, to the API answer', async () => {
    const get = <T>(p: string) => e2e.server.get<T>(p);
    // A consumer country whose charts keep their shape: as many closure reasons as all complaints
    // have and ten sectors and problems (as many bars, as tall a chart) — so every view is kept.
    const all = await get<Outcomes>('/api/v1/stats/outcomes');
    const countries = await get<Countries>('/api/v1/stats/countries?side=consumer');
    let country: string | undefined;
    for (const { country: c } of [...countries.items].sort((a, b) => b.complaints - a.complaints)) {
      const [o, s, p] = await Promise.all([
        get<Outcomes>(`/api/v1/stats/outcomes?consumerCountry=${c}`),
        get<ByCode>(`/api/v1/stats/sectors?consumerCountry=${c}`),
        get<ByCode>(`/api/v1/stats/problems?consumerCountry=${c}`),
      ]);
      if (o.closures.length === all.closures.length && s.items.length >= 10 && p.items.length >= 10) {
        country = c;
        break;
      }
    }
    expect(country, 'a consumer country with every chart of the same shape').toBeDefined();
    const q = `consumerCountry=${country!}`;
    const [summary, trend, sectors, problems, outcomes] = await Promise.all([
      get<Summary>(`/api/v1/stats/summary?${q}`),
      get<Trend>(`/api/v1/stats/trend?interval=month&${q}`),
      get<ByCode>(`/api/v1/stats/sectors?${q}`),
      get<ByCode>(`/api/v1/stats/problems?${q}`),
      get<Outcomes>(`/api/v1/stats/outcomes?${q}`),
    ]);

    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    // Each view's question is asked once per filter: an answer arriving must not ask it again.
    const asked: string[] = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.startsWith('/api/v1/stats/') && path !== '/api/v1/stats/as-of') asked.push(path);
    });
    const once = ['outcomes', 'problems', 'sectors', 'summary', 'trend'].map((n) => `/api/v1/stats/${n}`);
    await page.goto(`${e2e.server.baseUrl}/`);
    await settled(page, 4, 5);
    await expect.poll(() => page.locator('[data-testid="kpi-complaints-value"]').textContent()).toBe('3,000');
    expect(await watch(page)).toBe(4);
    expect(asked.sort()).toEqual(once);

    asked.length = 0;
    await page.selectOption('select[name="consumerCountry"]', country!);
    expect(param('consumerCountry')).toBe(country);
    await settled(page, 4, 5);
    expect(asked.sort()).toEqual(once);
    // What the page showed the moment nothing was busy any more: the new filter's figures.
    const at = await atSettle(page);
    expect(at.kpi).toBe(en(summary.complaints));
    expect(summary.complaints).toBeLessThan(3000);
    // The trend's points: one per month, each with the API's count.
    const points = labelsOf(at, 'Complaints per month', 'mark-symbol').map((l) => {
      const [, month, year, n] = /Month: (\w+) (\d{4}); Complaints: ([\d,]+)/.exec(l) ?? [];
      return `${month} ${year}: ${n}`;
    });
    const expectedPoints = trend.items.map((i) => {
      const d = new Date(i.start);
      return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}: ${en(i.complaints)}`;
    });
    expect(points.sort()).toEqual(expectedPoints.sort());
    // The bars: the top ten sectors and problems with their counts; the closures with their shares.
    const named = (rows: { code: string; complaints: number }[], label: (c: string) => string) =>
      rows.map((r) => [label(r.code), r.complaints] as const).sort((a, b) => a[0].localeCompare(b[0]));
    expect(barsOf(labelsOf(at, 'Top sectors', 'mark-rect'))).toEqual(named(topTen(sectors), (c) => SECTORS[c as Sector].en));
    expect(barsOf(labelsOf(at, 'Top problems', 'mark-rect'))).toEqual(named(topTen(problems), (c) => PROBLEMS[c as Problem].en));
    const shares = labelsOf(at, 'Closure reasons', 'mark-rect').map((l) => Number(/Share: (\d+)%/.exec(l)?.[1]));
    expect(shares.sort((a, b) => a - b)).toEqual(outcomes.closures.map((c) => Math.round((c.share ?? 0) * 100)).sort((a, b) => a - b));

    // In place: the cards were busy on the way, no skeleton came, every chart kept its svg.
    expect(await page.evaluate<number>('window.__busy')).toBeGreaterThan(0);
    expect(await page.evaluate<number>('window.__skeletons')).toBe(0);
    expect(await sameSvgs(page)).toEqual([true, true, true, true]);
    await e2e.shot('overview-in-place');

    // The SVG export of a view updated in place is the new picture.
    const sectorCard = page.locator('section.card', { hasText: 'Top sectors' });
    const top = topTen(sectors)[0]!;
    const downloaded = page.waitForEvent('download');
    await sectorCard.getByRole('button', { name: 'SVG', exact: true }).click();
    const svg = readFileSync((await (await downloaded).path())!, 'utf8');
    expect(svg).toContain(`Complaints: ${en(top.complaints)}; label: ${SECTORS[top.code as Sector].en}`);
    const png = page.waitForEvent('download');
    await sectorCard.getByRole('button', { name: 'PNG', exact: true }).click();
    expect(
      readFileSync((await (await png).path())!)
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    // A click on a bar drawn from the new rows filters by its code.
    await sectorCard.locator(`.mark-rect path[aria-label*="label: ${SECTORS[top.code as Sector].en};"]`).click();
    await expect.poll(() => param('sector')).toBe(top.code);
    expect(param('consumerCountry')).toBe(country);
    await settled(page, 4, 5);
    const both = await get<Summary>(`/api/v1/stats/summary?${q}&sector=${top.code}`);
    expect(await page.locator('[data-testid="kpi-complaints-value"]').textContent()).toBe(en(both.complaints));
    expect(await page.evaluate<number>('window.__skeletons')).toBe(0);
  });

  it('countries: another consumer country redraws the map and its bar in place', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    // One consumer country to another: one bar each, and the map's shape stays.
    await page.goto(`${e2e.server.baseUrl}/countries?consumerCountry=DE`);
    await settled(page, 2);
    expect(await watch(page)).toBe(2);
    await page.selectOption('select[name="consumerCountry"]', 'FR');
    await settled(page, 2);
    const answer = await e2e.server.get<Countries>('/api/v1/stats/countries?side=consumer&consumerCountry=FR');
    const fr = answer.items.find((i) => i.country === 'FR')!;
    expect(answer.items.filter((i) => i.complaints > 0)).toEqual([fr]);
    const at = await atSettle(page);
    const bars = labelsOf(at, 'Complaints by consumer country, ranked', 'mark-rect');
    expect(bars).toHaveLength(1);
    expect(bars[0]).toMatch(new RegExp(`^Complaints: ${en(fr.complaints)}; label: France;`));
    const coloured = labelsOf(at, 'Complaints by consumer country, map', 'with_data_marks');
    expect(coloured).toHaveLength(1);
    expect(coloured[0]).toMatch(/^France: /);
    expect(await page.evaluate<number>('window.__skeletons')).toBe(0);
    expect(await sameSvgs(page)).toEqual([true, true]);
  });

  it('resolution: the funnel keeps its view and shows the new filter’s lifecycle', async () => {
    e2e.w = await openPage(e2e.browser);
    const { page } = e2e.w;
    await page.goto(`${e2e.server.baseUrl}/resolution`);
    await settled(page, 6);
    expect(await watch(page)).toBe(6);
    await page.selectOption('select[name="consumerCountry"]', 'IT');
    await settled(page, 6);
    const s = await e2e.server.get<Summary>('/api/v1/stats/summary?consumerCountry=IT');
    const funnel = barsOf(labelsOf(await atSettle(page), 'Lifecycle funnel', 'mark-rect'));
    const count = (label: string) => funnel.find(([l]) => l === label)?.[1];
    expect([count('Filed'), count('Sent to the trader'), count('Trader replied'), count('ADR body agreed'), count('ADR outcome')]).toEqual([
      s.complaints,
      s.sentToTrader,
      s.traderReplied,
      s.adrAgreed,
      s.adrOutcomes,
    ]);
    expect(await page.evaluate<number>('window.__skeletons')).toBe(0);
    // The funnel (always the same six steps) is updated, not rebuilt; the other charts may change shape.
    expect((await sameSvgs(page))[0]).toBe(true);
  });
});
