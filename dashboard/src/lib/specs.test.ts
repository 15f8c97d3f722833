/**
 * The chart specs are pure functions: compiled with vega-lite here, so a spec vega-lite rejects
 * or warns about fails in `npm test`, not in a browser.
 */
import { describe, expect, it } from 'vitest';
import { compiles, rowsOf, updatesInPlace } from './compile-spec.testing.js';
import {
  barSpec,
  funnelSpec,
  heatmapSpec,
  splitSpec,
  stackedBarSpec,
  trendSpec,
  OKABE_ITO,
  type BarRow,
  type TrendPoint,
} from './specs.js';
import type { TopLevelSpec } from 'vega-lite';
import { adrResultRows, backlogRows, backlogStack, funnelRows, refusalGroundRows, timeToCloseRows } from './resolution.js';
import { shareColumns } from './columns.js';
import { crossBorderSharePoints, flowCells } from './flows.js';
import type { Schemas } from './api.js';
import { describeFilters, filtersFromQuery, withParams } from './filters.js';
import {
  comparisonNote,
  kpiChange,
  kpiValue,
  provisionalNote,
  topCodeRows,
  closureRows,
  type Comparison,
  type Summary,
} from './overview.js';

const point = (period: string, value: number | null, incomplete = false): TrendPoint => ({
  start: `${period}-01`,
  period,
  value,
  incomplete,
  tip: `${period}: ${value}`,
});

type PointLayer = { mark: Record<string, unknown>; encoding: Record<string, unknown> };

describe('chart specs', () => {
  it('trend: solid complete months, a dashed segment into the incomplete one, labelled', () => {
    const spec = trendSpec([point('2024-01', 10), point('2024-02', 12), point('2024-03', 4, true)], {
      x: 'Month',
      y: 'Complaints',
      incomplete: 'incomplete',
    });
    const vg = compiles(spec);
    expect(JSON.stringify(vg)).toContain('"strokeDash"');
    const layers = (spec as { layer: { data: { name: string } }[] }).layer;
    const periods = (i: number) => rowsOf<TrendPoint>(spec, layers[i]!.data.name).map((p) => p.period);
    expect(periods(0)).toEqual(['2024-01', '2024-02']);
    expect(periods(1)).toEqual(['2024-02', '2024-03']);
    expect(periods(3)).toEqual(['2024-03']);
  });

  it('trend without an incomplete period has no dashed segment and no empty layer', () => {
    const spec = trendSpec([point('2024-01', 10), point('2024-02', 12)], { x: 'Month', y: 'Complaints', incomplete: 'incomplete' });
    compiles(spec);
    const layers = (spec as { layer: { data: { name: string }; mark: { strokeDash?: unknown } }[] }).layer;
    expect(layers).toHaveLength(2);
    expect(layers.every((l) => rowsOf(spec, l.data.name).length > 0 && l.mark.strokeDash === undefined)).toBe(true);
    // No dataset without its layer.
    expect(Object.keys(splitSpec(spec).datasets)).toEqual(layers.map((l) => l.data.name));
  });

  it('trend: a null value (nothing filed) breaks the line instead of bridging the gap', () => {
    const vg = compiles(
      trendSpec([point('2024-01', 0.2), point('2024-02', null), point('2024-03', 0.3)], { x: 'Month', y: 'Share', incomplete: 'i' }),
    ) as { marks: { type: string; encode: { update: { defined?: { signal: string } } } }[] };
    const line = vg.marks.find((m) => m.type === 'line');
    expect(line?.encode.update.defined?.signal).toMatch(/isValid\(datum\["value"\]\)/);
  });

  it('trend: a provisional point is hollow (white inside, the line colour outside), a settled one filled', () => {
    const spec = trendSpec(
      [point('2024-01', 10), { ...point('2024-02', 12), provisional: true }, { ...point('2024-03', null), provisional: true }],
      { x: 'Month', y: 'Median time to close (days)', incomplete: 'incomplete' },
      { days: true },
    );
    compiles(spec);
    const layers = (spec as unknown as { layer: PointLayer[] }).layer;
    const points = layers.find((l) => l.mark.type === 'point')!;
    expect(points.encoding.fill).toEqual({ condition: { test: 'datum.provisional', value: '#fff' }, value: OKABE_ITO[0] });
    expect(points.mark).toMatchObject({ filled: true, stroke: OKABE_ITO[0] });
    // Days: decimals would be noise on the axis, but not whole-number ticks only.
    expect(JSON.stringify(layers[0]!.encoding.y)).toContain('",.0f"');
  });

  it('trend without provisional points: every point filled, no outline (counts look as before)', () => {
    const only = trendSpec([point('2024-01', 10), { ...point('2024-02', null), provisional: true }], {
      x: 'Month',
      y: 'Complaints',
      incomplete: 'i',
    });
    compiles(only);
    const points = (only as unknown as { layer: PointLayer[] }).layer.find((l) => l.mark.type === 'point')!;
    // The only provisional period has no value to draw: nothing to hollow.
    expect(points.encoding.fill).toBeUndefined();
    expect(points.mark.stroke).toBeUndefined();
  });

  it('bars: sorted longest first, tooltip carries the denominator, Okabe-Ito palette', () => {
    const spec = barSpec([{ label: 'Airline', value: 0.41, tip: '41 % — 1,230 of 3,000' }], { x: 'Share' }, { percent: true });
    const vg = JSON.stringify(compiles(spec));
    expect(vg).toContain('1,230 of 3,000');
    expect(JSON.stringify(spec)).toContain(OKABE_ITO[0]);
  });
});

