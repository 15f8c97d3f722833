/**
 * Censoring-aware time to close (issue 20, domain.md §4): medianDaysToCloseKM, p90DaysToCloseKM
 * and openShare on the summary, every trend period and the trader table, against a plain
 * Kaplan–Meier written here over raw rows read from the case store: each complaint's filing time
 * and its first non-voided closing event, an open case censored at the instant the ETL's extract
 * read the store (etl_runs.snapshot_at). S is kept as an exact fraction (BigInt), so "S ≤ ½" is
 * decided exactly, as the definition reads.
 *
 * Hand-made traders give the edge cases: ties (several cases closing at the same duration), open
 * cases longer than every closed one (the median not reached: null), a median where S is exactly
 * ½ after several factors, and the current month (mostly open). The demo data gives volume.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { seedDemo } from '../api/src/demo/demo-seed.js';
import { summaryBody, tradersBody, trendBody } from '../core/analytics-answers.js';
import { ANALYTICS } from '../api/src/app.tokens.js';
import { boundedKm } from '../api/src/analytics/close-km.js';
import { closeKmBounds } from '../api/src/analytics/queries/close-km-bounds.js';
import { readCloseBuckets } from '../api/src/analytics/close-quantiles.js';
import { WHOLE_SET } from '../api/src/analytics/queries/flag-groups.js';
import { sql as duckSql } from '../core/duckdb/duck-sql.js';
import type { AnalyticsStores } from '../core/duckdb/analytics-stores.js';
import { client, startApp, type Client, type RunningApp } from './support/http.js';
import { ev, ndjson, type TestComplaint, type TestEvent } from './support/complaints.js';

const DAY_MS = 86_400_000;
const DAY_US = 86_400_000_000;
const CLOSING = ['settled_directly', 'closed_no_agreement', 'withdrawn', 'adr_refused', 'adr_outcome', 'adr_discontinued'];
const NOW = Date.now();
const plus = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY_MS).toISOString();

/** The first instant of the current UTC month. */
const MONTH_START = (() => {
  const d = new Date(NOW);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)).toISOString();
})();

/** The first instant of the current UTC year. */
const YEAR_START = `${new Date(NOW).getUTCFullYear()}-01-01T00:00:00Z`;

function hand(ref: string, trader: string, filedAt: string, events: TestEvent[]): TestComplaint {
  return {
    externalRef: `KM-${ref}`,
    source: 'km',
    filedAt,
    complainant: 'consumer',
    consumer: { country: 'IT' },
    trader: { id: trader, name: `Trader ${trader}`, country: 'DE' },
    sector: 'ict_goods',
    problem: 'delivery',
    events,
  };
}

/** The hand-made cases and what the definition gives for them, worked out by hand. */
function handCases(): TestComplaint[] {
  const out: TestComplaint[] = [];
  // Ties: 14 cases filed together; 4 close at 2 days, 4 at 5, 4 at 9, 2 stay open (censored years
  // later). S(2) = 10/14, S(5) = 10/14 · 6/10 = 6/14 ≤ ½ → median 5 days; S(9) = 6/14 · 2/6 = 2/14
  // > 0.1 → p90 not reached.
  const f = '2024-03-04T10:00:00Z';
  for (let i = 0; i < 14; i++) {
    const closeAt = i < 4 ? 2 : i < 8 ? 5 : i < 12 ? 9 : null;
    out.push(
      hand(`TIES-${i}`, 'KM-TIES', f, closeAt === null ? [ev.sent(plus(f, 0.5))] : [ev.sent(plus(f, 0.5)), ev.withdrawn(plus(f, closeAt))]),
    );
  }
  // Open longer than every closed one: 10 close within 3 days, 12 stay open since 2023.
  // S = 12/22 > ½ after the last closing → median and p90 null.
  const g = '2023-05-02T08:00:00Z';
  for (let i = 0; i < 22; i++)
    out.push(hand(`LONG-${i}`, 'KM-LONG-OPEN', plus(g, i / 24), i < 10 ? [ev.withdrawn(plus(g, i / 24 + 1 + i * 0.2))] : []));
  // Exactly ½ after five factors: 10 cases close on days 1…10, none censored. S(5) = 9/10 · 8/9
  // · 7/8 · 6/7 · 5/6 = ½ exactly → median 5 days; S(9) = 1/10 → p90 9 days.
  const h = '2024-06-03T12:00:00Z';
  for (let i = 0; i < 10; i++) out.push(hand(`HALF-${i}`, 'KM-HALF', h, [ev.withdrawn(plus(h, i + 1))]));
  // A median on a point (exactly 30 days, as the automatic closure): 4 close within 1.1–4.1 days,
  // 3 filed 10 days ago stay open (censored at ≈ 10 days), 14 close at exactly 30 days, 4 stay open
  // since 2024. S = 21/25 after the first four; 18 at risk at 30 days, 14 close: S = 21/25 · 4/18
  // ≤ ½ → median 30 days; the 4 left are censored → p90 not reached. The bounds per close bucket
  // settle both without the exact query (close-km-bounds.ts).
  const p = '2024-09-02T09:00:00Z';
  const recent = new Date(NOW - 10 * DAY_MS).toISOString();
  for (let i = 0; i < 4; i++) out.push(hand(`POINT-EARLY-${i}`, 'KM-POINT', p, [ev.withdrawn(plus(p, i + 1.1))]));
  for (let i = 0; i < 3; i++) out.push(hand(`POINT-RECENT-${i}`, 'KM-POINT', plus(recent, i / 24), []));
  for (let i = 0; i < 14; i++) out.push(hand(`POINT-30-${i}`, 'KM-POINT', p, [ev.withdrawn(plus(p, 30))]));
  for (let i = 0; i < 4; i++) out.push(hand(`POINT-OPEN-${i}`, 'KM-POINT', p, []));
  // The current month: 12 cases filed since its start, 3 closed soon after filing, 9 open.
  const span = NOW - Date.parse(MONTH_START);
  for (let i = 0; i < 12; i++) {
    const filed = new Date(Date.parse(MONTH_START) + (span * (i + 1)) / 14).toISOString();
    const closed = new Date(Date.parse(filed) + (NOW - Date.parse(filed)) / 4).toISOString();
    out.push(hand(`NOW-${i}`, 'KM-NOW', filed, i % 4 === 0 ? [ev.withdrawn(closed)] : []));
  }
  return out;
}

