/**
 * The flat-table baseline (issue 18): what a Rill or Evidence user would get from the same data.
 * The extract is one flat table, one row per complaint with its columns, its trader's name,
 * registered country and sector, and its durations in days — plain types (VARCHAR codes,
 * TIMESTAMPs, DOUBLE days), no flag classes, no ENUMs, no pre-aggregates — loaded into a DuckDB
 * file; each /api/v1/stats endpoint's figures are then plain `GROUP BY` queries on it with the
 * bench's 30 filter sets, the measures written as domain.md §4 defines them.
 *
 * In process (`@duckdb/node-api`, DuckDB's default settings: as many threads as cores, 80 % of
 * RAM), no HTTP, no answer cache: every query is computed ("cold" in the API's sense; the table
 * is in DuckDB's buffers after the load and a warm-up pass). Loading means: `COPY (SELECT …
 * FROM complaints JOIN traders) TO STDOUT (CSV)` from PostgreSQL into a file (DuckDB's postgres
 * scanner needs a download, not available offline), then `CREATE TABLE … AS SELECT … FROM
 * read_csv(…)` with the derived columns. Refreshing means loading again: there is no increment.
 *
 * Used by bench/analytics-compare.ts, and as the floor of a full ETL by bench/analytics.ts and
 * bench/memory-drill.ts (measureFloor); alone (loads, times, prints):
 *   npm run bench -- analytics-flat [--complaints 100000] [--database NAME] [--only summary,trend]
 */
import { createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { type DuckDBConnection, DuckDBInstance, type DuckDBValue, listValue } from '@duckdb/node-api';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { ADR_BODIES } from './analytics-data.js';
import {
  BENCH_TRADERS,
  ENDPOINTS,
  type Endpoint,
  type FilterSet,
  type Row,
  type SqlWhere,
  datasetName,
  filterSets,
  round,
  yearOf,
} from './analytics-common.js';
import { OUT_DIR, type Where, dbUrl, fmt, mib, num, parseArgs, summarize, table, whereSql } from './lib.js';

/** TRADER_REPLY_DAYS (the servers run with its default). */
const REPLY_DAYS = 10;

// ───────────────────────────── the flat table ─────────────────────────────

/** One row per complaint: its columns as kept on write (no personal data, no free text) and its trader's. */
const EXTRACT = `
SELECT c.id, c.source, c.filed_at AT TIME ZONE 'UTC' AS filed_at, c.consumer_country, c.trader_id, c.trader_country,
       c.sector, c.problem, c.stage, c.status, c.closure, c.sent_at AT TIME ZONE 'UTC' AS sent_at,
       c.replied_at AT TIME ZONE 'UTC' AS replied_at, c.trader_decision, c.adr_body_id,
       c.agreed_at AT TIME ZONE 'UTC' AS agreed_at, c.accepted_at AT TIME ZONE 'UTC' AS accepted_at,
       c.refused_at AT TIME ZONE 'UTC' AS refused_at, c.refusal_ground, c.closed_at AT TIME ZONE 'UTC' AS closed_at,
       c.adr_result, c.discontinued_reason, c.complied, c.due_at AT TIME ZONE 'UTC' AS due_at,
       t.name AS trader_name, t.country AS trader_registered_country, t.sector AS trader_sector
FROM complaints c LEFT JOIN traders t ON t.id = c.trader_id`;

const T = 'TIMESTAMP';
const COLUMNS: Record<string, string> = {
  id: 'BIGINT',
  source: 'VARCHAR',
  filed_at: T,
  consumer_country: 'VARCHAR',
  trader_id: 'VARCHAR',
  trader_country: 'VARCHAR',
  sector: 'VARCHAR',
  problem: 'VARCHAR',
  stage: 'VARCHAR',
  status: 'VARCHAR',
  closure: 'VARCHAR',
  sent_at: T,
  replied_at: T,
  trader_decision: 'VARCHAR',
  adr_body_id: 'VARCHAR',
  agreed_at: T,
  accepted_at: T,
  refused_at: T,
  refusal_ground: 'VARCHAR',
  closed_at: T,
  adr_result: 'VARCHAR',
  discontinued_reason: 'VARCHAR',
  complied: 'BOOLEAN',
  due_at: T,
  trader_name: 'VARCHAR',
  trader_registered_country: 'VARCHAR',
  trader_sector: 'VARCHAR',
};
const days = (a: string, b: string) => `epoch(${a} - ${b}) / 86400`;

/**
 * Extracts the flat table from PostgreSQL (`database`) into a CSV file under `dir`, loads it
 * into a new DuckDB file there, and opens it. Returns { run, close, extractMs, loadMs, csvBytes,
 * duckdbBytes, rows, extractedAt } (extractedAt: the extract's snapshot instant); run(ep, s, asOf)
 * answers endpoint `ep` (analytics-common.ts's ENDPOINTS) for filter set `s` from the table, with
 * overdue judged at `asOf`.
 */
/** An instant: a snapshot's finishedAt (ISO text) or PostgreSQL's now(). */
export type Instant = string | Date;

/** A loaded flat table and what loading it cost. */
export interface Flat {
  extractMs: number;
  loadMs: number;
  csvBytes: number;
  duckdbBytes: number;
  rows: number;
  extractedAt: Date;
  run(ep: Endpoint, s: FilterSet, asOf: Instant): Promise<unknown>;
  close(): void;
}

export async function loadFlat({ database, dir }: { database: string; dir: string }): Promise<Flat> {
  mkdirSync(dir, { recursive: true });
  const csv = path.join(dir, 'flat.csv');
  const file = path.join(dir, 'flat.duckdb');
  for (const f of [csv, file, `${file}.wal`]) rmSync(f, { force: true });

  const t0 = performance.now();
  const client = new pg.Client({ connectionString: dbUrl(database), application_name: 'odr-bench-flat' });
  await client.connect();
  let extractedAt: Date;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    extractedAt = (await client.query<{ at: Date }>('SELECT now() AS at')).rows[0]!.at;
    await pipeline(client.query(copyStreams.to(`COPY (${EXTRACT}) TO STDOUT WITH (FORMAT csv, HEADER)`)), createWriteStream(csv));
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
  const extractMs = performance.now() - t0;
  const csvBytes = statSync(csv).size;

  const t1 = performance.now();
  const instance = await DuckDBInstance.create(file);
  const con = await instance.connect();
  const columns = `{${Object.entries(COLUMNS)
    .map(([k, v]) => `'${k}': '${v}'`)
    .join(', ')}}`;
  await con.run(`
    CREATE TABLE complaints AS
    SELECT *,
      consumer_country <> trader_country AS cross_border,
      ${days('closed_at', 'filed_at')} AS days_to_close,
      ${days('replied_at', 'sent_at')} AS reply_days,
      CASE WHEN closure IN ('adr_outcome', 'adr_discontinued') AND agreed_at IS NOT NULL THEN ${days('closed_at', 'agreed_at')} END AS adr_days
    FROM read_csv('${csv.replaceAll("'", "''")}', header = true, columns = ${columns})`);
  await con.run('CHECKPOINT');
  const loadMs = performance.now() - t1;
  const rows = Number(one(await query(con, 'SELECT count(*) AS n FROM complaints')).n);
  rmSync(csv, { force: true });
  const q: FlatQuery = (text, params) => query(con, text, params);
  return {
    extractMs,
    loadMs,
    csvBytes,
    duckdbBytes: statSync(file).size,
    rows,
    extractedAt,
    run: (ep, s, asOf) => {
      const answer = FLAT[ep.name];
      if (!answer) throw new Error(`no flat figures for endpoint ${ep.name}`);
      return answer(q, flatWhere(s.where, asOf), s.index, asOf);
    },
    close() {
      con.closeSync();
      instance.closeSync();
    },
  };
}

/**
 * The floor of a full ETL (issue 21): what only moving the extract's columns costs, with none of
 * the ETL's work: the flat table loaded (loadFlat, DuckDB's defaults, in this process), then
 * closed and its files removed. ms = the COPY out of PostgreSQL + the one read_csv into DuckDB.
 */
export interface Floor {
  ms: number;
  extractMs: number;
  loadMs: number;
  rows: number;
  csvBytes: number;
}

export async function measureFloor({ database, dir }: { database: string; dir: string }): Promise<Floor> {
  try {
    const flat = await loadFlat({ database, dir });
    flat.close();
    const { extractMs, loadMs, rows, csvBytes } = flat;
    return { ms: Math.round(extractMs + loadMs), extractMs: Math.round(extractMs), loadMs: Math.round(loadMs), rows, csvBytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A query on the flat table; `R`: the row as the statement shapes it. */
type FlatQuery = <R extends Row = Row>(text: string, params?: readonly unknown[]) => Promise<R[]>;

/** A bench value as a DuckDB parameter (lists of codes, codes, years). */
function duckValue(v: unknown): DuckDBValue {
  if (Array.isArray(v)) return listValue(v.map(duckValue));
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return v;
  throw new Error(`not a query parameter: ${String(v)}`);
}

/** Rows as plain objects (BIGINT → number). */
async function query<R extends Row = Row>(con: DuckDBConnection, text: string, params: readonly unknown[] = []): Promise<R[]> {
  const reader = await con.runAndReadAll(text, params.map(duckValue));
  return reader
    .getRowObjectsJS()
    .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])) as R);
}

