/**
 * What the analytics benches share (bench/analytics.ts, bench/analytics-compare.ts): the 30
 * filter sets, the /api/v1/stats endpoints with their PostgreSQL equivalents, a server of one
 * checkout's build on its own DuckDB store, its ETL runs watched from outside, and the 1 % change.
 */
import { existsSync, linkSync, readdirSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import type { AsOf, Measures } from '../core/analytics-answers.js';
import type { EtlRun } from '../etl/etl-runner.js';
import { ADR_BODIES } from './analytics-data.js';
import { type BenchServer, ROOT, type Summary, type Where, api, cpuMs, dbUrl, fmt, sleep, startServer, type whereSql } from './lib.js';

export type { EtlRun };

/** A row as pg returns it (columns by name). */
export type Row = Record<string, unknown>;
/** A query on the bench's database (one client, opened on first use). */
export type Pgq = <R extends Row = Row>(text: string, params?: unknown[]) => Promise<pg.QueryResult<R>>;
/** A condition as SQL text with its parameters (lib's whereSql). */
export type SqlWhere = ReturnType<typeof whereSql>;

/** GET /api/v1/etl/runs. */
export interface EtlRunsAnswer {
  items: EtlRun[];
  running: number | null;
}
/** GET /api/v1/stats/summary (the fields the benches read). */
export type SummaryAnswer = Measures & { asOf: AsOf };

// ───────────────────────────── filters ─────────────────────────────

export { datasetName } from './analytics-data.js';

/** One filter set: the API's query parameters and the same condition on `complaints`. */
export interface FilterSet {
  index: number;
  name: string;
  query: Record<string, string>;
  where: Where;
}

/**
 * The 30 filter sets: the API query and the same condition as SQL on `complaints`
 * (`[['x = $', v]]`; `= ANY($)` for lists). Values picked so they mean the same at any size.
 * `pgq(text, params)` queries the bench's database.
 */
export async function filterSets(pgq: Pgq): Promise<FilterSet[]> {
  const count = async (traderId: string) =>
    (await pgq<{ n: number }>('SELECT count(*)::int AS n FROM complaints WHERE trader_id = $1', [traderId])).rows[0]!.n;
  const [big, medium, small] = ['TR000001', 'TR000100', 'TR005000'];
  const n = { big: await count(big), medium: await count(medium), small: await count(small) };
  const cb = 'consumer_country <> trader_country';
  const ts = (d: string) => `${d}T00:00:00Z`;
  const list: [name: string, query: Record<string, string>, where: Where][] = [
    ['no filter', {}, []],
    ['status=open', { status: 'open' }, [['status = $', 'open']]],
    ['stage=closed', { stage: 'closed' }, [['stage = $', 'closed']]],
    ['closure=settled_directly', { closure: 'settled_directly' }, [['closure = $', 'settled_directly']]],
    ['overdue=true', { overdue: 'true' }, [["status = 'open' AND due_at < now()"]]],
    ['consumerCountry=DE', { consumerCountry: 'DE' }, [['consumer_country = $', 'DE']]],
    ['consumerCountry=LI (rare)', { consumerCountry: 'LI' }, [['consumer_country = $', 'LI']]],
    ['traderCountry=IE', { traderCountry: 'IE' }, [['trader_country = $', 'IE']]],
    ['sector=airlines', { sector: 'airlines' }, [['sector = $', 'airlines']]],
    ['problem=delivery', { problem: 'delivery' }, [['problem = $', 'delivery']]],
    [`traderId big (${fmt(n.big)})`, { traderId: big }, [['trader_id = $', big]]],
    [`traderId medium (${fmt(n.medium)})`, { traderId: medium }, [['trader_id = $', medium]]],
    [`traderId small (${fmt(n.small)})`, { traderId: small }, [['trader_id = $', small]]],
    ['adrBodyId=ADR-DE-SOEP', { adrBodyId: 'ADR-DE-SOEP' }, [['adr_body_id = $', 'ADR-DE-SOEP']]],
    ['crossBorder=true', { crossBorder: 'true' }, [[cb]]],
    ['crossBorder=false', { crossBorder: 'false' }, [[`NOT (${cb})`]]],
    ['source=adr-feed', { source: 'adr-feed' }, [['source = $', 'adr-feed']]],
    [
      'from/to 2025',
      { from: '2025-01-01', to: '2026-01-01' },
      [
        ['filed_at >= $::timestamptz', ts('2025-01-01')],
        ['filed_at < $::timestamptz', ts('2026-01-01')],
      ],
    ],
    [
      'from/to 2026-09',
      { from: '2026-09-01', to: '2026-10-01' },
      [
        ['filed_at >= $::timestamptz', ts('2026-09-01')],
        ['filed_at < $::timestamptz', ts('2026-10-01')],
      ],
    ],
    ['from last 90 days', { from: '2026-08-26' }, [['filed_at >= $::timestamptz', ts('2026-08-26')]]],
    [
      'consumerCountry=DE & sector=airlines',
      { consumerCountry: 'DE', sector: 'airlines' },
      [
        ['consumer_country = $', 'DE'],
        ['sector = $', 'airlines'],
      ],
    ],
    ['consumerCountry=FR,IT,ES', { consumerCountry: 'FR,IT,ES' }, [['consumer_country = ANY($)', ['FR', 'IT', 'ES']]]],
    [
      'sector=3 goods sectors',
      { sector: 'clothing_footwear,ict_goods,electronic_goods' },
      [['sector = ANY($)', ['clothing_footwear', 'ict_goods', 'electronic_goods']]],
    ],
    [
      'status=closed & closure=adr_outcome',
      { status: 'closed', closure: 'adr_outcome' },
      [
        ['status = $', 'closed'],
        ['closure = $', 'adr_outcome'],
      ],
    ],
    [
      'crossBorder & problem & 2024',
      { crossBorder: 'true', problem: 'delivery', from: '2024-01-01', to: '2025-01-01' },
      [
        [cb],
        ['problem = $', 'delivery'],
        ['filed_at >= $::timestamptz', ts('2024-01-01')],
        ['filed_at < $::timestamptz', ts('2025-01-01')],
      ],
    ],
    [
      'traderCountry=DE & status=open',
      { traderCountry: 'DE', status: 'open' },
      [
        ['trader_country = $', 'DE'],
        ['status = $', 'open'],
      ],
    ],
    [
      'problem=quality & from 2026',
      { problem: 'quality', from: '2026-01-01' },
      [
        ['problem = $', 'quality'],
        ['filed_at >= $::timestamptz', ts('2026-01-01')],
      ],
    ],
    ['stage=adr_in_progress', { stage: 'adr_in_progress' }, [['stage = $', 'adr_in_progress']]],
    [
      'consumerCountry=PL & traderCountry=DE',
      { consumerCountry: 'PL', traderCountry: 'DE' },
      [
        ['consumer_country = $', 'PL'],
        ['trader_country = $', 'DE'],
      ],
    ],
    [
      'airlines & crossBorder & 2023',
      { sector: 'airlines', crossBorder: 'true', from: '2023-01-01', to: '2024-01-01' },
      [['sector = $', 'airlines'], [cb], ['filed_at >= $::timestamptz', ts('2023-01-01')], ['filed_at < $::timestamptz', ts('2024-01-01')]],
    ],
  ];
  return list.map(([name, query, where], index) => ({ index, name, query, where }));
}

// ───────────────────────────── PostgreSQL equivalents ─────────────────────────────

const days = (a: string, b: string) => `extract(epoch FROM ${a} - ${b}) / 86400`;
/** domain.md §4's measures as plain PostgreSQL aggregates (core/analytics/measures-sql.ts). */
const MEASURES = `
  count(*)::int AS complaints,
  count(*) FILTER (WHERE consumer_country <> trader_country)::int AS cross_border,
  count(*) FILTER (WHERE consumer_country <> trader_country)::float8 / nullif(count(*), 0) AS cross_border_share,
  count(*) FILTER (WHERE status = 'closed')::int AS closed,
  count(*) FILTER (WHERE closure IN ('settled_directly', 'adr_outcome'))::int AS resolved,
  count(*) FILTER (WHERE closure IN ('settled_directly', 'adr_outcome'))::float8 / nullif(count(*) FILTER (WHERE status = 'closed'), 0) AS resolution_rate,
  count(sent_at)::int AS sent_to_trader,
  count(replied_at)::int AS trader_replied,
  count(replied_at)::float8 / nullif(count(sent_at), 0) AS trader_response_rate,
  count(*) FILTER (WHERE replied_at - sent_at <= interval '10 days')::float8 / nullif(count(sent_at), 0) AS timely_trader_response_rate,
  count(agreed_at)::int AS adr_agreed,
  count(agreed_at)::float8 / nullif(count(*), 0) AS adr_agreement_rate,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY ${days('closed_at', 'filed_at')}) AS median_days_to_close,
  percentile_cont(0.9) WITHIN GROUP (ORDER BY ${days('closed_at', 'filed_at')}) AS p90_days_to_close,
  count(*) FILTER (WHERE status = 'open' AND due_at < now())::int AS overdue`;
const ADR_DAYS = `CASE WHEN closure IN ('adr_outcome', 'adr_discontinued') AND agreed_at IS NOT NULL THEN ${days('closed_at', 'agreed_at')} END`;
const ADR_MEASURES = `
  count(agreed_at)::int AS adr_received,
  count(accepted_at)::int AS adr_accepted,
  count(refused_at)::int AS adr_refused,
  count(refused_at)::float8 / nullif(count(accepted_at) + count(refused_at), 0) AS adr_refusal_rate,
  count(*) FILTER (WHERE closure = 'adr_outcome')::int AS adr_outcomes,
  count(*) FILTER (WHERE closure = 'adr_discontinued')::int AS adr_discontinued,
  count(*) FILTER (WHERE closure = 'adr_discontinued')::float8 / nullif(count(accepted_at), 0) AS adr_discontinued_share,
  avg(${ADR_DAYS}) AS adr_average_days,
  count(*) FILTER (WHERE ${ADR_DAYS} <= 90)::float8 / nullif(count(${ADR_DAYS}), 0) AS adr_within_90_days_share,
  count(complied)::int AS compliance_reported,
  count(*) FILTER (WHERE complied)::float8 / nullif(count(complied), 0) AS compliance_rate`;

/** The statements of an endpoint: SQL text and parameters, run one after the other. */
export type Statements = [text: string, params: unknown[]][];

const byDimension =
  (col: string) =>
  (w: SqlWhere): Statements => [
    [`SELECT ${col} AS key, ${MEASURES} FROM complaints WHERE ${w.sql} GROUP BY 1 ORDER BY complaints DESC, key`, w.params],
  ];
const breakdown = (col: string, w: SqlWhere): Statements[number] => [
  `SELECT ${col} AS key, count(*)::int AS count FROM complaints WHERE (${w.sql}) AND ${col} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1`,
  w.params,
];
/** The trader benchmark's and the ADR report's year for filter set i, and the traders benchmarked. */
export const yearOf = (i: number): number => 2020 + (i % 7);
export const BENCH_TRADERS = ['TR000001', 'TR000002', 'TR000010', 'TR000100', 'TR001000'];

/**
 * Each endpoint: its path for filter set `f` (index i), and the same figures as SQL statements
 * on PostgreSQL (run one after the other, as the API runs its DuckDB queries).
 */
export interface Endpoint {
  name: string;
  /** The filter sets' query is not sent (the endpoint varies by index only). */
  noFilters?: boolean;
  path: (i: number) => string;
  /** Query parameters of its own, by filter set index. */
  extra?: (i: number) => Record<string, string>;
  pg: (w: SqlWhere, i: number) => Statements;
}

const TREND_INTERVALS = ['month', 'quarter', 'year'] as const;

export const ENDPOINTS: readonly Endpoint[] = [
  {
    name: 'summary',
    path: () => '/api/v1/stats/summary',
    pg: (w) => [[`SELECT ${MEASURES}, ${ADR_MEASURES} FROM complaints WHERE ${w.sql}`, w.params]],
  },
  {
    name: 'countries',
    path: () => '/api/v1/stats/countries',
    extra: (i) => ({ side: i % 2 ? 'trader' : 'consumer' }),
    pg: (w, i) => byDimension(i % 2 ? 'trader_country' : 'consumer_country')(w),
  },
  {
    name: 'flows',
    path: () => '/api/v1/stats/flows',
    pg: (w) => [
      [
        `SELECT consumer_country, trader_country, count(*)::int AS complaints FROM complaints WHERE ${w.sql} GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`,
        w.params,
      ],
    ],
  },
  {
    name: 'trend',
    path: () => '/api/v1/stats/trend',
    extra: (i) => ({ interval: TREND_INTERVALS[i % 3]! }),
    pg: (w, i) => [
      [
        `SELECT date_trunc('${TREND_INTERVALS[i % 3]!}', filed_at AT TIME ZONE 'UTC') AS start, ${MEASURES} FROM complaints WHERE ${w.sql} GROUP BY 1 ORDER BY 1`,
        w.params,
      ],
    ],
  },
  { name: 'sectors', path: () => '/api/v1/stats/sectors', pg: byDimension('sector') },
  { name: 'problems', path: () => '/api/v1/stats/problems', pg: byDimension('problem') },
  {
    name: 'outcomes',
    path: () => '/api/v1/stats/outcomes',
    pg: (w) => [
      [`SELECT ${MEASURES}, ${ADR_MEASURES} FROM complaints WHERE ${w.sql}`, w.params],
      ...['closure', 'trader_decision', 'adr_result', 'refusal_ground', 'discontinued_reason'].map((c) => breakdown(c, w)),
    ],
  },
  {
    name: 'overdue',
    path: () => '/api/v1/stats/overdue',
    pg: (w) => [
      [
        `SELECT stage, count(*)::int AS open, count(*) FILTER (WHERE due_at < now())::int AS overdue FROM complaints WHERE (${w.sql}) AND status = 'open' GROUP BY 1`,
        w.params,
      ],
    ],
  },
  {
    name: 'traders',
    path: () => '/api/v1/stats/traders',
    extra: () => ({ limit: '50' }),
    pg: (w) => [
      [
        `SELECT m.*, t.name, t.country FROM (SELECT trader_id, ${MEASURES} FROM complaints WHERE ${w.sql} GROUP BY trader_id ORDER BY complaints DESC, trader_id LIMIT 50) m LEFT JOIN traders t ON t.id = m.trader_id ORDER BY m.complaints DESC, m.trader_id`,
        w.params,
      ],
    ],
  },
  {
    // No filters: a trader against its sector's peers in one year (varied trader and year).
    name: 'trader benchmark',
    noFilters: true,
    path: (i) => `/api/v1/stats/traders/${BENCH_TRADERS[i % BENCH_TRADERS.length]}/benchmark`,
    extra: (i) => ({ year: String(yearOf(i)) }),
    pg: (_w, i) => [
      [
        `WITH y AS (SELECT * FROM complaints WHERE filed_at >= make_timestamptz($1, 1, 1, 0, 0, 0, 'UTC') AND filed_at < make_timestamptz($1 + 1, 1, 1, 0, 0, 0, 'UTC')),
      sc AS (SELECT y.trader_id, y.sector, row_number() OVER (PARTITION BY y.trader_id ORDER BY count(*) DESC, y.sector) AS pick FROM y GROUP BY 1, 2),
      m AS (SELECT trader_id, ${MEASURES} FROM y GROUP BY trader_id)
      SELECT m.*, sc.sector FROM m JOIN sc ON sc.trader_id = m.trader_id AND sc.pick = 1`,
        [yearOf(i)],
      ],
    ],
  },
  {
    // No filters: one ADR body's yearly activity report (varied body and year).
    name: 'ADR body report',
    noFilters: true,
    path: (i) => `/api/v1/stats/adr-bodies/${ADR_BODIES[i % ADR_BODIES.length]![0]}/report`,
    extra: (i) => ({ year: String(yearOf(i)) }),
    pg: (_w, i) => {
      const w = {
        sql: `adr_body_id = $1 AND agreed_at >= make_timestamptz($2, 1, 1, 0, 0, 0, 'UTC') AND agreed_at < make_timestamptz($2 + 1, 1, 1, 0, 0, 0, 'UTC')`,
        params: [ADR_BODIES[i % ADR_BODIES.length]![0], yearOf(i)],
      };
      return [
        [`SELECT ${MEASURES}, ${ADR_MEASURES} FROM complaints WHERE ${w.sql}`, w.params],
        ...['problem', 'sector', 'refusal_ground', 'adr_result', 'discontinued_reason'].map((c) => breakdown(c, w)),
        [
          `SELECT c.trader_id, max(t.name) AS name, count(*)::int AS count FROM complaints c LEFT JOIN traders t ON t.id = c.trader_id WHERE ${w.sql.replaceAll('adr_body_id', 'c.adr_body_id').replaceAll('agreed_at', 'c.agreed_at')} GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT 10`,
          w.params,
        ],
      ];
    },
  },
];

// ───────────────────────────── the server and the ETL ─────────────────────────────

/**
 * One checkout's build under test: its server (dist/api/src/main.js of `code`) on the bench's
 * database, with its own DATA_DIR and DuckDB store (stores are never shared between checkouts:
 * each keeps its own watermark and schema version).
 */
export interface AnalyticsTarget {
  code: string;
  database: string;
  dataDir: string;
  duckdbPath: string;
  start(env?: Record<string, string>, label?: string): Promise<BenchServer>;
}

export function analyticsTarget({
  code = ROOT,
  database,
  dataDir,
  duckdbPath,
}: {
  code?: string;
  database: string;
  dataDir: string;
  duckdbPath: string;
}): AnalyticsTarget {
  return {
    code: path.resolve(code),
    database,
    dataDir,
    duckdbPath,
    start: (env = {}, label = 'analytics-server') =>
      startServer({
        code,
        databaseUrl: dbUrl(database),
        label,
        env: { DATA_DIR: dataDir, DUCKDB_PATH: duckdbPath, ETL_CRON: 'off', ...env },
      }),
  };
}

/** Bytes of the DuckDB store files (*.duckdb) at duckdbPath and under dataDir (however the code names them). */
export function duckdbBytes(target: Pick<AnalyticsTarget, 'dataDir' | 'duckdbPath'>): number {
  const files = new Set(existsSync(target.duckdbPath) ? [target.duckdbPath] : []);
  const walk = (dir: string): void => {
    for (const e of existsSync(dir) ? readdirSync(dir, { withFileTypes: true }) : []) {
      const f = path.join(dir, e.name);
      if (e.isDirectory()) walk(f);
      else if (e.name.endsWith('.duckdb')) files.add(f);
    }
  };
  walk(target.dataDir);
  return [...files].reduce((sum, f) => sum + statSync(f).size, 0);
}

/**
 * Watches an ETL run of `target` from outside while `during` runs: the extract is the time a
 * server's `COPY (SELECT … FROM complaints …) TO STDOUT` is active on PostgreSQL (only one server
 * may run an ETL at a time for this to be its own); the extract file's size is read from
 * DATA_DIR/etl-work. With keepAs, the extract CSVs are hard-linked there (it survives the run's
 * clean-up) for offline timing.
 */
export interface RunWatch {
  /** From the start of `during` to its end. */
  ms: number;
  /** How long the extract's COPY was seen active (null: never seen). */
  extractMs: number | null;
  extractEndMs: number | null;
  copySeenFromMs: number | null;
  csvBytes: number;
  csvGrewMs: number | null;
}

export async function watchRun<T extends object>(
  target: Pick<AnalyticsTarget, 'database' | 'dataDir'>,
  during: () => Promise<T>,
  { keepAs }: { keepAs?: string | null } = {},
): Promise<T & RunWatch> {
  const { database } = target;
  const watcher = new pg.Client({ connectionString: dbUrl(database), application_name: 'odr-bench-watch' });
  await watcher.connect();
  const t0 = performance.now();
  // What the poll saw (an object: the poll's writes are not visible to narrowing in this function).
  const seen: { copyFirst: number | null; copyLast: number | null; csvBytes: number; csvGrewMs: number | null } = {
    copyFirst: null,
    copyLast: null,
    csvBytes: 0,
    csvGrewMs: null,
  };
  const linked = new Set<string>();
  let stop = false;
  const workDir = path.join(target.dataDir, 'etl-work');
  const poll = (async () => {
    while (!stop) {
      const r = await watcher
        .query(
          `SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name = 'odr-observatory' AND state = 'active' AND query LIKE 'COPY (%' AND query LIKE '%FROM complaints%'`,
          [database],
        )
        .catch(() => ({ rowCount: 0 }));
      const now = performance.now() - t0;
      if ((r.rowCount ?? 0) > 0) {
        seen.copyFirst ??= now;
        seen.copyLast = now;
      }
      try {
        for (const d of readdirSync(workDir)) {
          // One file per part of the extract (complaints-0.csv …: a full run on PostgreSQL splits it).
          const parts = readdirSync(path.join(workDir, d))
            .filter((n) => /^complaints(-\d+)?\.csv$/.test(n))
            .map((n) => path.join(workDir, d, n));
          const size = parts.reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0);
          if (size > seen.csvBytes) {
            seen.csvBytes = size;
            seen.csvGrewMs = now;
          }
          // Kept as extract-N-0.csv, extract-N-1.csv … (one per part: complaints-0.csv …).
          if (keepAs)
            for (const f of parts) {
              if (linked.has(f)) continue;
              const part = path.basename(f).match(/-(\d+)\.csv$/)?.[1];
              const to = part === undefined ? keepAs : keepAs.replace(/\.csv$/, `-${part}.csv`);
              rmSync(to, { force: true });
              linkSync(f, to);
              linked.add(f);
            }
        }
      } catch {
        /* no run directory yet, or already removed */
      }
      await sleep(50);
    }
  })();
  try {
    const out = await during();
    const ms = performance.now() - t0;
    // extract: how long the COPY was seen active; publish: from its end to the answer.
    // (the extract file's last growth is noted too, as a cross-check)
    const { copyFirst, copyLast } = seen;
    return {
      ...out,
      ms,
      extractMs: copyFirst === null || copyLast === null ? null : copyLast - copyFirst,
      extractEndMs: copyLast,
      copySeenFromMs: copyFirst,
      csvBytes: seen.csvBytes,
      csvGrewMs: seen.csvGrewMs,
    };
  } finally {
    stop = true;
    await poll;
    await watcher.end();
  }
}