describe('filters', () => {
  it('reads only well-formed API filters from the query', () => {
    const f = filtersFromQuery(new URLSearchParams('from=2024-01-01&to=bad&consumerCountry=IT&crossBorder=maybe&lang=it&cursor=x'));
    expect(f).toEqual({ from: '2024-01-01', consumerCountry: 'IT' });
  });
  it('says the filters in words, in both languages', () => {
    expect(describeFilters('en', { consumerCountry: 'IT', crossBorder: 'true' })).toBe('consumers in Italy, cross-border');
    expect(describeFilters('it', { consumerCountry: 'IT', crossBorder: 'true' })).toBe('consumatori in Italia, transfrontalieri');
    expect(describeFilters('it', {})).toBe('tutti i reclami');
  });
  it('withParams sets and removes keys', () => {
    expect(withParams(new URLSearchParams('a=1&b=2'), { a: undefined, c: '3' }).toString()).toBe('b=2&c=3');
  });
});

describe('overview shaping', () => {
  const summary = (over: Partial<Summary>): Summary =>
    ({ complaints: 100, crossBorderShare: 0.5, resolutionRate: 0.2, traderResponseRate: 0.4, medianDaysToCloseKM: 30, ...over }) as Summary;
  const november = (over: Partial<Summary>): Comparison =>
    ({ ...summary(over), from: '2026-11-01T00:00:00.000Z', to: '2026-11-06T13:00:00.000Z', complete: false, sameAge: false }) as Comparison;
  it('KPI change: relative for counts, points for rates, days for durations, against the window named', () => {
    expect(kpiChange('en', 'complaints', summary({ complaints: 110 }), november({}))).toEqual({
      text: '+10.0% vs 1–6 Nov 2026',
      direction: 'up',
    });
    expect(kpiChange('en', 'resolutionRate', summary({ resolutionRate: 0.15 }), november({}))!.text).toBe('−5.0 pp vs 1–6 Nov 2026');
    expect(kpiChange('it', 'resolutionRate', summary({ resolutionRate: 0.15 }), november({}))!.text).toBe(
      '−5,0 pp rispetto a 1–6 nov 2026',
    );
    expect(kpiChange('en', 'medianDaysToCloseKM', summary({ medianDaysToCloseKM: null }), november({}))).toBeUndefined();
  });
  it('the note says which windows are compared, and that a period not over is compared on the time elapsed', () => {
    expect(comparisonNote('en', { from: '2026-12-01', to: '2027-01-01' }, '2026-12-06T13:00:00.000Z', november({}))).toBe(
      'Changes compare 1–6 Dec 2026 with 1–6 Nov 2026 (the same time elapsed: the period is not over yet).',
    );
    const june = { ...november({}), from: '2026-05-01T00:00:00.000Z', to: '2026-06-01T00:00:00.000Z', complete: true };
    expect(comparisonNote('en', { from: '2026-06-01', to: '2026-07-01' }, '2026-12-06T13:00:00.000Z', june)).toBe(
      'Changes compare 1–30 Jun 2026 with 1–31 May 2026.',
    );
    expect(comparisonNote('it', { from: '2026-06-01', to: '2026-07-01' }, '2026-12-06T13:00:00.000Z', { ...june, sameAge: true })).toBe(
      'Le variazioni confrontano 1–30 giu 2026 con 1–31 mag 2026. I casi precedenti sono contati come erano alla stessa età.',
    );
  });
  it('the headline duration is the KM median, "not reached yet" while null; figures over open cases are provisional', () => {
    expect(kpiValue('en', 'medianDaysToCloseKM', summary({ medianDaysToCloseKM: 4.25 }))).toBe('4.3 days');
    expect(kpiValue('en', 'medianDaysToCloseKM', summary({ medianDaysToCloseKM: null }))).toBe('not reached yet');
    expect(kpiValue('it', 'medianDaysToCloseKM', summary({ medianDaysToCloseKM: null }))).toBe('non ancora raggiunto');
    expect(kpiValue('en', 'medianDaysToCloseKM', summary({ complaints: 0, medianDaysToCloseKM: null }))).toBe('—');
    const open = summary({ openShare: 0.625 });
    for (const key of ['medianDaysToCloseKM', 'resolutionRate', 'traderResponseRate'] as const)
      expect(provisionalNote('en', key, open)).toBe('provisional: 62.5% still open');
    expect(provisionalNote('it', 'resolutionRate', open)).toBe('provvisorio: 62,5% ancora aperti');
    expect(provisionalNote('en', 'complaints', open)).toBeUndefined();
    expect(provisionalNote('en', 'crossBorderShare', open)).toBeUndefined();
    expect(provisionalNote('en', 'resolutionRate', summary({ openShare: 0 }))).toBeUndefined();
    expect(provisionalNote('en', 'resolutionRate', summary({ openShare: null }))).toBeUndefined();
  });
  it('top codes and closures carry their denominators in the tooltip', () => {
    const items = [
      { code: 'a', complaints: 5, share: 0.05 },
      { code: 'b', complaints: 50, share: 0.5 },
    ] as never;
    const rows = topCodeRows('en', items, 100, (c) => c.toUpperCase(), 1);
    expect(rows).toEqual([{ code: 'b', label: 'B', value: 50, share: 0.5, tip: '50.0% — 50 of 100' }]);
    const closures = closureRows('en', { closed: 40, closures: [{ closure: 'withdrawn', count: 10, share: 0.25 }] } as never);
    expect(closures[0]).toMatchObject({ label: 'Withdrawn', value: 0.25, tip: '25.0% — 10 of 40' });
  });
});

