/**
 * Small numbers (domain.md §4) in the API: on the rows of countries, sectors, problems and the
 * trader table, `lowCount` names the ratios with a value resting on fewer than `minCount` (30)
 * complaints. Expected from the raw cases sent here, counted in the test (complaints, closed, sent
 * to the trader per group), with the definition's table of which count each ratio rests on.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { client, startApp, type RunningApp } from './support/http.js';
import { addDays, ndjson, uniqueRef, validComplaint, type TestComplaint, type TestEvent } from './support/complaints.js';

/** domain.md §4 "Small numbers": the count each ratio rests on. */
const RESTS_ON = {
  complaintsPerMillion: 'complaints',
  crossBorderShare: 'complaints',
  resolutionRate: 'closed',
  traderResponseRate: 'sent',
  timelyTraderResponseRate: 'sent',
  adrAgreementRate: 'complaints',
  medianDaysToClose: 'closed',
  p90DaysToClose: 'closed',
} as const;
const THRESHOLD = 30;

interface Spec {
  trader: string;
  traderCountry: string;
  sector: string;
  consumer: string;
  n: number;
  closed: number;
  sent: number;
}
/**
 * The cases: a big trader whose 40 complaints have only 12 closed; a trader just under 30 (29, all
 * closed and sent); one with 9 closed (its rates withheld); one with 31 open, never sent. Consumer
 * countries and sectors cross them, so groups land on both sides of 30.
 */
const SPECS: Spec[] = [
  { trader: 'T-SN-BIG', traderCountry: 'AT', sector: 'clothing_footwear', consumer: 'AT', n: 40, closed: 12, sent: 40 },
  { trader: 'T-SN-SMALL', traderCountry: 'DE', sector: 'airlines', consumer: 'MT', n: 5, closed: 5, sent: 5 },
  { trader: 'T-SN-SMALL', traderCountry: 'DE', sector: 'airlines', consumer: 'LU', n: 24, closed: 24, sent: 24 },
  { trader: 'T-SN-NINE', traderCountry: 'FR', sector: 'food', consumer: 'BE', n: 9, closed: 9, sent: 9 },
  { trader: 'T-SN-MID', traderCountry: 'IT', sector: 'food', consumer: 'BE', n: 31, closed: 0, sent: 0 },
];

interface Raw {
  trader: string;
  traderCountry: string;
  sector: string;
  problem: string;
  consumer: string;
  closed: boolean;
  sent: boolean;
}
const raw: Raw[] = SPECS.flatMap((s) =>
  Array.from({ length: s.n }, (_, k) => ({
    trader: s.trader,
    traderCountry: s.traderCountry,
    sector: s.sector,
    // Two problems, alternating, so the problem rows split every group.
    problem: k % 2 === 0 ? 'delivery' : 'quality',
    consumer: s.consumer,
    closed: k < s.closed,
    sent: k < s.sent,
  })),
);

function complaintOf(r: Raw): TestComplaint {
  const filedAt = '2024-03-05T10:00:00.000Z';
  const events: TestEvent[] = [];
  if (r.sent) events.push({ type: 'sent_to_trader', at: addDays(filedAt, 0.01) });
  if (r.sent && r.closed) events.push({ type: 'trader_replied', at: addDays(filedAt, 1), decision: 'direct_talks' });
  if (r.closed) events.push({ type: 'settled_directly', at: addDays(filedAt, 5) });
  return validComplaint({
    externalRef: uniqueRef('SN'),
    filedAt,
    consumer: { country: r.consumer },
    trader: { id: r.trader, name: `Trader ${r.trader}`, country: r.traderCountry },
    sector: r.sector,
    problem: r.problem,
    problemDetail: undefined,
    events,
  });
}

/** Per group key: the counts each ratio rests on, from the raw cases. */
function countsBy(key: (r: Raw) => string): Map<string, { complaints: number; closed: number; sent: number }> {
  const m = new Map<string, { complaints: number; closed: number; sent: number }>();
  for (const r of raw) {
    const c = m.get(key(r)) ?? { complaints: 0, closed: 0, sent: 0 };
    c.complaints++;
    if (r.closed) c.closed++;
    if (r.sent) c.sent++;
    m.set(key(r), c);
  }
  return m;
}