/** The one row of an aggregate without GROUP BY. */
function one<R>(rows: readonly R[]): R {
  const r = rows[0];
  if (r === undefined) throw new Error('an aggregate returned no row');
  return r;
}

/**
 * A filter set's condition (analytics-common.ts: PostgreSQL text over `complaints`) on the flat
 * table: the same column names; times as TIMESTAMP (UTC); `now()` is the snapshot instant `asOf`.
 */
export function flatWhere(where: Where, asOf: Instant): SqlWhere {
  return whereSql(
    where.map(([expr, ...vals]): [string, ...unknown[]] => [
      expr.replaceAll('::timestamptz', '::TIMESTAMP').replaceAll('now()', at(asOf)),
      ...vals,
    ]),
  );
}
/** A TIMESTAMP literal of an instant (written inline: it comes from the bench, not from a user). */
const at = (instant: Instant): string => `TIMESTAMP '${new Date(instant).toISOString().replace('T', ' ').replace('Z', '')}'`;

// ───────────────────────────── the measures as plain aggregates ─────────────────────────────

/** domain.md §4's measures over one group (`asOf`: the instant overdue is judged at). */
const MEASURES = (asOf: Instant): string => `
  count(*)::INTEGER AS "complaints",
  count(*) FILTER (cross_border)::INTEGER AS "crossBorder",
  count(*) FILTER (cross_border) / nullif(count(*), 0) AS "crossBorderShare",
  count(*) FILTER (status = 'closed')::INTEGER AS "closed",
  count(*) FILTER (closure IN ('settled_directly', 'adr_outcome'))::INTEGER AS "resolved",
  count(*) FILTER (closure IN ('settled_directly', 'adr_outcome')) / nullif(count(*) FILTER (status = 'closed'), 0) AS "resolutionRate",
  count(sent_at)::INTEGER AS "sentToTrader",
  count(replied_at)::INTEGER AS "traderReplied",
  count(replied_at) / nullif(count(sent_at), 0) AS "traderResponseRate",
  count(*) FILTER (reply_days <= ${REPLY_DAYS}) / nullif(count(sent_at), 0) AS "timelyTraderResponseRate",
  count(agreed_at)::INTEGER AS "adrAgreed",
  count(agreed_at) / nullif(count(*), 0) AS "adrAgreementRate",
  quantile_cont(days_to_close, 0.5) AS "medianDaysToClose",
  quantile_cont(days_to_close, 0.9) AS "p90DaysToClose",
  count(*) FILTER (status = 'open' AND due_at < ${at(asOf)})::INTEGER AS "overdue"`;

