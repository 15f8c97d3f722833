/**
 * Analytics API behaviour beyond the figures (those are checked against PostgreSQL in
 * analytics-correctness.test.ts): the benchmark's thresholds and sector rule, the trader table's
 * withheld rates, the trend's incomplete period, validation of every parameter, 404s.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { client, startApp, type RunningApp } from './support/http.js';
import { addDays, ndjson, uniqueRef, validComplaint, type TestComplaint, type TestEvent } from './support/complaints.js';

type Client = ReturnType<typeof client>;

/** One closed complaint: settled (resolved) or withdrawn, replied or not, closed after `days`. */
function closedCase(o: {
  trader: string;
  sector: string;
  filedAt: string;
  resolved: boolean;
  replied: boolean;
  days: number;
}): TestComplaint {
  const events: TestEvent[] = [{ type: 'sent_to_trader', at: addDays(o.filedAt, 0.01) }];
  if (o.replied) events.push({ type: 'trader_replied', at: addDays(o.filedAt, 1), decision: 'direct_talks' });
  events.push({ type: o.resolved ? 'settled_directly' : 'withdrawn', at: addDays(o.filedAt, o.days) });
  return validComplaint({
    externalRef: uniqueRef('BM'),
    filedAt: o.filedAt,
    purchasedAt: o.filedAt.slice(0, 10),
    trader: { id: o.trader, name: `Trader ${o.trader}`, country: 'AT' },
    consumer: { country: 'AT' },
    sector: o.sector,
    events,
  });
}

/** percentile_cont over a sorted list, written here independently of the service. */
function quantile(sorted: number[], p: number): number {
  const h = (sorted.length - 1) * p;
  return sorted[Math.floor(h)]! + (h - Math.floor(h)) * (sorted[Math.ceil(h)]! - sorted[Math.floor(h)]!);
}

let app: RunningApp;
let c: Client;

/** Peers P1..P5 (2024, food): peer i has 10 closed, i resolved, replies on i+1, closes after 10·i days. */
const peers = [1, 2, 3, 4, 5].map((i) => ({ id: `T-BM-P${i}`, resolved: i, replied: i + 1, days: 10 * i }));

beforeAll(async () => {
  app = await startApp();
  c = client(app.baseUrl);
  const cases: TestComplaint[] = [];
  for (const p of peers) {
    for (let k = 0; k < 10; k++) {
      cases.push(
        closedCase({
          trader: p.id,
          sector: 'food',
          filedAt: `2024-0${1 + (k % 9)}-10T09:00:00Z`,
          resolved: k < p.resolved,
          replied: k < p.replied,
          days: p.days,
        }),
      );
    }
  }
  // Not a peer: 9 closed only.
  for (let k = 0; k < 9; k++)
    cases.push(
      closedCase({ trader: 'T-BM-NINE', sector: 'food', filedAt: '2024-04-01T09:00:00Z', resolved: true, replied: true, days: 1 }),
    );
  // The benchmarked trader: 3 complaints in food, 2 in furnishings → its sector is food.
  for (let k = 0; k < 3; k++)
    cases.push(
      closedCase({ trader: 'T-BM-ME', sector: 'food', filedAt: '2024-05-01T09:00:00Z', resolved: k < 2, replied: true, days: 20 }),
    );
  for (let k = 0; k < 2; k++)
    cases.push(
      closedCase({ trader: 'T-BM-ME', sector: 'furnishings', filedAt: '2024-05-01T09:00:00Z', resolved: false, replied: false, days: 3 }),
    );
  // 2023: only four peers with 10 closed → suppressed.
  for (let i = 1; i <= 4; i++)
    for (let k = 0; k < 10; k++)
      cases.push(
        closedCase({ trader: `T-BM-P${i}`, sector: 'food', filedAt: '2023-06-01T09:00:00Z', resolved: k < i, replied: true, days: 5 }),
      );
  cases.push(closedCase({ trader: 'T-BM-ME', sector: 'food', filedAt: '2023-06-01T09:00:00Z', resolved: true, replied: true, days: 5 }));
  // Sector ties: one food, one furnishings; registered sector decides, else alphabetical.
  cases.push(closedCase({ trader: 'T-BM-TIE', sector: 'food', filedAt: '2024-02-01T09:00:00Z', resolved: true, replied: true, days: 1 }));
  cases.push(
    closedCase({ trader: 'T-BM-TIE', sector: 'furnishings', filedAt: '2024-02-01T09:00:00Z', resolved: true, replied: true, days: 1 }),
  );
  cases.push(closedCase({ trader: 'T-BM-TIE2', sector: 'food', filedAt: '2024-02-01T09:00:00Z', resolved: true, replied: true, days: 1 }));
  cases.push(
    closedCase({ trader: 'T-BM-TIE2', sector: 'furnishings', filedAt: '2024-02-01T09:00:00Z', resolved: true, replied: true, days: 1 }),
  );
  const r = await c.ndjson(ndjson(cases));
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const reg = await c.putJson('/api/v1/traders/T-BM-TIE', { name: 'Tie Ltd', country: 'AT', sector: 'furnishings' });
  expect(reg.status, JSON.stringify(reg.body)).toBeLessThan(300);
  const run = await c.postRaw('/api/v1/etl/runs?wait=true', undefined);
  expect(run.body.status).toBe('succeeded');
}, 60_000);
afterAll(() => app?.close());