export async function postRun(server: BenchServer, { full }: { full: boolean }): Promise<{ run: EtlRun }> {
  const r = await api(server, 'POST', `/api/v1/etl/runs?wait=true${full ? '&full=true' : ''}`);
  const run = r.body as Partial<EtlRun> | null;
  if (r.status !== 200 || run?.status !== 'succeeded') throw new Error(`ETL run → ${r.status} ${JSON.stringify(r.body).slice(0, 800)}`);
  return { run: run as EtlRun };
}

/** A run's duration by its record (NaN while it runs). */
export const runMs = (run: Pick<EtlRun, 'startedAt' | 'finishedAt'>): number =>
  Date.parse(run.finishedAt ?? '') - Date.parse(run.startedAt);

/**
 * After a publication the server computes the dashboard's unfiltered answers in the background
 * (its per-snapshot cache): waits until its CPU stays under 5 % of a core for a second.
 * Returns how long that took (ms), or null after `maxMs`.
 */
export async function waitIdle(server: Pick<BenchServer, 'pid'>, maxMs = 300_000): Promise<number | null> {
  const t0 = performance.now();
  // A process gone counts 0 ms (as it always did: idle).
  let last = cpuMs(server.pid) ?? 0;
  let quiet = 0;
  while (performance.now() - t0 < maxMs) {
    await sleep(250);
    const c = cpuMs(server.pid) ?? 0;
    if (((c - last) / 250) * 100 < 5) {
      if (++quiet >= 4) return performance.now() - t0 - 1000;
    } else quiet = 0;
    last = c;
  }
  return null;
}