// ───────────────────────────── the plain Kaplan–Meier ─────────────────────────────

interface Raw {
  traderId: string;
  sector: string;
  source: string;
  filedUs: bigint;
  /** The first closing event's instant, µs; null while open. */
  closedUs: bigint | null;
}

interface Km {
  medianDaysToCloseKM: number | null;
  p90DaysToCloseKM: number | null;
  openShare: number | null;
}

/**
 * Over `rows`, with open cases censored at `censorUs`: S as an exact fraction num/den, stepped at
 * each distinct closing duration in ascending order.
 */
function kaplanMeier(rows: readonly Raw[], censorUs: bigint): Km {
  const cases = rows.map((r) => ({ t: r.closedUs === null ? censorUs - r.filedUs : r.closedUs - r.filedUs, closed: r.closedUs !== null }));
  const times = [...new Set(cases.filter((c) => c.closed).map((c) => c.t))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let num = 1n;
  let den = 1n;
  let median: bigint | null = null;
  let p90: bigint | null = null;
  for (const tj of times) {
    const n = BigInt(cases.filter((c) => c.t >= tj).length);
    const d = BigInt(cases.filter((c) => c.closed && c.t === tj).length);
    num *= n - d;
    den *= n;
    if (median === null && 2n * num <= den) median = tj;
    if (10n * num <= den) {
      p90 = tj;
      break;
    }
  }
  const closed = cases.filter((c) => c.closed).length;
  return {
    medianDaysToCloseKM: median === null ? null : Number(median) / DAY_US,
    p90DaysToCloseKM: p90 === null ? null : Number(p90) / DAY_US,
    openShare: cases.length === 0 ? null : (cases.length - closed) / cases.length,
  };
}

interface Filter {
  traderId?: string[];
  sector?: string[];
  source?: string[];
  from?: string;
  to?: string;
}

const us = (iso: string) => BigInt(Date.parse(iso)) * 1000n;

function matches(r: Raw, f: Filter): boolean {
  return (
    (!f.traderId || f.traderId.includes(r.traderId)) &&
    (!f.sector || f.sector.includes(r.sector)) &&
    (!f.source || f.source.includes(r.source)) &&
    (f.from === undefined || r.filedUs >= us(f.from)) &&
    (f.to === undefined || r.filedUs < us(f.to))
  );
}

function queryOf(f: Filter, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const k of ['traderId', 'sector', 'source'] as const) if (f[k]) p.set(k, f[k]!.join(','));
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  return p.toString();
}

/** The UTC month of an instant in µs, as the API names periods. */
function monthOf(filedUs: bigint): string {
  return new Date(Number(filedUs / 1000n)).toISOString().slice(0, 7);
}

// ───────────────────────────── the suite ─────────────────────────────

let app: RunningApp;
let api: Client;
let raw: Raw[] = [];
let censorUs: bigint;

const pick = (m: Record<string, unknown>): Km => ({
  medianDaysToCloseKM: m.medianDaysToCloseKM as number | null,
  p90DaysToCloseKM: m.p90DaysToCloseKM as number | null,
  openShare: m.openShare as number | null,
});