/** The ADR measures, over the cases an ADR body received. */
const ADR_MEASURES = `
  count(agreed_at)::INTEGER AS "adrReceived",
  count(accepted_at)::INTEGER AS "adrAccepted",
  count(refused_at)::INTEGER AS "adrRefused",
  count(refused_at) / nullif(count(accepted_at) + count(refused_at), 0) AS "adrRefusalRate",
  count(*) FILTER (closure = 'adr_outcome')::INTEGER AS "adrOutcomes",
  count(*) FILTER (closure = 'adr_discontinued')::INTEGER AS "adrDiscontinued",
  count(*) FILTER (closure = 'adr_discontinued') / nullif(count(accepted_at), 0) AS "adrDiscontinuedShare",
  avg(adr_days) AS "adrAverageDays",
  count(*) FILTER (adr_days <= 90) / nullif(count(adr_days), 0) AS "adrWithin90DaysShare",
  count(complied)::INTEGER AS "complianceReported",
  count(*) FILTER (complied) / nullif(count(complied), 0) AS "complianceRate"`;

/** MEASURES' row (the fields read here). */
type MeasureRow = Row & { complaints: number; closed: number };
/** ADR_MEASURES' row. */
type AdrRow = {
  adrReceived: number;
  adrAccepted: number;
  adrRefused: number;
  adrRefusalRate: number | null;
  adrOutcomes: number;
  adrDiscontinued: number;
  adrDiscontinuedShare: number | null;
  adrAverageDays: number | null;
  adrWithin90DaysShare: number | null;
  complianceReported: number;
  complianceRate: number | null;
};

const share = (n: number, d: number): number | null => (d === 0 ? null : n / d);
/** How many rows have each value of `column` (none left out), as { [name]: value, count, share of `of` }. */
async function counts(
  q: FlatQuery,
  column: string,
  w: SqlWhere,
  name: string,
  of: number,
  extra = 'true',
): Promise<Record<string, unknown>[]> {
  const rows = await q<{ key: string; count: number }>(
    `SELECT ${column} AS "key", count(*)::INTEGER AS "count" FROM complaints WHERE (${w.sql}) AND ${column} IS NOT NULL AND ${extra} GROUP BY 1 ORDER BY 2 DESC, 1`,
    w.params,
  );
  return rows.map((r) => ({ [name]: r.key, count: r.count, share: share(r.count, of) }));
}
const groupedBy = (q: FlatQuery, column: string, alias: string, w: SqlWhere, asOf: Instant): Promise<MeasureRow[]> =>
  q<MeasureRow>(
    `SELECT ${column} AS "${alias}", ${MEASURES(asOf)} FROM complaints WHERE ${w.sql} GROUP BY 1 ORDER BY "complaints" DESC, 1`,
    w.params,
  );

/** '2024-03-01' → '2024-03' | '2024-Q1' | '2024' (the API's period labels). */
function periodOf(start: Date, interval: string): string {
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth() + 1;
  return interval === 'year' ? String(y) : interval === 'quarter' ? `${y}-Q${Math.ceil(m / 3)}` : `${y}-${String(m).padStart(2, '0')}`;
}

