/**
 * The registry's `total` is exact past 10 000 matches (issue 20): with and without an analytics
 * snapshot, with cases filed and changed since the snapshot, and with `overdue`, which changes as
 * time passes without a write. Each total is checked against count(*) over the case store, with
 * the filter written here as plain SQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { client, startApp, type RunningApp } from './support/http.js';
import { addDays, minimalComplaint, ndjson, uniqueRef, type TestComplaint } from './support/complaints.js';
import { ANALYTICS } from '../api/src/app.tokens.js';
import type { AnalyticsStores } from '../core/duckdb/analytics-stores.js';
import { AnalyticsRepository } from '../api/src/analytics/analytics.repository.js';
import { RegistryRepository } from '../api/src/registry/registry.repository.js';
import { UNRESTRICTED } from '../api/src/access/scope.js';

const DAY_MS = 86_400_000;
const COUNTRIES = ['DE', 'FR', 'IT', 'ES', 'PL', 'NL'] as const;
const SECTORS = ['airlines', 'clothing_footwear', 'ict_goods', 'hotels'] as const;
const N = 12_000;

/** Case k: spread over two years; open (filed or with the trader, so some overdue) or withdrawn. */
function caseNo(k: number, now: number): TestComplaint {
  const filedAt = new Date(now - (1 + ((k * 7919) % 720)) * DAY_MS - (k % 1000) * 1000).toISOString();
  const kind = k % 5;
  const events =
    kind === 0
      ? []
      : kind < 3
        ? [{ type: 'sent_to_trader', at: addDays(filedAt, 0.01) }]
        : [
            { type: 'sent_to_trader', at: addDays(filedAt, 0.01) },
            { type: 'withdrawn', at: addDays(filedAt, 0.5) },
          ];
  return minimalComplaint({
    externalRef: uniqueRef('TOT'),
    filedAt,
    consumer: { country: COUNTRIES[k % COUNTRIES.length]! },
    trader: { id: `T-TOT-${k % 40}`, country: COUNTRIES[(k * 5 + 1) % 4]! },
    sector: SECTORS[k % SECTORS.length]!,
    events: events as TestComplaint['events'],
  });
}

/** Each query string with its condition in plain SQL (`now` judges overdue). */
const FILTERS: [string, (now: string) => string][] = [
  ['', () => 'true'],
  ['status=open', () => "status = 'open'"],
  ['status=closed', () => "status = 'closed'"],
  ['overdue=true', (now) => `status = 'open' AND due_at < '${now}'`],
  ['overdue=false', (now) => `NOT (status = 'open' AND due_at IS NOT NULL AND due_at < '${now}')`],
  ['crossBorder=true', () => 'consumer_country <> trader_country'],
  ['consumerCountry=DE,FR&sector=airlines', () => "consumer_country IN ('DE', 'FR') AND sector = 'airlines'"],
  ['stage=with_trader&traderCountry=IT', () => "stage = 'with_trader' AND trader_country = 'IT'"],
  ['traderId=T-TOT-7,T-TOT-8', () => "trader_id IN ('T-TOT-7', 'T-TOT-8')"],
  ['from=2025-06-01&to=2026-03-01T12:00:00%2B01:00', () => "filed_at >= '2025-06-01T00:00:00Z' AND filed_at < '2026-03-01T11:00:00Z'"],
  ['closure=withdrawn&crossBorder=false', () => "closure = 'withdrawn' AND consumer_country = trader_country"],
];

let app: RunningApp;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  app = await startApp();
  api = client(app.baseUrl);
  const now = Date.now();
  const cases = Array.from({ length: N }, (_, k) => caseNo(k, now));
  for (let i = 0; i < N; i += 4000) {
    const r = await api.ndjson(ndjson(cases.slice(i, i + 4000)));
    expect(r.status, r.text).toBe(200);
  }
}, 300_000);

afterAll(async () => {
  await app?.close();
});

/** count(*) over the case store, the filter written as plain SQL. */
async function counted(condition: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM complaints WHERE ${sql.raw(condition)}`.execute(app.store.db);
  return rows[0]!.n;
}

async function expectExactTotals(when: string): Promise<void> {
  for (const [query, condition] of FILTERS) {
    const r = await api.get(`/api/v1/complaints?limit=5${query ? `&${query}` : ''}`);
    expect(r.status, r.text).toBe(200);
    // The count after the answer: the instant `overdue` was judged at lies between the two reads of the clock.
    const expected = await counted(condition(new Date().toISOString()));
    expect({ query, when, total: r.body.total, totalExact: r.body.totalExact }).toEqual({ query, when, total: expected, totalExact: true });
  }
}

describe('the registry total is exact above 10 000 matches', () => {
  it('before any analytics snapshot (counted in the case store)', async () => {
    expect(await counted('true')).toBeGreaterThan(10_000);
    await expectExactTotals('no snapshot');
  });

  it('from a snapshot, with cases filed and changed since it', async () => {
    expect((await api.postRaw('/api/v1/etl/runs?wait=true', undefined)).status).toBe(200);
    await expectExactTotals('fresh snapshot');
    // Since the snapshot: new cases, and stored ones closed (a re-send that extends their events).
    const now = Date.now();
    const fresh = Array.from({ length: 300 }, (_, k) => caseNo(N + k, now));
    expect((await api.ndjson(ndjson(fresh))).status).toBe(200);
    const { rows } = await sql<{
      external_ref: string;
      filed_at: Date;
      consumer_country: string;
      trader_id: string;
      trader_country: string;
      sector: string;
    }>`
      SELECT external_ref, filed_at, consumer_country, trader_id, trader_country, sector FROM complaints
      WHERE stage = 'with_trader' ORDER BY id LIMIT 400`.execute(app.store.db);
    const closing = rows.map((c) =>
      minimalComplaint({
        externalRef: c.external_ref,
        filedAt: c.filed_at.toISOString(),
        consumer: { country: c.consumer_country },
        trader: { id: c.trader_id, country: c.trader_country },
        sector: c.sector,
        events: [
          { type: 'sent_to_trader', at: addDays(c.filed_at.toISOString(), 0.01) },
          { type: 'withdrawn', at: new Date(now - 1000).toISOString() },
        ] as TestComplaint['events'],
      }),
    );
    const resent = await api.ndjson(ndjson(closing));
    expect(resent.status, resent.text).toBe(200);
    expect(resent.body.updated).toBe(400);
    await expectExactTotals('changed since the snapshot');
  }, 120_000);

  it('the snapshot counts the unchanged cases: its part plus the changed ones is the count', async () => {
    const stores = app.app.get<AnalyticsStores>(ANALYTICS);
    const repo = new RegistryRepository(app.store.db);
    const now = new Date();
    const ctx = { now, scope: UNRESTRICTED, searchDescription: false, qTraderIds: undefined };
    const f = { status: ['open' as const] };
    let changed = 0;
    const n = await new AnalyticsRepository(stores.source).exactMatches(f, UNRESTRICTED, now, async (w) => {
      const c = await repo.changedSince(w.xmin, f, ctx, 50_000);
      changed = c?.count ?? -1;
      return c;
    });
    // 300 filed and 400 closed since the snapshot (the previous test).
    expect(changed).toBeGreaterThanOrEqual(700);
    expect(n).toBe(await counted("status = 'open'"));
  });
});