beforeAll(async () => {
  app = await startApp();
  api = client(app.baseUrl);
  await seedDemo(app.store, { traderReplyDays: 10 }, { complaints: 1500, seed: 2020 });
  const loaded = await api.ndjson(ndjson(handCases()));
  expect(loaded.status, loaded.text).toBe(200);
  const run = await api.postJson('/api/v1/etl/runs?wait=true', {});
  expect(run.status, run.text).toBe(200);
  expect(run.body.status).toBe('succeeded');

  // The raw rows: the filing time and the first non-voided closing event, from the event log.
  const rows = await sql<{ trader_id: string; sector: string; source: string; filed_us: string; closed_us: string | null }>`
    SELECT c.trader_id, c.sector, c.source,
           (extract(epoch FROM c.filed_at) * 1000000)::bigint::text AS filed_us,
           (extract(epoch FROM (SELECT min(e.at) FROM complaint_events e
                                WHERE e.complaint_id = c.id AND e.voided_at IS NULL AND e.type IN (${sql.join(CLOSING)}))) * 1000000)::bigint::text AS closed_us
    FROM complaints c`.execute(app.store.db);
  raw = rows.rows.map((r) => ({
    traderId: r.trader_id,
    sector: r.sector,
    source: r.source,
    filedUs: BigInt(r.filed_us),
    closedUs: r.closed_us === null ? null : BigInt(r.closed_us),
  }));
  // The censoring instant: when the run's extract read the case store, as PostgreSQL recorded it.
  const [at] = (
    await sql<{
      at: string;
    }>`SELECT (extract(epoch FROM snapshot_at) * 1000000)::bigint::text AS at FROM etl_runs WHERE id = ${run.body.id}`.execute(app.store.db)
  ).rows;
  censorUs = BigInt(at!.at);
}, 180_000);

afterAll(() => app?.close());

const HAND_MADE: Filter = { traderId: ['KM-TIES', 'KM-LONG-OPEN', 'KM-HALF', 'KM-POINT', 'KM-NOW'] };

const FILTERS: [string, Filter][] = [
  ['everything', {}],
  ['ties', { traderId: ['KM-TIES'] }],
  ['open longer than every closed', { traderId: ['KM-LONG-OPEN'] }],
  ['exactly one half', { traderId: ['KM-HALF'] }],
  ['a median on a point', { traderId: ['KM-POINT'] }],
  ['the current month', { from: MONTH_START }],
  ['the demo', { source: ['demo'] }],
  ['a sector', { sector: ['ict_goods'] }],
  ['2024', { from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }],
  ['hand-made traders', HAND_MADE],
  ['nothing', { traderId: ['KM-NO-SUCH'] }],
];

