/**
 * The traders view's shaping and specs: compiled with vega-lite (no warning allowed), and the data
 * each spec carries checked — above all that withheld peers leave no peer figure in the chart.
 */
import { describe, expect, it } from 'vitest';
import { compiles } from './compile-spec.testing.js';
import {
  benchmarkRows,
  benchmarkSpec,
  benchmarkTable,
  benchmarkYears,
  defaultBenchmarkYear,
  parseYear,
  percentileWords,
  smallNumberTitle,
  sortTraders,
  type Benchmark,
  type BenchmarkRow,
  type TraderRow,
} from './benchmark.js';

const asOf = { etlRunId: 3, finishedAt: '2026-03-10T08:00:00Z', complaints: 3000 };
const own = { complaints: 220, closed: 200, resolutionRate: 0.55, traderResponseRate: 0.8125, medianDaysToClose: 24.5 };
const open: Benchmark = {
  asOf,
  year: 2025,
  traderId: 'T-000042',
  sector: 'airlines',
  own,
  peers: {
    suppressed: false,
    minPeers: 5,
    minClosed: 10,
    count: 14,
    quartiles: {
      resolutionRate: { p25: 0.4, p50: 0.52, p75: 0.61 },
      traderResponseRate: { p25: 0.7, p50: 0.75, p75: 0.9 },
      medianDaysToClose: { p25: 20, p50: 28, p75: 35 },
    },
    percentile: { resolutionRate: 62.5, traderResponseRate: 40, medianDaysToClose: 25 },
  },
};
const withheld: Benchmark = {
  ...open,
  peers: { suppressed: true, minPeers: 5, minClosed: 10, count: null, quartiles: null, percentile: null },
};
const words = { axis: 'Resolution rate', thisTrader: 'This trader', peers: 'Peers', noValue: 'no value in 2025' };
type Layer = { mark: { type: string }; encoding: Record<string, { field?: string }> };
const layers = (spec: ReturnType<typeof benchmarkSpec>) => (spec as unknown as { layer: Layer[] }).layer;
const data = (spec: ReturnType<typeof benchmarkSpec>) => (spec as unknown as { data: { values: Record<string, unknown>[] } }).data.values;

describe('benchmark rows', () => {
  it('one row per measure with the own value, quartiles and percentile in words', () => {
    const rows = benchmarkRows('en', open);
    expect(rows.map((r) => r.measure)).toEqual(['resolutionRate', 'traderResponseRate', 'medianDaysToClose']);
    const [res, resp, days] = rows as [BenchmarkRow, BenchmarkRow, BenchmarkRow];
    expect(res).toMatchObject({ own: 0.55, p25: 0.4, p50: 0.52, p75: 0.61, peers: 14, percentile: 62.5, ownText: '55.0%' });
    // The denominator is in the tooltip, and 20 of its 220 complaints are still open: provisional.
    expect(res.ownTip).toBe('55.0% of 200 closed complaints resolved; provisional: 9.1% still open');
    expect(rows.map((r) => r.provisional)).toEqual(Array(3).fill('provisional: 9.1% still open'));
    expect(res.peersTip).toBe('14 peers: 25th percentile 40.0%, median 52.0%, 75th percentile 61.0%');
    expect(res.percentileText).toBe('percentile 63 among 14 peers: a higher rate than about 63% of them');
    expect(resp.ownText).toBe('81.3%');
    expect(days.ownText).toBe('24.5 days');
    // For days a high percentile means slower: said so, never "better than".
    expect(days.percentileText).toBe('percentile 25 among 14 peers: more days to close than about 25% of them (fewer is better)');
  });

  it('a year whose complaints have all closed: the same figures, no provisional mark', () => {
    const rows = benchmarkRows('en', { ...open, own: { ...own, complaints: 200 } });
    expect(rows[0]!.ownTip).toBe('55.0% of 200 closed complaints resolved');
    expect(rows.map((r) => r.provisional)).toEqual([undefined, undefined, undefined]);
  });

  it('in Italian: Italian words and number formats', () => {
    const [res, , days] = benchmarkRows('it', open) as [BenchmarkRow, BenchmarkRow, BenchmarkRow];
    expect(res.ownText).toBe('55,0%');
    expect(res.percentileText).toBe('percentile 63 su 14 pari: un tasso più alto di circa il 63% di essi');
    expect(days.ownText).toBe('24,5 giorni');
    expect(res.provisional).toBe('provvisorio: 9,1% ancora aperti');
  });

  it('withheld peers: no quartile, count or percentile; the own figures stay', () => {
    const rows = benchmarkRows('en', withheld);
    for (const r of rows) {
      expect(r).toMatchObject({ suppressed: true, p25: null, p50: null, p75: null, peers: null, percentile: null, peersTip: '' });
      expect(r.percentileText).toBe('withheld: fewer than 5 peers');
    }
    expect(rows[0]!.own).toBe(0.55);
  });

  it('a year without complaints: no own value, said in words', () => {
    const none: Benchmark = {
      ...open,
      own: { complaints: 0, closed: 0, resolutionRate: null, traderResponseRate: null, medianDaysToClose: null },
    };
    const rows = benchmarkRows('en', none);
    expect(rows[0]!.ownText).toBe('—');
    expect(rows[0]!.ownTip).toBe('no value in 2025');
    expect(rows[0]!.percentileText).toBe('no percentile: no value of its own in 2025');
    expect(percentileWords('en', 'resolutionRate', null, 14, 2025)).toBe('no percentile: no value of its own in 2025');
  });
});