describe('resolution and cross-border specs', () => {
  const summary = { complaints: 100, sentToTrader: 90, traderReplied: 60, adrAgreed: 20, adrOutcomes: 10 } as Schemas['StatsSummary'];
  const outcomes = {
    closed: 50,
    adrOutcomes: 10,
    adrRefused: 4,
    closures: [{ closure: 'settled_directly', count: 15, share: 0.3 }],
    adrResults: [{ result: 'amicable', count: 4, share: 0.4 }],
    refusalGrounds: [{ ground: 'a', count: 2, share: 0.5 }],
  } as unknown as Schemas['StatsOutcomes'];
  it('funnel: lifecycle order, conversions from the step before, direct settlement as its own branch', () => {
    const rows = funnelRows('en', summary, outcomes);
    expect(rows.map((r) => [r.step, r.value, r.branch])).toEqual([
      ['filed', 100, 'main'],
      ['sent_to_trader', 90, 'main'],
      ['trader_replied', 60, 'main'],
      ['settled_directly', 15, 'direct'],
      ['adr_body_agreed', 20, 'main'],
      ['adr_outcome', 10, 'main'],
    ]);
    expect(rows[3]!.conversion).toBe(0.25);
    expect(rows[5]!.rate).toBe('50.0% of “ADR body agreed”');
    compiles(funnelSpec(rows, { x: 'Complaints', main: 'Path through ADR', direct: 'Settled directly' }));
  });
  it('outcome shares carry their denominators', () => {
    expect(adrResultRows('en', outcomes)[0]).toMatchObject({ label: 'Amicable settlement', tip: '40.0% — 4 of 10' });
    expect(refusalGroundRows('it', outcomes)[0]!.label).toContain('(a)');
  });
  it('over complaints some of which are open, the shares and conversions say so; the counts do not', () => {
    expect(adrResultRows('en', outcomes, 0.125)[0]!.tip).toBe('40.0% — 4 of 10; provisional: 12.5% still open');
    expect(refusalGroundRows('it', outcomes, 0.125)[0]!.tip).toBe('50,0% — 2 su 4; provvisorio: 12,5% ancora aperti');
    expect(adrResultRows('en', outcomes, 0)[0]!.tip).toBe('40.0% — 4 of 10');
    expect(closureRows('en', outcomes, 0.125)[0]!.tip).toBe('30.0% — 15 of 50; provisional: 12.5% still open');
    const rows = funnelRows('en', { ...summary, openShare: 0.125 }, outcomes);
    expect(rows[0]!.tip).toBe('100');
    expect(rows[2]!.tip).toBe('60 — 66.7% of “Sent to the trader” (90); provisional: 12.5% still open');
    expect(funnelRows('en', { ...summary, openShare: 0 }, outcomes)[2]!.tip).toBe('60 — 66.7% of “Sent to the trader” (90)');
    // The view-data table marks each share with the same sentence; none without one.
    const [, , , share] = shareColumns<ReturnType<typeof adrResultRows>[number]>(
      'en',
      'resolution.result',
      'provisional: 12.5% still open',
    );
    expect(share!.provisional?.(adrResultRows('en', outcomes)[0]!)).toBe('provisional: 12.5% still open');
    expect(shareColumns('en', 'resolution.result')[3]!.provisional).toBeUndefined();
  });
  it('time to close by month filed: the KM median drawn, a month with cases still open provisional', () => {
    const item = (period: string, over: Partial<Schemas['StatsTrend']['items'][number]>) =>
      ({
        start: `${period}-01T00:00:00.000Z`,
        period,
        incomplete: false,
        complaints: 40,
        closed: 40,
        medianDaysToCloseKM: 21,
        medianDaysToClose: 21,
        resolutionRate: 0.5,
        traderResponseRate: 0.75,
        openShare: 0,
        ...over,
      }) as Schemas['StatsTrend']['items'][number];
    const rows = timeToCloseRows('en', [
      item('2024-01', {}),
      item('2024-02', { closed: 30, openShare: 0.25, medianDaysToCloseKM: 18.25 }),
      item('2024-03', { closed: 4, openShare: 0.9, medianDaysToCloseKM: null, incomplete: true }),
      item('2024-04', { complaints: 0, closed: 0, openShare: null, medianDaysToCloseKM: null }),
    ]);
    expect(rows.map((r) => [r.period, r.value, r.provisional])).toEqual([
      ['2024-01', 21, false],
      ['2024-02', 18.25, true],
      ['2024-03', null, true],
      ['2024-04', null, false],
    ]);
    expect(rows[0]!.tip).toBe('2024-01: 21.0 days — 40 of 40 closed');
    expect(rows[1]!.tip).toBe('2024-02: 18.3 days — 30 of 40 closed; provisional: 25.0% still open');
    expect(rows[2]!.tip).toBe('2024-03: not reached yet — 4 of 40 closed (incomplete); provisional: 90.0% still open');
    expect(timeToCloseRows('it', [item('2024-02', { closed: 30, openShare: 0.25 })])[0]!.tip).toBe(
      '2024-02: 21,0 giorni — 30 su 40 chiusi; provvisorio: 25,0% ancora aperti',
    );
    compiles(trendSpec(rows, { x: 'Month', y: 'Days', incomplete: 'incomplete' }, { days: true }));
  });
  it('backlog: stages in lifecycle order, stacked within deadline + overdue', () => {
    const rows = backlogRows('en', {
      open: 30,
      overdue: 5,
      items: [
        { stage: 'at_adr_body', open: 10, overdue: 5, overdueShare: 0.5 },
        { stage: 'filed', open: 20, overdue: 0, overdueShare: 0 },
      ],
    } as never);
    expect(rows.map((r) => r.stage)).toEqual(['filed', 'at_adr_body']);
    const stack = backlogStack('en', rows);
    expect(stack.rows.map((r) => r.value)).toEqual([20, 0, 5, 5]);
    compiles(stackedBarSpec(stack.rows, { x: 'Cases' }, { categories: rows.map((r) => r.label), parts: stack.parts }));
  });
  it('flows heatmap outlines the domestic diagonal; the share line is a percentage', () => {
    const cells = flowCells('en', [
      { consumerCountry: 'IT', traderCountry: 'IT', complaints: 3, crossBorder: false },
      { consumerCountry: 'IT', traderCountry: 'DE', complaints: 1, crossBorder: true },
    ]);
    expect(cells.map((c) => c.domestic)).toEqual([true, false]);
    expect(cells[1]!.tip).toContain('Italy → Germany: 1');
    expect(
      JSON.stringify(compiles(heatmapSpec(cells, { x: 'Trader', y: 'Consumer', value: 'Complaints', tooltip: 'Complaints' }))),
    ).toContain('blues');
    const points = crossBorderSharePoints('en', [
      { start: '2024-01-01', period: '2024-01', complaints: 4, crossBorder: 1, crossBorderShare: 0.25, incomplete: false },
    ] as never);
    expect(points[0]).toMatchObject({ value: 0.25, tip: '2024-01: 25.0% — 1 of 4' });
    const gap = crossBorderSharePoints('en', [
      { start: '2024-02-01', period: '2024-02', complaints: 0, crossBorder: 0, crossBorderShare: null, incomplete: false },
    ] as never);
    expect(gap[0]).toMatchObject({ period: '2024-02', value: null });
    expect(JSON.stringify(compiles(trendSpec(points, { x: 'Month', y: 'Share', incomplete: 'incomplete' }, { percent: true })))).toContain(
      '.0%',
    );
  });
});