/**
 * Waits for the start-up build (a new DuckDB file): the run record of trigger 'start-up' with an
 * id above `afterId` (the last run before the server started: earlier runs, or another server's,
 * are not its own).
 */
export async function waitStartupRun(server: BenchServer, afterId = 0): Promise<{ run: EtlRun }> {
  for (;;) {
    const body = (await api(server, 'GET', '/api/v1/etl/runs')).body as Partial<EtlRunsAnswer> | null;
    const run = body?.items?.find((x) => x.trigger === 'start-up' && x.id > afterId);
    // The run record is final a moment before the runner lets go of the run (its clean-up).
    if (run && run.status !== 'running' && body?.running === null) {
      if (run.status !== 'succeeded') throw new Error(`start-up ETL run failed: ${JSON.stringify(run)}`);
      return { run };
    }
    await sleep(200);
  }
}

/**
 * Writes 1 % of the complaints the way the app writes them: open cases get
 * their next milestone (closing without agreement before an ADR body, acceptance at the body,
 * the outcome in ADR), closed ones a personal-data erasure. The update trigger moves changed_xid.
 * `recent` (default): the newest 1 % (ids follow filing), where a day's milestones fall — it holds
 * most of the open cases — or, with `skip`, the 1 % after the newest `skip` (so that successive
 * writes find cases in the same state); `random`: 1 % spread over the whole history (slow to write
 * on PostgreSQL: ~200 s at 10 M, every index page touched; the ETL side was measured at both).
 */