describe('benchmark specs', () => {
  it('peers shown: a box p25–p75, a median tick and the own dot, on a percent axis', () => {
    const row = benchmarkRows('en', open)[0]!;
    const spec = benchmarkSpec(row, words);
    const vg = JSON.stringify(compiles(spec));
    expect(layers(spec).map((l) => l.mark.type)).toEqual(['bar', 'tick', 'point', 'text']);
    expect(layers(spec)[0]!.encoding.x!.field).toBe('p25');
    expect(layers(spec)[0]!.encoding.x2!.field).toBe('p75');
    expect(layers(spec)[2]!.encoding.x!.field).toBe('own');
    expect(data(spec)).toEqual([expect.objectContaining({ own: 0.55, p25: 0.4, p50: 0.52, p75: 0.61, ownText: '55.0%' })]);
    expect(vg).toContain('.0%');
    expect(vg).toContain('55.0% of 200 closed complaints resolved');
  });

  it('withheld peers: only the own dot, and no peer figure anywhere in the spec', () => {
    const row = benchmarkRows('en', withheld)[0]!;
    const spec = benchmarkSpec(row, words);
    compiles(spec);
    expect(layers(spec).map((l) => l.mark.type)).toEqual(['point', 'text']);
    const [datum] = data(spec);
    expect(datum).toEqual({
      measure: 'resolutionRate',
      label: 'Resolution rate',
      own: 0.55,
      ownText: '55.0%',
      ownTip: '55.0% of 200 closed complaints resolved; provisional: 9.1% still open',
    });
    const text = JSON.stringify(spec);
    for (const k of ['p25', 'p50', 'p75', 'peersTip']) expect(text).not.toContain(k);
  });

  it('days to close: its own axis from 0, wide enough for the dot and the box', () => {
    const row = benchmarkRows('en', open)[2]!;
    const spec = benchmarkSpec(row, { ...words, axis: 'Median days to close' });
    const vg = JSON.stringify(compiles(spec));
    expect(vg).not.toContain('.0%');
    const scale = (layers(spec)[0]!.encoding.x as unknown as { scale: { domain: number[] } }).scale;
    expect(scale.domain[0]).toBe(0);
    expect(scale.domain[1]).toBeGreaterThan(35);
  });

  it('nothing to draw: a note on the axis, never a blank chart', () => {
    const none: Benchmark = {
      ...withheld,
      own: { complaints: 0, closed: 0, resolutionRate: null, traderResponseRate: null, medianDaysToClose: null },
    };
    const spec = benchmarkSpec(benchmarkRows('en', none)[1]!, words);
    const vg = JSON.stringify(compiles(spec));
    expect(layers(spec).map((l) => l.mark.type)).toEqual(['text']);
    expect(vg).toContain('no value in 2025');
  });
});

describe('years', () => {
  it('defaults to the latest complete year before asOf', () => {
    expect(defaultBenchmarkYear('2026-03-10T08:00:00Z')).toBe(2025);
    expect(defaultBenchmarkYear('2025-01-01T00:10:00Z')).toBe(2024);
  });
  it('reads only plausible years from the URL', () => {
    expect(parseYear('2024')).toBe(2024);
    for (const bad of ['24', '20245', 'abcd', '1999', null, undefined, '']) expect(parseYear(bad)).toBeUndefined();
  });
  it('offers the years from the first with data to asOf’s, newest first', () => {
    expect(benchmarkYears('2026-03-10T08:00:00Z', 2023)).toEqual([2026, 2025, 2024, 2023]);
    expect(benchmarkYears('2026-03-10T08:00:00Z')).toHaveLength(10);
  });
});