describe('Kaplan–Meier time to close and open share agree with a plain implementation over raw rows', () => {
  it('the hand-made cases give what was worked out by hand', () => {
    const of = (traderId: string) =>
      kaplanMeier(
        raw.filter((r) => r.traderId === traderId),
        censorUs,
      );
    expect(of('KM-TIES')).toEqual({ medianDaysToCloseKM: 5, p90DaysToCloseKM: null, openShare: 2 / 14 });
    expect(of('KM-LONG-OPEN')).toEqual({ medianDaysToCloseKM: null, p90DaysToCloseKM: null, openShare: 12 / 22 });
    expect(of('KM-HALF')).toEqual({ medianDaysToCloseKM: 5, p90DaysToCloseKM: 9, openShare: 0 });
    expect(of('KM-POINT')).toEqual({ medianDaysToCloseKM: 30, p90DaysToCloseKM: null, openShare: 7 / 25 });
    expect(of('KM-NOW').openShare).toBe(9 / 12);
  });

  it('the bounds per close bucket settle a median on a point and leave the others to the exact query', async () => {
    const decided = await app.app.get<AnalyticsStores>(ANALYTICS).source.read(async (q) => {
      const { points } = await readCloseBuckets(q);
      const of = async (traderId: string) => {
        const where = duckSql`trader_key = (SELECT trader_key FROM trader_keys WHERE trader_id = ${traderId})`;
        const [row] = await q(closeKmBounds(where, WHOLE_SET));
        return boundedKm(row!, points);
      };
      return { point: await of('KM-POINT'), half: await of('KM-HALF'), ties: await of('KM-TIES') };
    });
    expect(decided.point).toEqual({ median: { us: 30 * DAY_US }, p90: { us: null } });
    // Closings one a day, each in an ordinary bucket: S is not known from counts.
    expect(decided.half.median).toBe('exact');
    expect(decided.ties.median).toBe('exact');
  });

  it.each(FILTERS)('summary: %s', async (_, filter) => {
    const a = await api.get(`/api/v1/stats/summary?${queryOf(filter)}`);
    expect(a.status, a.text).toBe(200);
    const s = summaryBody.parse(a.body);
    expect(pick(s)).toEqual(
      kaplanMeier(
        raw.filter((r) => matches(r, filter)),
        censorUs,
      ),
    );
  });

  it.each([
    ['this year so far against the same days of last year', { from: YEAR_START }, 'previous_year', true],
    ['the current month against the last', { from: MONTH_START }, 'previous_period', false],
    ['2025 against 2024', { from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'previous_year', false],
    [
      'the hand-made traders, March 2025 against March 2024',
      { ...HAND_MADE, from: '2025-03-01T00:00:00Z', to: '2025-04-01T00:00:00Z' },
      'previous_year',
      false,
    ],
  ] as [string, Filter, string, boolean][])(
    'comparison, %s: the earlier cohort as it stood at the same age',
    async (_, filter, compare, young) => {
      const a = await api.get(`/api/v1/stats/summary?${queryOf(filter, { compare })}`);
      expect(a.status, a.text).toBe(200);
      const c = summaryBody.parse(a.body).comparison!;
      expect(c.sameAge).toBe(true);
      // The same age: the snapshot's instant less the shift between the two windows' starts. A case
      // that closed after that instant was still open then.
      const cut = censorUs - (us(filter.from!) - us(c.from));
      const then = raw
        .filter((r) => matches(r, { ...filter, from: c.from, to: c.to }))
        .map((r) => ({ ...r, closedUs: r.closedUs !== null && r.closedUs <= cut ? r.closedUs : null }));
      expect(then.length).toBeGreaterThan(0);
      expect(pick(c)).toEqual(kaplanMeier(then, cut));
      // Last year's cases, seen at this year's age, were more of them open than now.
      if (young)
        expect(pick(c).openShare).toBeGreaterThan(
          kaplanMeier(
            raw.filter((r) => matches(r, { from: c.from, to: c.to })),
            censorUs,
          ).openShare!,
        );
    },
  );

  it('the current month is mostly open: provisional, its median not reached', async () => {
    const s = summaryBody.parse((await api.get(`/api/v1/stats/summary?from=${encodeURIComponent(MONTH_START)}`)).body);
    expect(s.openShare).toBeGreaterThan(0.5);
    expect(s.medianDaysToCloseKM).toBeNull();
    // The median over closed cases alone says the month closes fast: the bias KM corrects.
    expect(s.medianDaysToClose).not.toBeNull();
  });

  it.each([
    ['month', {}],
    ['quarter', {}],
    ['month', HAND_MADE],
    ['month', { from: '2023-01-01T00:00:00Z' }],
  ] as [string, Filter][])('trend by %s %j: every period', async (interval, filter) => {
    const a = await api.get(`/api/v1/stats/trend?${queryOf(filter, { interval })}`);
    expect(a.status, a.text).toBe(200);
    const t = trendBody.parse(a.body);
    const periodOf = (r: Raw) => {
      const month = monthOf(r.filedUs);
      return interval === 'month' ? month : `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`;
    };
    const byPeriod = new Map<string, Raw[]>();
    for (const r of raw.filter((x) => matches(x, filter))) byPeriod.set(periodOf(r), [...(byPeriod.get(periodOf(r)) ?? []), r]);
    expect(t.items.length).toBeGreaterThan(3);
    for (const item of t.items)
      expect([item.period, pick(item)]).toEqual([item.period, kaplanMeier(byPeriod.get(item.period) ?? [], censorUs)]);
    // Every period with complaints is there.
    expect(t.items.filter((i) => i.complaints > 0).map((i) => i.period)).toEqual([...byPeriod.keys()].sort());
  });

  it.each([
    ['the first 50', {}],
    ['the hand-made traders', HAND_MADE],
    ['2024', { from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }],
  ] as [string, Filter][])('trader table, %s: per trader (withheld below 10 closed)', async (_, filter) => {
    const a = await api.get(`/api/v1/stats/traders?${queryOf(filter, { limit: '50' })}`);
    expect(a.status, a.text).toBe(200);
    const t = tradersBody.parse(a.body);
    expect(t.items.length).toBeGreaterThan(0);
    let shown = 0;
    for (const item of t.items) {
      const rows = raw.filter((r) => r.traderId === item.traderId && matches(r, filter));
      const withheld = rows.filter((r) => r.closedUs !== null).length < t.minClosedForRates;
      expect(item.ratesShown).toBe(!withheld);
      const expected = withheld ? { medianDaysToCloseKM: null, p90DaysToCloseKM: null, openShare: null } : kaplanMeier(rows, censorUs);
      expect([item.traderId, pick(item)]).toEqual([item.traderId, expected]);
      if (!withheld) shown++;
    }
    expect(shown).toBeGreaterThan(0);
  });
});