export async function changeOnePercent(
  pgq: Pgq,
  n: number,
  how: 'recent' | 'random',
  { skip = 0 }: { skip?: number } = {},
): Promise<{ rows: number; erasures: number; ms: number }> {
  const t0 = performance.now();
  const pick =
    how === 'random'
      ? `SELECT DISTINCT (1 + floor(random() * (SELECT max(id) FROM complaints)))::bigint AS id FROM generate_series(1, ${Math.ceil(n * 1.05)}) LIMIT ${n}`
      : `SELECT id FROM complaints ORDER BY id DESC LIMIT ${n} OFFSET ${skip}`;
  const r = await pgq<{ erased: boolean }>(`
    WITH pick AS (${pick})
    UPDATE complaints c SET
      stage = CASE WHEN c.stage IN ('filed', 'with_trader', 'trader_replied', 'adr_in_progress') THEN 'closed' WHEN c.stage = 'at_adr_body' THEN 'adr_in_progress' ELSE c.stage END,
      status = CASE WHEN c.stage IN ('filed', 'with_trader', 'trader_replied', 'adr_in_progress') THEN 'closed' ELSE c.status END,
      closure = CASE WHEN c.stage IN ('filed', 'with_trader', 'trader_replied') THEN 'closed_no_agreement' WHEN c.stage = 'adr_in_progress' THEN 'adr_outcome' ELSE c.closure END,
      adr_result = CASE WHEN c.stage = 'adr_in_progress' THEN 'amicable' ELSE c.adr_result END,
      closed_at = CASE WHEN c.stage IN ('filed', 'with_trader', 'trader_replied', 'adr_in_progress') THEN now() ELSE c.closed_at END,
      accepted_at = CASE WHEN c.stage = 'at_adr_body' THEN now() ELSE c.accepted_at END,
      due_at = CASE WHEN c.stage = 'at_adr_body' THEN c.agreed_at + interval '90 days' WHEN c.status = 'open' THEN NULL ELSE c.due_at END,
      event_count = c.event_count + CASE WHEN c.status = 'open' THEN 1 ELSE 0 END,
      last_event_at = CASE WHEN c.status = 'open' THEN now() ELSE c.last_event_at END,
      consumer_name = CASE WHEN c.status = 'closed' THEN NULL ELSE c.consumer_name END,
      consumer_email = CASE WHEN c.status = 'closed' THEN NULL ELSE c.consumer_email END,
      consumer_address = CASE WHEN c.status = 'closed' THEN NULL ELSE c.consumer_address END,
      description = CASE WHEN c.status = 'closed' THEN NULL ELSE c.description END,
      personal_data_erased_at = CASE WHEN c.status = 'closed' THEN coalesce(c.personal_data_erased_at, now()) ELSE c.personal_data_erased_at END,
      updated_at = now()
    FROM pick WHERE c.id = pick.id
    RETURNING (c.status = 'closed' AND c.closed_at <> now()) AS erased`);
  return { rows: r.rowCount ?? 0, erasures: r.rows.filter((x) => x.erased).length, ms: performance.now() - t0 };
}