describe('trader table sort', () => {
  const row = (traderId: string, name: string | null, complaints: number, resolutionRate: number | null): TraderRow =>
    ({ traderId, name, country: 'IT', complaints, closed: complaints, resolutionRate, ratesShown: resolutionRate !== null }) as TraderRow;
  const items = [row('T-1', 'Beta', 50, null), row('T-2', 'alfa', 40, 0.3), row('T-3', null, 30, 0.6), row('T-4', 'Gamma', 20, 0.3)];
  it('numbers both ways, missing rates last either way, ties in server order', () => {
    expect(sortTraders(items, 'resolutionRate', 'descending', 'en').map((r) => r.traderId)).toEqual(['T-3', 'T-2', 'T-4', 'T-1']);
    expect(sortTraders(items, 'resolutionRate', 'ascending', 'en').map((r) => r.traderId)).toEqual(['T-2', 'T-4', 'T-3', 'T-1']);
    expect(sortTraders(items, 'complaints', 'ascending', 'en').map((r) => r.traderId)).toEqual(['T-4', 'T-3', 'T-2', 'T-1']);
  });
  it('names with the language’s collation, the id standing in for a missing name', () => {
    expect(sortTraders(items, 'name', 'ascending', 'en').map((r) => r.traderId)).toEqual(['T-2', 'T-1', 'T-4', 'T-3']);
  });
  // T-5's top rate rests on 12 closed complaints (the API lists it in lowCount): after every
  // other rate whichever the direction, still before the missing ones; other columns unaffected.
  const small = { ...row('T-5', 'Delta', 12, 0.9), lowCount: ['resolutionRate', 'medianDaysToClose'] } as TraderRow;
  const withSmall = [...items, small];
  it('small numbers after the other values either way, before the missing ones', () => {
    expect(sortTraders(withSmall, 'resolutionRate', 'descending', 'en').map((r) => r.traderId)).toEqual([
      'T-3',
      'T-2',
      'T-4',
      'T-5',
      'T-1',
    ]);
    expect(sortTraders(withSmall, 'resolutionRate', 'ascending', 'en').map((r) => r.traderId)).toEqual(['T-2', 'T-4', 'T-3', 'T-5', 'T-1']);
    expect(sortTraders(withSmall, 'complaints', 'ascending', 'en').map((r) => r.traderId)).toEqual(['T-5', 'T-4', 'T-3', 'T-2', 'T-1']);
  });
  it('a small number’s title gives the count it rests on and the threshold, in both languages', () => {
    const sent = { ...small, sentToTrader: 8, lowCount: ['traderResponseRate'] } as TraderRow;
    expect(smallNumberTitle('en', small, 'resolutionRate', 30)).toBe(
      'over 12 closed complaints only, fewer than 30: uncertain, sorted after the others',
    );
    expect(smallNumberTitle('it', sent, 'traderResponseRate', 30)).toBe(
      'su soli 8 reclami inviati al professionista, meno di 30: incerto, ordinato dopo gli altri',
    );
    expect(smallNumberTitle('en', small, 'traderResponseRate', 30)).toBeUndefined();
    expect(smallNumberTitle('en', items[1]!, 'resolutionRate', 30)).toBeUndefined();
  });
});

describe('benchmark view data', () => {
  it('field/value pairs: raw values for the CSV, words for the table, withheld said so', () => {
    const shown = benchmarkTable('en', benchmarkRows('en', open)[0]!, 5);
    expect(shown.map((r) => [r.field, r.value, r.text])).toEqual([
      ['own', 0.55, '55.0%'],
      ['p25', 0.4, '40.0%'],
      ['p50', 0.52, '52.0%'],
      ['p75', 0.61, '61.0%'],
      ['peers', 14, '14'],
      ['percentile', 62.5, 'percentile 63 among 14 peers: a higher rate than about 63% of them'],
    ]);
    const hidden = benchmarkTable('en', benchmarkRows('en', withheld)[0]!, 5);
    expect(hidden.filter((r) => r.field !== 'own').every((r) => r.value === null && r.text === 'withheld: fewer than 5 peers')).toBe(true);
  });
});