describe('trader benchmark (domain.md §4)', () => {
  test('five peers with ≥ 10 closed: quartiles and percentile, never a single peer', async () => {
    const r = await c.get('/api/v1/stats/traders/T-BM-ME/benchmark?year=2024');
    expect(r.status).toBe(200);
    const b = r.body;
    expect(b).toMatchObject({ year: 2024, traderId: 'T-BM-ME', sector: 'food', own: { complaints: 5, closed: 5 } });
    expect(b.own.resolutionRate).toBeCloseTo(2 / 5, 12);
    expect(b.own.traderResponseRate).toBeCloseTo(3 / 5, 12);
    expect(b.peers).toMatchObject({ suppressed: false, count: 5, minPeers: 5, minClosed: 10 });
    const rates = peers.map((p) => p.resolved / 10).sort((x, y) => x - y);
    const responses = peers.map((p) => p.replied / 10).sort((x, y) => x - y);
    const medians = peers.map((p) => p.days).sort((x, y) => x - y);
    for (const [m, values] of [
      ['resolutionRate', rates],
      ['traderResponseRate', responses],
      ['medianDaysToClose', medians],
    ] as const) {
      for (const [k, p] of [
        ['p25', 0.25],
        ['p50', 0.5],
        ['p75', 0.75],
      ] as const)
        expect(b.peers.quartiles[m][k], `${m} ${k}`).toBeCloseTo(quantile(values, p), 9);
      const mine = b.own[m] as number;
      const expected =
        ((values.filter((v) => v < mine - 1e-12).length + 0.5 * values.filter((v) => Math.abs(v - mine) <= 1e-12).length) / values.length) *
        100;
      expect(b.peers.percentile[m], m).toBeCloseTo(expected, 9);
    }
    // Nothing but quartiles and percentiles about peers: no ids, no min/max, no single value.
    const text = JSON.stringify(b.peers);
    for (const p of peers) expect(text).not.toContain(p.id);
    expect(Object.keys(b.peers).sort()).toEqual(['count', 'minClosed', 'minPeers', 'percentile', 'quartiles', 'suppressed']);
    expect(text).not.toMatch(/min"|max"|values/);
  });

  test('four peers: every peer figure withheld, own figures still shown', async () => {
    const r = await c.get('/api/v1/stats/traders/T-BM-ME/benchmark?year=2023');
    expect(r.status).toBe(200);
    expect(r.body.peers).toEqual({ suppressed: true, minPeers: 5, minClosed: 10, count: null, quartiles: null, percentile: null });
    expect(r.body.own).toMatchObject({ complaints: 1, closed: 1, resolutionRate: 1 });
  });

  test('a peer is never benchmarked against itself, and a trader with 9 closed is no peer', async () => {
    const r = await c.get('/api/v1/stats/traders/T-BM-P1/benchmark?year=2024');
    // P1's peers: P2..P5 (T-BM-NINE and T-BM-ME have fewer than 10 closed) → 4 → withheld.
    expect(r.body.peers.suppressed).toBe(true);
    const nine = await c.get('/api/v1/stats/traders/T-BM-NINE/benchmark?year=2024');
    expect(nine.body.peers).toMatchObject({ suppressed: false, count: 5 });
  });

  test('sector ties: the registered sector, then alphabetical', async () => {
    expect((await c.get('/api/v1/stats/traders/T-BM-TIE/benchmark?year=2024')).body.sector).toBe('furnishings');
    expect((await c.get('/api/v1/stats/traders/T-BM-TIE2/benchmark?year=2024')).body.sector).toBe('food');
  });

  test('a known trader without complaints that year gets its registered sector and zeros; an unknown one 404', async () => {
    const r = await c.get('/api/v1/stats/traders/T-BM-TIE/benchmark?year=2022');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      sector: 'furnishings',
      own: { complaints: 0, closed: 0, resolutionRate: null, traderResponseRate: null, medianDaysToClose: null },
    });
    const unknown = await c.get('/api/v1/stats/traders/T-NOBODY/benchmark?year=2024');
    expect(unknown.status).toBe(404);
  });

  test('year is the only parameter, and it is required', async () => {
    for (const q of ['', '?year=24', '?year=2024&sector=food', '?year=2024&from=2024-01-01']) {
      const r = await c.get(`/api/v1/stats/traders/T-BM-ME/benchmark${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.details.length, q).toBeGreaterThan(0);
    }
  });
});

describe("regulators' trader table", () => {
  test('ranked by complaints; rates withheld below 10 closed complaints', async () => {
    const r = await c.get('/api/v1/stats/traders?sector=food,furnishings&limit=100');
    expect(r.status).toBe(200);
    const items = r.body.items as {
      traderId: string;
      complaints: number;
      closed: number;
      ratesShown: boolean;
      resolutionRate: number | null;
      medianDaysToClose: number | null;
      name: string;
    }[];
    expect(items.map((i) => i.complaints)).toEqual([...items.map((i) => i.complaints)].sort((a, b) => b - a));
    for (const i of items) {
      expect(i.ratesShown, i.traderId).toBe(i.closed >= 10);
      if (!i.ratesShown) {
        expect(i.resolutionRate).toBeNull();
        expect(i.medianDaysToClose).toBeNull();
      } else {
        expect(i.resolutionRate).not.toBeNull();
      }
    }
    expect(items.find((i) => i.traderId === 'T-BM-NINE')).toMatchObject({ closed: 9, ratesShown: false });
    expect(items.find((i) => i.traderId === 'T-BM-P3')).toMatchObject({ closed: 20, ratesShown: true, name: 'Trader T-BM-P3' });
    const limited = await c.get('/api/v1/stats/traders?limit=2');
    expect(limited.body.items).toHaveLength(2);
  });
});

describe('trend', () => {
  test('periods are labelled per interval and only the one holding asOf is incomplete', async () => {
    const filedAt = new Date(Date.now() - 60_000).toISOString();
    const fresh = validComplaint({ filedAt, purchasedAt: filedAt.slice(0, 10), events: [] });
    expect((await c.ndjson(ndjson([fresh]))).status).toBe(200);
    await c.postRaw('/api/v1/etl/runs?wait=true', undefined);
    for (const interval of ['month', 'quarter', 'year'] as const) {
      const r = await c.get(`/api/v1/stats/trend?interval=${interval}`);
      expect(r.status).toBe(200);
      const items = r.body.items as { period: string; start: string; incomplete: boolean; complaints: number }[];
      const pattern = { month: /^\d{4}-\d{2}$/, quarter: /^\d{4}-Q[1-4]$/, year: /^\d{4}$/ }[interval];
      for (const i of items) expect(i.period).toMatch(pattern);
      const incomplete = items.filter((i) => i.incomplete);
      expect(incomplete).toHaveLength(1);
      const asOf = new Date(r.body.asOf.finishedAt);
      expect(incomplete[0]!.start <= asOf.toISOString().slice(0, 10)).toBe(true);
      expect(incomplete[0]).toBe(items[items.length - 1]);
      expect(items.reduce((s, i) => s + i.complaints, 0)).toBe(r.body.asOf.complaints);
    }
  });
});

describe('validation', () => {
  const endpoints = ['summary', 'countries', 'flows', 'trend', 'sectors', 'problems', 'outcomes', 'overdue', 'traders'];

  test('q is refused everywhere: free text never reaches analytics', async () => {
    for (const e of endpoints) {
      const r = await c.get(`/api/v1/stats/${e}?q=shoes`);
      expect(r.status, e).toBe(400);
      expect(r.body.details[0], e).toMatchObject({ field: 'q' });
    }
  });

  test('bad values name the parameter', async () => {
    const cases: [string, string][] = [
      ['trend?interval=week', 'interval'],
      ['countries?side=both', 'side'],
      ['summary?consumerCountry=XX', 'consumerCountry'],
      ['summary?from=2024-02-30', 'from'],
      ['summary?status=pending', 'status'],
      ['summary?crossBorder=maybe', 'crossBorder'],
      ['traders?limit=0', 'limit'],
      ['summary?sector=%27);DROP%20TABLE%20complaints;--', 'sector'],
    ];
    for (const [path, field] of cases) {
      const r = await c.get(`/api/v1/stats/${path}`);
      expect(r.status, path).toBe(400);
      expect(
        r.body.details.map((d: { field: string }) => d.field),
        path,
      ).toContain(field);
      expect(r.text, path).not.toMatch(/at .*\.js:\d+/);
    }
  });

  test('an injection string in an id filter is data: no match, no error', async () => {
    const r = await c.get(`/api/v1/stats/summary?traderId=${encodeURIComponent("x'--")}`);
    expect([200, 400]).toContain(r.status);
    if (r.status === 200) expect(r.body).toMatchObject({ complaints: 0, resolutionRate: null, medianDaysToClose: null });
  });

  test('ADR report: one year, or two consecutive years; unknown body 404', async () => {
    expect((await c.get('/api/v1/stats/adr-bodies/ADR-NONE/report?year=2024')).status).toBe(404);
    for (const q of [
      '',
      '?fromYear=2022&toYear=2024',
      '?fromYear=2024',
      '?year=2024&fromYear=2024&toYear=2025',
      '?toYear=2023&fromYear=2024',
    ]) {
      const r = await c.get(`/api/v1/stats/adr-bodies/ADR-NONE/report${q}`);
      expect(r.status, q).toBe(400);
    }
  });
});