// ───────────────────────────── latency ─────────────────────────────

export async function timeGet(
  server: Pick<BenchServer, 'url' | 'headers'>,
  urlPath: string,
  query: Record<string, string>,
): Promise<{ ms: number; body: unknown }> {
  const qs = new URLSearchParams(query).toString();
  const t0 = performance.now();
  const r = await fetch(`${server.url}${urlPath}${qs ? `?${qs}` : ''}`, { headers: server.headers });
  const body: unknown = await r.json();
  const ms = performance.now() - t0;
  if (r.status !== 200) throw new Error(`GET ${urlPath}?${qs} → ${r.status} ${JSON.stringify(body).slice(0, 500)}`);
  return { ms, body };
}

/** One request of endpoint `ep` with filter set `s`. */
export async function request(
  server: Pick<BenchServer, 'url' | 'headers'>,
  ep: Endpoint,
  s: FilterSet,
): Promise<{ ms: number; body: unknown }> {
  const query = { ...(ep.noFilters ? {} : s.query), ...(ep.extra?.(s.index) ?? {}) };
  return timeGet(server, ep.path(s.index), query);
}

/** The last ETL run's id on the bench's database (0: none): what waitStartupRun looks beyond. */
export async function lastRunId(pgq: Pgq): Promise<number> {
  return Number((await pgq<{ id: string | number }>('SELECT coalesce(max(id), 0) AS id FROM etl_runs')).rows[0]!.id);
}

/** The commit of checkout `code` (BENCH_COMMIT for this one when run from an exported tree), '+dirty' with local changes. */
export function gitCommit(code: string = ROOT): string {
  if (process.env.BENCH_COMMIT && path.resolve(code) === ROOT) return process.env.BENCH_COMMIT;
  const rev = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: code, encoding: 'utf8' });
  if (rev.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'api', 'core', 'etl', 'sql'], {
    cwd: code,
    encoding: 'utf8',
  }).stdout.trim();
  return `${rev.stdout.trim()}${dirty ? '+dirty' : ''}`;
}

/** Figures rounded to 0.01 (counts kept). */
export function round(s: Summary): Summary {
  const r = (v: number) => Math.round(v * 100) / 100;
  return { n: s.n, p50: r(s.p50), p95: r(s.p95), p99: r(s.p99), max: r(s.max), mean: r(s.mean) };
}