/** Linear interpolation between order statistics (percentile_cont). */
function interpolate(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  // lo and hi are within 0 … length − 1.
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

const RATES = [
  'crossBorderShare',
  'resolutionRate',
  'traderResponseRate',
  'timelyTraderResponseRate',
  'adrAgreementRate',
  'medianDaysToClose',
  'p90DaysToClose',
];

/**
 * Per endpoint (the names of analytics-common.ts's ENDPOINTS): the answer's figures from plain
 * queries — `q(text, params)`, `w` the filter set's condition (flatWhere), `i` its index, `asOf`
 * the snapshot instant — shaped like the API's answer (the fields the API adds from code lists,
 * labels and populations left out).
 */
export type FlatAnswer = (q: FlatQuery, w: SqlWhere, i: number, asOf: Instant) => Promise<unknown>;

/** The benchmark's row of one trader (its sector and measures). */
interface BenchmarkRow {
  traderId: string;
  sector: string | null;
  complaints: number;
  closed: number;
  resolutionRate: number | null;
  traderResponseRate: number | null;
  medianDaysToClose: number | null;
}
const BENCHMARK_KEYS = ['resolutionRate', 'traderResponseRate', 'medianDaysToClose'] as const;

export const FLAT: Record<string, FlatAnswer> = {
  summary: async (q, w, _i, asOf) => one(await q(`SELECT ${MEASURES(asOf)}, ${ADR_MEASURES} FROM complaints WHERE ${w.sql}`, w.params)),
  countries: async (q, w, i, asOf) => {
    const side = i % 2 ? 'trader' : 'consumer';
    return { side, items: await groupedBy(q, `${side}_country`, 'country', w, asOf) };
  },
  flows: async (q, w) => ({
    items: await q(
      `SELECT consumer_country AS "consumerCountry", trader_country AS "traderCountry", cross_border AS "crossBorder", count(*)::INTEGER AS "complaints"
      FROM complaints WHERE ${w.sql} GROUP BY 1, 2, 3 ORDER BY 4 DESC, 1, 2`,
      w.params,
    ),
  }),
  trend: async (q, w, i, asOf) => {
    const interval = (['month', 'quarter', 'year'] as const)[i % 3]!;
    const rows = await q<Row & { start: Date }>(
      `SELECT date_trunc('${interval}', filed_at) AS "start", ${MEASURES(asOf)} FROM complaints WHERE ${w.sql} GROUP BY 1 ORDER BY 1`,
      w.params,
    );
    return { interval, items: rows.map(({ start, ...m }) => ({ period: periodOf(start, interval), ...m })) };
  },
  sectors: async (q, w, _i, asOf) => ({ items: withShares(await groupedBy(q, 'sector', 'code', w, asOf)) }),
  problems: async (q, w, _i, asOf) => ({ items: withShares(await groupedBy(q, 'problem', 'code', w, asOf)) }),
  outcomes: async (q, w) => {
    const s = one(
      await q<AdrRow & { closed: number; traderReplied: number }>(
        `SELECT count(*) FILTER (status = 'closed')::INTEGER AS "closed", count(replied_at)::INTEGER AS "traderReplied", ${ADR_MEASURES} FROM complaints WHERE ${w.sql}`,
        w.params,
      ),
    );
    const { traderReplied, ...rest } = s;
    return {
      ...rest,
      closures: await counts(q, 'closure', w, 'closure', s.closed),
      traderDecisions: await counts(q, 'trader_decision', w, 'decision', traderReplied),
      adrResults: await counts(q, 'adr_result', w, 'result', s.adrOutcomes),
      refusalGrounds: await counts(q, 'refusal_ground', w, 'ground', s.adrRefused),
      discontinuedReasons: await counts(q, 'discontinued_reason', w, 'reason', s.adrDiscontinued, `closure = 'adr_discontinued'`),
    };
  },
  overdue: async (q, w, _i, asOf) => {
    const rows = await q<{ stage: string; open: number; overdue: number }>(
      `SELECT stage, count(*)::INTEGER AS "open", count(*) FILTER (due_at < ${at(asOf)})::INTEGER AS "overdue"
      FROM complaints WHERE (${w.sql}) AND status = 'open' GROUP BY 1`,
      w.params,
    );
    const byStage = new Map(rows.map((r) => [r.stage, r]));
    const items = ['filed', 'with_trader', 'trader_replied', 'at_adr_body', 'adr_in_progress'].map((stage) => {
      const r = byStage.get(stage);
      const open = r?.open ?? 0;
      const overdue = r?.overdue ?? 0;
      return { stage, open, overdue, overdueShare: share(overdue, open) };
    });
    return { open: items.reduce((n, x) => n + x.open, 0), overdue: items.reduce((n, x) => n + x.overdue, 0), items };
  },
  traders: async (q, w, _i, asOf) => {
    const rows = await q<MeasureRow>(
      `SELECT trader_id AS "traderId", trader_name AS "name", trader_registered_country AS "country", ${MEASURES(asOf)}
      FROM complaints WHERE ${w.sql} GROUP BY 1, 2, 3 ORDER BY "complaints" DESC, 1 LIMIT 50`,
      w.params,
    );
    // Rates only for traders with at least 10 closed complaints in the filter (domain.md §4).
    return {
      items: rows.map((r) =>
        r.closed >= 10 ? { ...r, ratesShown: true } : { ...r, ...Object.fromEntries(RATES.map((k) => [k, null])), ratesShown: false },
      ),
    };
  },
  'trader benchmark': async (q, _w, i) => {
    const year = yearOf(i);
    const traderId = BENCH_TRADERS[i % BENCH_TRADERS.length]!;
    // The year's traders with their sector (the one most of their complaints name; ties: the
    // registered sector, then alphabetical) and measures; then the trader's and its sector's.
    const rows = await q<Row & BenchmarkRow>(
      `
      WITH y AS (SELECT * FROM complaints WHERE filed_at >= make_timestamp($1, 1, 1, 0, 0, 0) AND filed_at < make_timestamp($1 + 1, 1, 1, 0, 0, 0)),
      picks AS (
        SELECT trader_id, sector, row_number() OVER (PARTITION BY trader_id ORDER BY count(*) DESC, coalesce(sector = trader_sector, false) DESC, sector) AS pick
        FROM y GROUP BY trader_id, sector, trader_sector
      ),
      m AS (
        SELECT trader_id, count(*)::INTEGER AS "complaints", count(*) FILTER (status = 'closed')::INTEGER AS "closed",
          count(*) FILTER (closure IN ('settled_directly', 'adr_outcome')) / nullif(count(*) FILTER (status = 'closed'), 0) AS "resolutionRate",
          count(replied_at) / nullif(count(sent_at), 0) AS "traderResponseRate",
          quantile_cont(days_to_close, 0.5) AS "medianDaysToClose"
        FROM y GROUP BY trader_id
      )
      SELECT m.trader_id AS "traderId", p.sector, m.* EXCLUDE (trader_id)
      FROM m JOIN picks p ON p.trader_id = m.trader_id AND p.pick = 1
      WHERE m.trader_id = $2
         OR p.sector = coalesce((SELECT sector FROM picks WHERE trader_id = $2 AND pick = 1), (SELECT any_value(trader_sector) FROM complaints WHERE trader_id = $2))`,
      [year, traderId],
    );
    const me = rows.find((r) => r.traderId === traderId);
    const sector =
      me?.sector ??
      (await q<{ s: string | null }>('SELECT any_value(trader_sector) AS s FROM complaints WHERE trader_id = $1', [traderId]))[0]?.s ??
      null;
    const peers = rows.filter((r) => r.traderId !== traderId && r.sector === sector && r.closed >= 10);
    const own: Omit<BenchmarkRow, 'traderId' | 'sector'> = {
      complaints: me?.complaints ?? 0,
      closed: me?.closed ?? 0,
      resolutionRate: me?.resolutionRate ?? null,
      traderResponseRate: me?.traderResponseRate ?? null,
      medianDaysToClose: me?.medianDaysToClose ?? null,
    };
    if (peers.length < 5)
      return { year, traderId, sector, own, peers: { suppressed: true, count: null, quartiles: null, percentile: null } };
    const quartiles: Record<string, { p25: number | null; p50: number | null; p75: number | null }> = {};
    const percentile: Record<string, number | null> = {};
    for (const k of BENCHMARK_KEYS) {
      const values = peers
        .map((p) => p[k])
        .filter((v): v is number => typeof v === 'number')
        .sort((a, b) => a - b);
      quartiles[k] = { p25: interpolate(values, 0.25), p50: interpolate(values, 0.5), p75: interpolate(values, 0.75) };
      const mine = own[k];
      percentile[k] =
        mine === null || values.length === 0
          ? null
          : ((values.filter((v) => v < mine).length + 0.5 * values.filter((v) => v === mine).length) / values.length) * 100;
    }
    return { year, traderId, sector, own, peers: { suppressed: false, count: peers.length, quartiles, percentile } };
  },
  'ADR body report': async (q, _w, i) => {
    const w = {
      sql: `adr_body_id = $1 AND agreed_at >= make_timestamp($2, 1, 1, 0, 0, 0) AND agreed_at < make_timestamp($2 + 1, 1, 1, 0, 0, 0)`,
      params: [ADR_BODIES[i % ADR_BODIES.length]![0], yearOf(i)],
    };
    const s = one(
      await q<AdrRow & { received: number; crossBorder: number }>(
        `SELECT count(*)::INTEGER AS "received", count(*) FILTER (cross_border)::INTEGER AS "crossBorder", ${ADR_MEASURES} FROM complaints WHERE ${w.sql}`,
        w.params,
      ),
    );
    const named = (column: string, of: number) => counts(q, column, w, 'code', of);
    const byProblem = await named('problem', s.received);
    const top = await q<Row & { count: number }>(
      `SELECT trader_id AS "traderId", trader_name AS "name", count(*)::INTEGER AS "count" FROM complaints WHERE ${w.sql} GROUP BY 1, 2 ORDER BY 3 DESC, 1 LIMIT 10`,
      w.params,
    );
    return {
      received: s.received,
      domestic: s.received - s.crossBorder,
      crossBorder: s.crossBorder,
      byProblem,
      bySector: await named('sector', s.received),
      refused: s.adrRefused,
      refusalRate: s.adrRefusalRate,
      refusalGrounds: await named('refusal_ground', s.adrRefused),
      outcomes: s.adrOutcomes,
      outcomeShares: await named('adr_result', s.adrOutcomes),
      discontinued: s.adrDiscontinued,
      discontinuedShare: s.adrDiscontinuedShare,
      discontinuedReasons: await named('discontinued_reason', s.adrDiscontinued),
      averageDays: s.adrAverageDays,
      within90DaysShare: s.adrWithin90DaysShare,
      complianceReported: s.complianceReported,
      complianceRate: s.complianceRate,
      topProblems: byProblem.slice(0, 5),
      topTraders: top.map((r) => ({ ...r, share: share(r.count, s.received) })),
    };
  },
};

function withShares(rows: readonly MeasureRow[]): (MeasureRow & { share: number | null })[] {
  const total = rows.reduce((n, r) => n + r.complaints, 0);
  return rows.map((r) => ({ ...r, share: share(r.complaints, total) }));
}

// ───────────────────────────── timing ─────────────────────────────

/**
 * Times every endpoint of `eps` over the filter sets `sets` on a loaded flat table: a warm-up
 * pass (10 sets each), then every set once. Returns Map name → { ms: [per set], answers: [per set] }.
 */
export interface FlatTiming {
  ms: number[];
  answers: unknown[];
}

export async function timeFlat(
  flat: Pick<Flat, 'run'>,
  eps: readonly Endpoint[],
  sets: readonly FilterSet[],
  asOf: Instant,
): Promise<Map<string, FlatTiming>> {
  const once = (ep: Endpoint, s: FilterSet) => flat.run(ep, s, asOf);
  for (const ep of eps) for (const s of sets.slice(0, 10)) await once(ep, s);
  const out = new Map<string, FlatTiming>();
  for (const ep of eps) {
    const x: FlatTiming = { ms: [], answers: [] };
    for (const s of sets) {
      const t0 = performance.now();
      x.answers[s.index] = await once(ep, s);
      x.ms[s.index] = performance.now() - t0;
    }
    out.set(ep.name, x);
  }
  return out;
}

// ───────────────────────────── alone ─────────────────────────────

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const args = parseArgs(process.argv.slice(2));
  const complaints = num(args.complaints, 100_000);
  const database = datasetName(complaints, args.database);
  const only = typeof args.only === 'string' ? new Set(args.only.split(',')) : null;
  const pgc = new pg.Client({ connectionString: dbUrl(database) });
  await pgc.connect();
  const sets = await filterSets(<R extends Row>(t: string, p?: unknown[]) => pgc.query<R>(t, p));
  await pgc.end();
  const flat = await loadFlat({ database, dir: path.join(OUT_DIR, 'analytics-compare', `flat-${complaints}`) });
  console.log(
    `flat table: ${fmt(flat.rows)} rows; extract (COPY to CSV, ${fmt(mib(flat.csvBytes))} MiB) ${fmt(flat.extractMs / 1000, 1)} s, DuckDB load ${fmt(flat.loadMs / 1000, 1)} s, file ${fmt(mib(flat.duckdbBytes))} MiB`,
  );
  const eps = ENDPOINTS.filter((e) => !only || only.has(e.name));
  const res = await timeFlat(flat, eps, sets, flat.extractedAt);
  console.log(
    table(
      ['endpoint (in process, no HTTP)', 'p50 ms', 'p95 ms', 'max ms'],
      eps.map((e) => {
        const s = round(summarize(res.get(e.name)!.ms));
        return [e.name, fmt(s.p50, 1), fmt(s.p95, 1), fmt(s.max, 1)];
      }),
    ),
  );
  flat.close();
}