/**
 * Shape and data (specs.ts): ChartCard updates a view in place when two specs have the same key,
 * so the key must hold everything but the rows. Proven here by drawing: a view built from one
 * spec and given another's datasets draws what a view built from that other spec draws.
 */
describe('shape and data', () => {
  const differ = (a: TopLevelSpec, b: TopLevelSpec) => expect(splitSpec(a).key).not.toBe(splitSpec(b).key);

  const words = { x: 'Month', y: 'Complaints', incomplete: 'incomplete' };
  const months = (values: (number | null)[], opts: { incomplete?: boolean; provisional?: number[]; from?: number } = {}) =>
    values.map((v, i) => ({
      ...point(`2024-${String((opts.from ?? 1) + i).padStart(2, '0')}`, v, opts.incomplete === true && i === values.length - 1),
      provisional: opts.provisional?.includes(i) ?? false,
    }));

  it('trend: other counts, other months, a gap: the same shape, updated in place', async () => {
    const a = trendSpec(months([10, 12, 4], { incomplete: true }), words);
    await updatesInPlace(a, trendSpec(months([300, 120, 40], { incomplete: true }), words));
    await updatesInPlace(a, trendSpec(months([3, null, 1, 9], { incomplete: true, from: 3 }), words));
    const days = (v: (number | null)[], p: number[]) => trendSpec(months(v, { provisional: p }), words, { days: true });
    await updatesInPlace(days([21, 18.5, 30], [2]), days([12, 40, null], [0, 1]));
  });

  it('trend: an incomplete period, a hollow point, another unit or language change the shape', () => {
    differ(trendSpec(months([10, 12]), words), trendSpec(months([10, 12], { incomplete: true }), words));
    differ(trendSpec(months([10, 12], { provisional: [] }), words), trendSpec(months([10, 12], { provisional: [1] }), words));
    differ(trendSpec(months([10, 12]), words), trendSpec(months([10, 12]), words, { percent: true }));
    differ(trendSpec(months([10, 12]), words), trendSpec(months([10, 12]), { ...words, x: 'Mese' }));
  });

  const bars = (pairs: [string, number, boolean?][]): BarRow[] =>
    pairs.map(([label, value, low]) => ({ label, value, tip: `${label}: ${value}`, ...(low ? { low } : {}) }));

  it('bars: other labels, values and order with as many bars: updated in place', async () => {
    const a = barSpec(
      bars([
        ['Airline', 50],
        ['Energy', 30],
        ['Telecom', 10],
      ]),
      { x: 'Complaints' },
    );
    const b = barSpec(
      bars([
        ['Telecom', 70],
        ['Airline', 20],
        ['Banking', 5],
      ]),
      { x: 'Complaints' },
    );
    await updatesInPlace(a, b);
    // Small numbers on other bars: still the same shape.
    const low = (l: [string, number, boolean?][]) => barSpec(bars(l), { x: 'Per million' });
    await updatesInPlace(
      low([
        ['Italy', 40],
        ['Malta', 90, true],
      ]),
      low([
        ['Germany', 70],
        ['Cyprus', 10, true],
      ]),
    );
  });

  it('bars: one bar more (a taller chart) or the first small number change the shape', () => {
    const five = bars(['Airline', 'Energy', 'Telecom', 'Banking', 'Food'].map((l, i): [string, number] => [l, 50 - i]));
    differ(barSpec(five, { x: 'Complaints' }), barSpec([...five, ...bars([['Water', 1]])], { x: 'Complaints' }));
    // Up to three bars the chart keeps its least height: the same shape.
    expect(splitSpec(barSpec(five.slice(0, 2), { x: 'C' })).key).toBe(splitSpec(barSpec(five.slice(0, 3), { x: 'C' })).key);
    differ(barSpec(five, { x: 'Complaints' }), barSpec([five[0]!, { ...five[1]!, low: true }, ...five.slice(2)], { x: 'Complaints' }));
    differ(barSpec(five, { x: 'Complaints' }), barSpec(five, { x: 'Complaints' }, { percent: true }));
  });

  const summary = (n: number) =>
    ({ complaints: n, sentToTrader: n * 0.9, traderReplied: n * 0.6, adrAgreed: n * 0.2, adrOutcomes: n * 0.1 }) as Schemas['StatsSummary'];
  const outcomes = (direct: number) =>
    ({
      closed: 50,
      adrOutcomes: 10,
      adrRefused: 4,
      closures: [{ closure: 'settled_directly', count: direct, share: 0.3 }],
      adrResults: [],
      refusalGrounds: [],
    }) as unknown as Schemas['StatsOutcomes'];
  const funnelWords = { x: 'Complaints', main: 'Path through ADR', direct: 'Settled directly' };

  it('funnel: other counts updated in place; another language is another shape', async () => {
    await updatesInPlace(
      funnelSpec(funnelRows('en', summary(100), outcomes(15)), funnelWords),
      funnelSpec(funnelRows('en', summary(4000), outcomes(900)), funnelWords),
    );
    differ(
      funnelSpec(funnelRows('en', summary(100), outcomes(15)), funnelWords),
      funnelSpec(funnelRows('it', summary(100), outcomes(15)), funnelWords),
    );
  });

  const overdue = (items: [string, number, number][]) =>
    ({
      open: items.reduce((n, [, o]) => n + o, 0),
      overdue: items.reduce((n, [, , d]) => n + d, 0),
      items: items.map(([stage, open, late]) => ({ stage, open, overdue: late, overdueShare: open ? late / open : null })),
    }) as never;
  const backlog = (items: [string, number, number][]) => {
    const rows = backlogRows('en', overdue(items));
    const stack = backlogStack('en', rows);
    return stackedBarSpec(stack.rows, { x: 'Cases' }, { categories: rows.map((r) => r.label), parts: stack.parts });
  };

  it('backlog: other counts over the same stages updated in place; a stage more is another shape', async () => {
    await updatesInPlace(
      backlog([
        ['filed', 20, 0],
        ['at_adr_body', 10, 5],
      ]),
      backlog([
        ['filed', 3, 1],
        ['at_adr_body', 90, 12],
      ]),
    );
    differ(
      backlog([
        ['filed', 20, 0],
        ['at_adr_body', 10, 5],
      ]),
      backlog([
        ['filed', 20, 0],
        ['sent_to_trader', 4, 1],
        ['at_adr_body', 10, 5],
      ]),
    );
  });

  const flows = (items: [string, string, number][]) =>
    heatmapSpec(
      flowCells(
        'en',
        items.map(([consumerCountry, traderCountry, complaints]) => ({
          consumerCountry,
          traderCountry,
          complaints,
          crossBorder: consumerCountry !== traderCountry,
        })),
      ),
      { x: 'Trader', y: 'Consumer', value: 'Complaints', tooltip: 'Complaints' },
    );

  it('flows: other cells over as many consumer countries updated in place; one more row is another shape', async () => {
    await updatesInPlace(
      flows([
        ['IT', 'IT', 3],
        ['IT', 'DE', 1],
        ['FR', 'DE', 2],
      ]),
      flows([
        ['ES', 'ES', 30],
        ['DE', 'FR', 7],
        ['DE', 'DE', 1],
      ]),
    );
    const five: [string, string, number][] = ['IT', 'FR', 'ES', 'DE', 'PL'].map((c) => [c, 'DE', 2]);
    differ(flows(five), flows([...five, ['AT', 'DE', 1]]));
  });
});