/** The expected marks of an answer's row: its ratios with a value whose count is under 30. */
function expectedLow(row: Record<string, unknown>, counts: { complaints: number; closed: number; sent: number }): string[] {
  return Object.entries(RESTS_ON)
    .filter(([ratio, on]) => typeof row[ratio] === 'number' && counts[on] < THRESHOLD)
    .map(([ratio]) => ratio)
    .sort();
}

let app: RunningApp;
let c: ReturnType<typeof client>;

beforeAll(async () => {
  app = await startApp();
  c = client(app.baseUrl);
  const r = await c.ndjson(ndjson(raw.map(complaintOf)));
  expect(r.status, r.text).toBe(200);
  const run = await c.postRaw('/api/v1/etl/runs?wait=true', undefined);
  expect(run.body.status).toBe('succeeded');
}, 60_000);
afterAll(() => app?.close());

describe('small numbers: lowCount against the counts of the raw cases', () => {
  test.each([
    ['countries?side=consumer', 'country', (r: Raw) => r.consumer],
    ['countries?side=trader', 'country', (r: Raw) => r.traderCountry],
    ['sectors', 'code', (r: Raw) => r.sector],
    ['problems', 'code', (r: Raw) => r.problem],
    ['traders?limit=100', 'traderId', (r: Raw) => r.trader],
  ] as const)('%s', async (path, keyField, key) => {
    const a = await c.get(`/api/v1/stats/${path}`);
    expect(a.status, a.text).toBe(200);
    expect(a.body.minCount).toBe(THRESHOLD);
    const counts = countsBy(key);
    const items = a.body.items as Record<string, unknown>[];
    expect(items.map((i) => String(i[keyField])).sort()).toEqual([...counts.keys()].sort());
    for (const i of items) {
      const k = String(i[keyField]);
      expect([k, [...(i.lowCount as string[])].sort()]).toEqual([k, expectedLow(i, counts.get(k)!)]);
    }
  });

  test('the cases the data was built for', async () => {
    const traders = (await c.get('/api/v1/stats/traders?limit=100')).body.items as Record<string, any>[];
    const by = (id: string) => traders.find((t) => t.traderId === id)!;
    // 40 complaints, 12 closed: its share and response rate stand, its closed-based figures are small.
    expect(by('T-SN-BIG').lowCount).toEqual(['resolutionRate', 'medianDaysToClose', 'p90DaysToClose']);
    // 29 of everything: every ratio with a value is small.
    expect(by('T-SN-SMALL').lowCount).toEqual([
      'crossBorderShare',
      'resolutionRate',
      'traderResponseRate',
      'timelyTraderResponseRate',
      'adrAgreementRate',
      'medianDaysToClose',
      'p90DaysToClose',
    ]);
    // Fewer than 10 closed: the rates are withheld, so nothing is left to mark.
    expect(by('T-SN-NINE')).toMatchObject({ ratesShown: false, lowCount: [] });
    const consumers = (await c.get('/api/v1/stats/countries?side=consumer')).body.items as Record<string, any>[];
    const country = (code: string) => consumers.find((i) => i.country === code)!;
    // Luxembourg's 24 complaints make the highest rate per million: marked, like its share.
    const top = consumers.reduce((a, b) => ((b.complaintsPerMillion ?? 0) > (a.complaintsPerMillion ?? 0) ? b : a));
    expect(top.country).toBe('LU');
    expect(top.lowCount).toEqual(expect.arrayContaining(['complaintsPerMillion', 'crossBorderShare']));
    // Belgium: 40 complaints, 9 closed, 9 sent.
    expect(country('BE').lowCount).toEqual([
      'resolutionRate',
      'traderResponseRate',
      'timelyTraderResponseRate',
      'medianDaysToClose',
      'p90DaysToClose',
    ]);
  });

  test('OpenAPI documents the fields', async () => {
    const doc = (await c.get('/api/openapi.json')).body;
    const schema = doc.components.schemas.StatsCountries;
    expect(Object.keys(schema.properties)).toContain('minCount');
    expect(JSON.stringify(schema)).toContain('lowCount');
  });
});
