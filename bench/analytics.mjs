#!/usr/bin/env node
/**
 * Analytics benchmark (issue 3): on a store of N generated complaints (default 10 000 000,
 * generated straight into PostgreSQL by bench/analytics-data.mjs and kept between runs), in one run:
 *
 *   1. full ETL: the start-up build into an empty DuckDB file, then POST /api/v1/etl/runs?full=true&wait=true
 *      (phases seen from outside: the extract's COPY on PostgreSQL, then the publication in DuckDB);
 *   2. incremental ETL: with nothing changed, then after 1 % of the complaints were written;
 *   3. p50/p95 of every /api/v1/stats endpoint over 30 filter sets (sequential, after a warm-up);
 *   4. the same aggregates computed live on PostgreSQL (plain SQL, same filters) and the ratio
 *      PostgreSQL p50 / API p50 on the same filter sets;
 *   5. freshness and idle cost of the schedule: the server restarted with ETL_CRON every 5 s,
 *      15 s, 60 s (and off); CPU of the server and its PostgreSQL backends over an idle minute,
 *      then one complaint through POST /api/v1/complaints and the time until stats/summary counts it.
 *
 *   node bench/analytics.mjs [--complaints 10000000] [--database NAME] [--regenerate] [--rounds 2]
 *                            [--pg-requests 10] [--pg-budget 60] [--idle-seconds 60] [--periods 5,15,60]
 *                            [--only summary,trend] [--no-pg] [--no-schedule] [--no-startup-build]
 *                            [--change recent|random] [--keep-extract]
 *
 * Goals: full ETL ≤ 30 s; incremental with 1 % changed ≤ 2 s; p95 ≤ 50 ms per endpoint;
 * PostgreSQL p50 / API p50 ≥ 50; a new complaint in stats/summary within one schedule period.
 */
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { ADR_BODIES, DATASET_END, ensureAnalyticsDataset } from './analytics-data.mjs';
import {
  OUT_DIR, ROOT, api, cpuMs, dbUrl, fmt, machineInfo, mib, num, parseArgs, percentile, rssBytes, sleep, startSampler,
  startServer, summarize, table, whereSql, writeResult,
} from './lib.mjs';

const GOALS = { fullS: 30, incrementalS: 2, p95Ms: 50, ratio: 50, idleCpuPct: 5 };

const args = parseArgs(process.argv.slice(2));
if (args.help) {
  console.log('usage: node bench/analytics.mjs [--complaints N] [--database NAME] [--regenerate] [--rounds 2] [--pg-requests 10] [--pg-budget 60] [--idle-seconds 60] [--periods 5,15,60] [--only a,b] [--no-pg] [--no-schedule] [--no-startup-build] [--change recent|random] [--keep-extract]');
  process.exit(0);
}
const complaints = num(args.complaints, 10_000_000);
const database = typeof args.database === 'string' ? args.database : complaints === 10_000_000 ? 'odr_bench_analytics' : `odr_bench_analytics_${complaints}`;
const rounds = num(args.rounds, 2);
const pgRequests = num(args.pgRequests, 10);
const pgBudgetMs = num(args.pgBudget, 60) * 1000;
const idleMs = num(args.idleSeconds, 60) * 1000;
const periods = String(args.periods ?? '5,15,60').split(',').map(Number).filter((n) => n > 0);
const changeHow = args.change === 'random' ? 'random' : 'recent';
const only = typeof args.only === 'string' ? new Set(args.only.split(',')) : null;
const WORK = path.join(OUT_DIR, 'analytics');
const DATA_DIR = path.join(WORK, `data-${complaints}`);
const DUCKDB_PATH = path.join(WORK, `analytics-${complaints}.duckdb`);
const log = (...a) => console.log(...a);
const s1 = (ms) => fmt(ms / 1000, 1);

let pgClient = null;
async function pgq(text, params) {
  if (!pgClient) {
    pgClient = new pg.Client({ connectionString: dbUrl(database), application_name: 'odr-bench-analytics' });
    await pgClient.connect();
  }
  return pgClient.query(text, params);
}

// ───────────────────────────── filters ─────────────────────────────

/**
 * The 30 filter sets: the API query and the same condition as SQL on `complaints`
 * (`[['x = $', v]]`; `= ANY($)` for lists). Values picked so they mean the same at any size.
 */
async function filterSets() {
  const count = async (traderId) => (await pgq('SELECT count(*)::int AS n FROM complaints WHERE trader_id = $1', [traderId])).rows[0].n;
  const [big, medium, small] = ['TR000001', 'TR000100', 'TR005000'];
  const n = { big: await count(big), medium: await count(medium), small: await count(small) };
  const cb = 'consumer_country <> trader_country';
  const ts = (d) => `${d}T00:00:00Z`;
  const list = [
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
    ['from/to 2025', { from: '2025-01-01', to: '2026-01-01' }, [['filed_at >= $::timestamptz', ts('2025-01-01')], ['filed_at < $::timestamptz', ts('2026-01-01')]]],
    ['from/to 2026-09', { from: '2026-09-01', to: '2026-10-01' }, [['filed_at >= $::timestamptz', ts('2026-09-01')], ['filed_at < $::timestamptz', ts('2026-10-01')]]],
    ['from last 90 days', { from: '2026-08-26' }, [['filed_at >= $::timestamptz', ts('2026-08-26')]]],
    ['consumerCountry=DE & sector=airlines', { consumerCountry: 'DE', sector: 'airlines' }, [['consumer_country = $', 'DE'], ['sector = $', 'airlines']]],
    ['consumerCountry=FR,IT,ES', { consumerCountry: 'FR,IT,ES' }, [['consumer_country = ANY($)', ['FR', 'IT', 'ES']]]],
    ['sector=3 goods sectors', { sector: 'clothing_footwear,ict_goods,electronic_goods' }, [['sector = ANY($)', ['clothing_footwear', 'ict_goods', 'electronic_goods']]]],
    ['status=closed & closure=adr_outcome', { status: 'closed', closure: 'adr_outcome' }, [['status = $', 'closed'], ['closure = $', 'adr_outcome']]],
    ['crossBorder & problem & 2024', { crossBorder: 'true', problem: 'delivery', from: '2024-01-01', to: '2025-01-01' }, [[cb], ['problem = $', 'delivery'], ['filed_at >= $::timestamptz', ts('2024-01-01')], ['filed_at < $::timestamptz', ts('2025-01-01')]]],
    ['traderCountry=DE & status=open', { traderCountry: 'DE', status: 'open' }, [['trader_country = $', 'DE'], ['status = $', 'open']]],
    ['problem=quality & from 2026', { problem: 'quality', from: '2026-01-01' }, [['problem = $', 'quality'], ['filed_at >= $::timestamptz', ts('2026-01-01')]]],
    ['stage=adr_in_progress', { stage: 'adr_in_progress' }, [['stage = $', 'adr_in_progress']]],
    ['consumerCountry=PL & traderCountry=DE', { consumerCountry: 'PL', traderCountry: 'DE' }, [['consumer_country = $', 'PL'], ['trader_country = $', 'DE']]],
    ['airlines & crossBorder & 2023', { sector: 'airlines', crossBorder: 'true', from: '2023-01-01', to: '2024-01-01' }, [['sector = $', 'airlines'], [cb], ['filed_at >= $::timestamptz', ts('2023-01-01')], ['filed_at < $::timestamptz', ts('2024-01-01')]]],
  ];
  return list.map(([name, query, where], index) => ({ index, name, query, where }));
}


// ───────────────────────────── PostgreSQL equivalents ─────────────────────────────

const days = (a, b) => `extract(epoch FROM ${a} - ${b}) / 86400`;
/** domain.md §4's measures as plain PostgreSQL aggregates (sql/duckdb/stats/measures.sql). */
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

const byDimension = (col) => (w) => [[`SELECT ${col} AS key, ${MEASURES} FROM complaints WHERE ${w.sql} GROUP BY 1 ORDER BY complaints DESC, key`, w.params]];
const breakdown = (col, w) => [`SELECT ${col} AS key, count(*)::int AS count FROM complaints WHERE (${w.sql}) AND ${col} IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1`, w.params];
const yearOf = (i) => 2020 + (i % 7);
const BENCH_TRADERS = ['TR000001', 'TR000002', 'TR000010', 'TR000100', 'TR001000'];

/**
 * Each endpoint: its path for filter set `f` (index i), and the same figures as SQL statements
 * on PostgreSQL (run one after the other, as the API runs its DuckDB queries).
 */
const ENDPOINTS = [
  { name: 'summary', path: () => '/api/v1/stats/summary', pg: (w) => [[`SELECT ${MEASURES}, ${ADR_MEASURES} FROM complaints WHERE ${w.sql}`, w.params]] },
  {
    name: 'countries', path: (i) => `/api/v1/stats/countries`, extra: (i) => ({ side: i % 2 ? 'trader' : 'consumer' }),
    pg: (w, i) => byDimension(i % 2 ? 'trader_country' : 'consumer_country')(w),
  },
  {
    name: 'flows', path: () => '/api/v1/stats/flows',
    pg: (w) => [[`SELECT consumer_country, trader_country, count(*)::int AS complaints FROM complaints WHERE ${w.sql} GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2`, w.params]],
  },
  {
    name: 'trend', path: () => '/api/v1/stats/trend', extra: (i) => ({ interval: ['month', 'quarter', 'year'][i % 3] }),
    pg: (w, i) => [[`SELECT date_trunc('${['month', 'quarter', 'year'][i % 3]}', filed_at AT TIME ZONE 'UTC') AS start, ${MEASURES} FROM complaints WHERE ${w.sql} GROUP BY 1 ORDER BY 1`, w.params]],
  },
  { name: 'sectors', path: () => '/api/v1/stats/sectors', pg: byDimension('sector') },
  { name: 'problems', path: () => '/api/v1/stats/problems', pg: byDimension('problem') },
  {
    name: 'outcomes', path: () => '/api/v1/stats/outcomes',
    pg: (w) => [
      [`SELECT ${MEASURES}, ${ADR_MEASURES} FROM complaints WHERE ${w.sql}`, w.params],
      ...['closure', 'trader_decision', 'adr_result', 'refusal_ground', 'discontinued_reason'].map((c) => breakdown(c, w)),
    ],
  },
  {
    name: 'overdue', path: () => '/api/v1/stats/overdue',
    pg: (w) => [[`SELECT stage, count(*)::int AS open, count(*) FILTER (WHERE due_at < now())::int AS overdue FROM complaints WHERE (${w.sql}) AND status = 'open' GROUP BY 1`, w.params]],
  },
  {
    name: 'traders', path: () => '/api/v1/stats/traders', extra: () => ({ limit: '50' }),
    pg: (w) => [[`SELECT m.*, t.name, t.country FROM (SELECT trader_id, ${MEASURES} FROM complaints WHERE ${w.sql} GROUP BY trader_id ORDER BY complaints DESC, trader_id LIMIT 50) m LEFT JOIN traders t ON t.id = m.trader_id ORDER BY m.complaints DESC, m.trader_id`, w.params]],
  },
  {
    // No filters: a trader against its sector's peers in one year (varied trader and year).
    name: 'trader benchmark', noFilters: true,
    path: (i) => `/api/v1/stats/traders/${BENCH_TRADERS[i % BENCH_TRADERS.length]}/benchmark`, extra: (i) => ({ year: String(yearOf(i)) }),
    pg: (_w, i) => [[`WITH y AS (SELECT * FROM complaints WHERE filed_at >= make_timestamptz($1, 1, 1, 0, 0, 0, 'UTC') AND filed_at < make_timestamptz($1 + 1, 1, 1, 0, 0, 0, 'UTC')),
      sc AS (SELECT y.trader_id, y.sector, row_number() OVER (PARTITION BY y.trader_id ORDER BY count(*) DESC, y.sector) AS pick FROM y GROUP BY 1, 2),
      m AS (SELECT trader_id, ${MEASURES} FROM y GROUP BY trader_id)
      SELECT m.*, sc.sector FROM m JOIN sc ON sc.trader_id = m.trader_id AND sc.pick = 1`, [yearOf(i)]]],
  },
  {
    // No filters: one ADR body's yearly activity report (varied body and year).
    name: 'ADR body report', noFilters: true,
    path: (i) => `/api/v1/stats/adr-bodies/${ADR_BODIES[i % ADR_BODIES.length][0]}/report`, extra: (i) => ({ year: String(yearOf(i)) }),
    pg: (_w, i) => {
      const w = { sql: `adr_body_id = $1 AND agreed_at >= make_timestamptz($2, 1, 1, 0, 0, 0, 'UTC') AND agreed_at < make_timestamptz($2 + 1, 1, 1, 0, 0, 0, 'UTC')`, params: [ADR_BODIES[i % ADR_BODIES.length][0], yearOf(i)] };
      return [
        [`SELECT ${MEASURES}, ${ADR_MEASURES} FROM complaints WHERE ${w.sql}`, w.params],
        ...['problem', 'sector', 'refusal_ground', 'adr_result', 'discontinued_reason'].map((c) => breakdown(c, w)),
        [`SELECT c.trader_id, max(t.name) AS name, count(*)::int AS count FROM complaints c LEFT JOIN traders t ON t.id = c.trader_id WHERE ${w.sql.replaceAll('adr_body_id', 'c.adr_body_id').replaceAll('agreed_at', 'c.agreed_at')} GROUP BY 1 ORDER BY 3 DESC, 1 LIMIT 10`, w.params],
      ];
    },
  },
];

// ───────────────────────────── the server and the ETL ─────────────────────────────

function start(env = {}, label = 'analytics-server') {
  return startServer({ databaseUrl: dbUrl(database), label, env: { DATA_DIR, DUCKDB_PATH, ETL_CRON: 'off', ...env } });
}

/**
 * Watches an ETL run from outside while `during` runs: the extract is the time the server's
 * `COPY (SELECT … FROM complaints …) TO STDOUT` is active on PostgreSQL; the extract file's size
 * is read from DATA_DIR/etl-work. With keepAs, the extract CSVs are hard-linked there (it survives
 * the run's clean-up) for offline timing.
 */
async function watchRun(during, { keepAs } = {}) {
  const watcher = new pg.Client({ connectionString: dbUrl(database), application_name: 'odr-bench-watch' });
  await watcher.connect();
  const t0 = performance.now();
  let copyFirst = null;
  let copyLast = null;
  let csvBytes = 0;
  let csvGrewMs = null;
  const linked = new Set();
  let stop = false;
  const workDir = path.join(DATA_DIR, 'etl-work');
  const poll = (async () => {
    while (!stop) {
      const r = await watcher.query(`SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name = 'odr-observatory' AND state = 'active' AND query LIKE 'COPY (%' AND query LIKE '%FROM complaints%'`, [database]).catch(() => ({ rowCount: 0 }));
      const now = performance.now() - t0;
      if (r.rowCount > 0) { copyFirst ??= now; copyLast = now; }
      try {
        for (const d of readdirSync(workDir)) {
          // One file per part of the extract (complaints-0.csv …: a full run on PostgreSQL splits it).
          const parts = readdirSync(path.join(workDir, d)).filter((n) => /^complaints(-\d+)?\.csv$/.test(n)).map((n) => path.join(workDir, d, n));
          const size = parts.reduce((sum, f) => sum + (existsSync(f) ? statSync(f).size : 0), 0);
          if (size > csvBytes) { csvBytes = size; csvGrewMs = now; }
          // Kept as extract-N-0.csv, extract-N-1.csv … (one per part: complaints-0.csv …).
          for (const f of keepAs ? parts : []) {
            if (linked.has(f)) continue;
            const part = path.basename(f).match(/-(\d+)\.csv$/)?.[1];
            const to = part === undefined ? keepAs : keepAs.replace(/\.csv$/, `-${part}.csv`);
            rmSync(to, { force: true });
            linkSync(f, to);
            linked.add(f);
          }
        }
      } catch { /* no run directory yet, or already removed */ }
      await sleep(50);
    }
  })();
  try {
    const out = await during();
    const ms = performance.now() - t0;
    // extract: how long the COPY was seen active; publish: from its end to the answer.
    // (the extract file's last growth is noted too, as a cross-check)
    return { ...out, ms, extractMs: copyFirst === null ? null : copyLast - copyFirst, extractEndMs: copyLast, copySeenFromMs: copyFirst, csvBytes, csvGrewMs };
  } finally {
    stop = true;
    await poll;
    await watcher.end();
  }
}

async function postRun(server, { full }) {
  const r = await api(server, 'POST', `/api/v1/etl/runs?wait=true${full ? '&full=true' : ''}`);
  if (r.status !== 200 || r.body.status !== 'succeeded') throw new Error(`ETL run → ${r.status} ${JSON.stringify(r.body).slice(0, 800)}`);
  return { run: r.body };
}

const runMs = (run) => Date.parse(run.finishedAt) - Date.parse(run.startedAt);

/**
 * After a publication the server computes the dashboard's unfiltered answers in the background
 * (its per-snapshot cache): waits until its CPU stays under 5 % of a core for a second.
 * Returns how long that took (ms), or null after `maxMs`.
 */
async function waitIdle(server, maxMs = 300_000) {
  const t0 = performance.now();
  let last = cpuMs(server.pid);
  let quiet = 0;
  while (performance.now() - t0 < maxMs) {
    await sleep(250);
    const c = cpuMs(server.pid);
    if (((c - last) / 250) * 100 < 5) {
      if (++quiet >= 4) return performance.now() - t0 - 1000;
    } else quiet = 0;
    last = c;
  }
  return null;
}

/** Waits for the start-up build (a new DuckDB file): the run record of trigger 'start-up'. */
async function waitStartupRun(server) {
  for (;;) {
    const r = await api(server, 'GET', '/api/v1/etl/runs');
    const run = r.body.items?.find((x) => x.trigger === 'start-up');
    // The run record is final a moment before the runner lets go of the run (its clean-up).
    if (run && run.status !== 'running' && r.body.running === null) {
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
 * most of the open cases; `random`: 1 % spread over the whole history (slow to write on
 * PostgreSQL: ~200 s at 10 M, every index page touched; the ETL side was measured at both).
 */
async function changeOnePercent(n, how) {
  const t0 = performance.now();
  const pick = how === 'random'
    ? `SELECT DISTINCT (1 + floor(random() * (SELECT max(id) FROM complaints)))::bigint AS id FROM generate_series(1, ${Math.ceil(n * 1.05)}) LIMIT ${n}`
    : `SELECT id FROM complaints ORDER BY id DESC LIMIT ${n}`;
  const r = await pgq(`
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
  return { rows: r.rowCount, erasures: r.rows.filter((x) => x.erased).length, ms: performance.now() - t0 };
}

// ───────────────────────────── latency ─────────────────────────────

async function timeGet(server, urlPath, query) {
  const qs = new URLSearchParams(query).toString();
  const t0 = performance.now();
  const r = await fetch(`${server.url}${urlPath}${qs ? `?${qs}` : ''}`, { headers: server.headers });
  const body = await r.json();
  const ms = performance.now() - t0;
  if (r.status !== 200) throw new Error(`GET ${urlPath}?${qs} → ${r.status} ${JSON.stringify(body).slice(0, 500)}`);
  return { ms, body };
}

/** One request of endpoint `ep` with filter set `s`. */
async function request(server, ep, s) {
  const query = { ...(ep.noFilters ? {} : s.query), ...(ep.extra?.(s.index) ?? {}) };
  return timeGet(server, ep.path(s.index), query);
}

/**
 * The API answers from a per-snapshot cache once a question has been asked (and computes the
 * unfiltered views ahead after each publication that changed a figure), so every round starts on
 * a new snapshot (one complaint written, then an incremental run) and times each filter set's first request ("cold": what a
 * new question costs), then, in the first round, the same requests again ("cached").
 * Before that, a warm-up pass (10 filter sets per endpoint) on an earlier snapshot.
 */
async function runApiAll(server, eps, sets) {
  const res = new Map(eps.map((e) => [e.name, { cold: [], cached: [], coldBySet: sets.map(() => []), answers: [] }]));
  for (const ep of eps) for (const s of sets.slice(0, 10)) await request(server, ep, s);
  const etl = [];
  for (let r = 0; r < rounds; r++) {
    // One complaint written, so the run publishes new figures: the server drops its kept answers
    // (a run that changes nothing keeps them).
    await pgq(`UPDATE complaints SET updated_at = now() WHERE id = (SELECT max(id) FROM complaints WHERE source <> 'bench-freshness')`);
    const t0 = performance.now();
    const run = await postRun(server, { full: false });
    const wall = performance.now() - t0;
    const idle = await waitIdle(server);
    etl.push({ ms: Math.round(wall), runMs: runMs(run.run), prewarmMs: idle === null ? null : Math.round(idle) });
    for (const ep of eps) {
      const x = res.get(ep.name);
      for (const s of sets) {
        const a = await request(server, ep, s);
        x.cold.push(a.ms);
        x.coldBySet[s.index].push(a.ms);
        x.answers[s.index] = a.body;
      }
    }
    if (r === 0) {
      for (const ep of eps) for (const s of sets) res.get(ep.name).cached.push((await request(server, ep, s)).ms);
    }
    log(`  round ${r + 1}: new snapshot (incremental run of 1 changed complaint: ${fmt(wall)} ms, background prewarm ≈ ${s1(idle ?? NaN)} s), ${eps.length} × ${sets.length} cold requests${r === 0 ? ' + the same again cached' : ''}`);
  }
  return { res, etl };
}

/** The PostgreSQL equivalent over `pgRequests` of the filter sets (evenly spread), within a time budget. */
async function runPg(ep, sets) {
  const step = Math.max(1, Math.floor(sets.length / pgRequests));
  const picked = sets.filter((_, i) => i % step === 0).slice(0, pgRequests);
  const out = [];
  const t0 = performance.now();
  for (const s of picked) {
    if (out.length >= 3 && performance.now() - t0 > pgBudgetMs) break;
    const w = whereSql(s.where);
    const t1 = performance.now();
    let first = null;
    for (const [text, params] of ep.pg(w, s.index)) {
      const r = await pgq(text, params);
      first ??= r.rows;
    }
    out.push({ index: s.index, ms: performance.now() - t1, rows: first });
  }
  return out;
}

// ───────────────────────────── freshness and idle cost ─────────────────────────────

const cronOf = (s) => (s >= 60 ? `0 */${s / 60} * * * *` : `*/${s} * * * * *`);

/** CPU of every process on the machine (from /proc/stat), in ms. */
function machineCpuMs() {
  const line = (safeRead('/proc/stat').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = line;
  return ((user + nice + system + irq + softirq + (steal ?? 0)) * 1000) / 100;
}
function safeRead(f) { try { return readFileSync(f, 'utf8'); } catch { return ''; } }

let idleBaseCpuPct = 0;
async function scheduleCase(periodS, traderCountry) {
  const label = periodS ? `every ${periodS} s` : 'off';
  const server = await start({ ETL_CRON: periodS ? cronOf(periodS) : 'off' }, `analytics-cron-${periodS || 'off'}`);
  try {
    const since = Date.now();
    if (periodS) {
      // The first scheduled run: from then on the schedule is in its steady state.
      for (;;) {
        const r = await api(server, 'GET', '/api/v1/etl/runs');
        if (r.body.items?.some((x) => x.trigger === 'schedule' && Date.parse(x.startedAt) >= since - 1000 && x.status !== 'running')) break;
        await sleep(200);
      }
    } else {
      await sleep(2000);
    }
    const windowStart = Date.now();
    const sampler = startSampler({ pid: server.pid, databaseName: database, everyMs: 500 });
    const m0 = machineCpuMs();
    const t0 = performance.now();
    await sleep(idleMs);
    const wall = performance.now() - t0;
    const machine = machineCpuMs() - m0;
    const s = await sampler.stop();
    const runs = (await api(server, 'GET', '/api/v1/etl/runs')).body.items.filter((x) => Date.parse(x.startedAt) >= windowStart && x.trigger === 'schedule');
    const durations = runs.filter((x) => x.finishedAt).map(runMs).sort((a, b) => a - b);
    const out = {
      period: label, periodS, windowMs: Math.round(wall),
      serverCpuPct: (s.serverCpuMs / wall) * 100, pgBackendCpuPct: (s.pgBackendCpuMs / wall) * 100,
      machineCpuPct: (machine / wall) * 100, serverRssMiB: Math.round(mib(rssBytes(server.pid) ?? 0)),
      runs: runs.length, runMsP50: percentile(durations, 50), runMsMax: durations.at(-1) ?? null,
      // CPU (server + its backends) per scheduled run, above the idle server: what one tick costs.
      cpuMsPerRun: runs.length ? Math.round((s.serverCpuMs + s.pgBackendCpuMs - (idleBaseCpuPct * wall) / 100) / runs.length) : null,
    };
    if (!periodS) idleBaseCpuPct = out.serverCpuPct + out.pgBackendCpuPct;
    if (periodS) {
      // Freshness: one new complaint, then stats/summary until it is counted.
      const before = (await timeGet(server, '/api/v1/stats/summary', {})).body.asOf.complaints;
      const now = new Date();
      const complaint = {
        externalRef: `FRESH-${now.getTime()}-${periodS}`, source: 'bench-freshness', filedAt: now.toISOString(), complainant: 'consumer',
        consumer: { country: 'IT' }, trader: { id: 'TR000001', country: traderCountry }, sector: 'airlines', problem: 'delivery',
        events: [{ type: 'sent_to_trader', at: now.toISOString() }],
      };
      const t1 = performance.now();
      const p = await api(server, 'POST', '/api/v1/complaints', complaint);
      if (p.status !== 201) throw new Error(`POST /api/v1/complaints → ${p.status} ${JSON.stringify(p.body).slice(0, 500)}`);
      let seenMs = null;
      while (performance.now() - t1 < periodS * 1000 * 3 + 30_000) {
        const r = await timeGet(server, '/api/v1/stats/summary', {});
        if (r.body.asOf.complaints > before) { seenMs = performance.now() - t1; break; }
        await sleep(100);
      }
      out.freshnessMs = seenMs;
    }
    return out;
  } finally {
    await server.stop();
  }
}

// ───────────────────────────── main ─────────────────────────────

async function main() {
  const load0 = os.loadavg();
  const machine = await machineInfo();
  const ds = await ensureAnalyticsDataset({ complaints, database, regenerate: !!args.regenerate, log });
  const stored = (await pgq('SELECT count(*)::int AS n, pg_total_relation_size(\'complaints\') AS bytes, pg_relation_size(\'complaints\') AS heap FROM complaints')).rows[0];
  log(`database ${database}: ${fmt(stored.n)} complaints, table ${fmt(mib(stored.heap) / 1024, 1)} GiB + indexes = ${fmt(mib(stored.bytes) / 1024, 1)} GiB`);
  const result = {
    bench: 'analytics', at: new Date().toISOString(), complaints: stored.n, database, datasetEnd: DATASET_END, dataset: ds.marker,
    machine, rounds, pgRequests, goals: GOALS, commit: gitCommit(),
  };
  log(`code: ${result.commit}`);
  mkdirSync(WORK, { recursive: true });
  const extractCopy = args.keepExtract ? path.join(WORK, `extract-${complaints}.csv`) : null;

  // ── 1. full ETL ──
  for (const f of [DUCKDB_PATH, `${DUCKDB_PATH}.wal`]) rmSync(f, { force: true });
  rmSync(DATA_DIR, { recursive: true, force: true });
  let server;
  let server0Cpu = 0;
  try {
    if (!args.noStartupBuild) {
      log('ETL: start-up build into a new DuckDB file …');
      const t0 = performance.now();
      const startup = await watchRun(async () => {
        server = await start();
        server0Cpu = cpuMs(server.pid);
        const up = performance.now();
        const r = await waitStartupRun(server);
        return { ...r, fromUpMs: performance.now() - up };
      }, { keepAs: extractCopy });
      startup.prewarmMs = await waitIdle(server);
      result.startupBuild = { ms: Math.round(startup.fromUpMs), runMs: runMs(startup.run), wallMs: Math.round(performance.now() - t0), extractMs: startup.extractMs, copySeenFromMs: startup.copySeenFromMs, csvLastGrewMs: startup.csvGrewMs, publishMs: startup.extractEndMs === null ? null : Math.round(startup.ms - startup.extractEndMs), csvMiB: Math.round(mib(startup.csvBytes)), rowsRead: startup.run.rowsRead, prewarmMs: startup.prewarmMs };
      log(`  ${s1(result.startupBuild.ms)} s from the server's start to the run's end (extract ≈ ${s1(startup.extractMs ?? NaN)} s, CSV ${fmt(mib(startup.csvBytes))} MiB; the run record says ${s1(result.startupBuild.runMs)} s)`);
    } else {
      server = await start();
    }
    log('ETL: POST /api/v1/etl/runs?full=true&wait=true …');
    const sampler = startSampler({ pid: server.pid, databaseName: database, everyMs: 200 });
    const full = await watchRun(() => postRun(server, { full: true }), { keepAs: args.noStartupBuild ? extractCopy : null });
    const fs1 = await sampler.stop();
    const fullPrewarmMs = await waitIdle(server);
    const duckBytes = statSync(DUCKDB_PATH).size;
    result.full = {
      ms: Math.round(full.ms), runMs: runMs(full.run), rowsRead: full.run.rowsRead, complaints: full.run.complaints,
      extractMs: full.extractMs === null ? null : Math.round(full.extractMs), publishMs: full.extractEndMs === null ? null : Math.round(full.ms - full.extractEndMs),
      copySeenFromMs: full.copySeenFromMs, csvLastGrewMs: full.csvGrewMs, csvMiB: Math.round(mib(full.csvBytes)), duckdbMiB: Math.round(mib(duckBytes)), serverCpuMs: fs1.serverCpuMs, pgBackendCpuMs: fs1.pgBackendCpuMs, serverPeakRssMiB: Math.round(mib(fs1.peakRssBytes)), prewarmMs: fullPrewarmMs === null ? null : Math.round(fullPrewarmMs),
    };
    log(`  ${s1(full.ms)} s: extract (COPY on PostgreSQL) ≈ ${s1(full.extractMs ?? NaN)} s, publish (DuckDB) ≈ ${s1(result.full.publishMs ?? NaN)} s; ${fmt(full.run.rowsRead)} rows, CSV ${fmt(result.full.csvMiB)} MiB, DuckDB file ${fmt(result.full.duckdbMiB)} MiB, server peak RSS ${result.full.serverPeakRssMiB} MiB; then the background prewarm ≈ ${s1(fullPrewarmMs ?? NaN)} s`);

    // ── 2. incremental ETL ──
    const noop = await watchRun(() => postRun(server, { full: false }));
    const noopPrewarmMs = await waitIdle(server);
    result.incrementalNoChange = { ms: Math.round(noop.ms), runMs: runMs(noop.run), rowsRead: noop.run.rowsRead, extractMs: noop.extractMs, publishMs: noop.extractEndMs === null ? null : Math.round(noop.ms - noop.extractEndMs), prewarmMs: noopPrewarmMs === null ? null : Math.round(noopPrewarmMs) };
    log(`ETL incremental, nothing changed: ${fmt(noop.ms)} ms (${noop.run.rowsRead} rows read); then the server's background prewarm ≈ ${s1(noopPrewarmMs ?? NaN)} s`);
    const nChange = Math.round(stored.n / 100);
    const change = await changeOnePercent(nChange, changeHow);
    log(`changed ${fmt(change.rows)} complaints (1 %, ${changeHow}: ${fmt(change.rows - change.erasures)} new milestones, ${fmt(change.erasures)} erasures or re-writes) on PostgreSQL in ${s1(change.ms)} s`);
    const inc = await watchRun(() => postRun(server, { full: false }));
    result.incremental = {
      changed: change.rows, changeHow, milestones: change.rows - change.erasures, changeMs: Math.round(change.ms), ms: Math.round(inc.ms), runMs: runMs(inc.run), kind: inc.run.kind, rowsRead: inc.run.rowsRead,
      extractMs: inc.extractMs === null ? null : Math.round(inc.extractMs), publishMs: inc.extractEndMs === null ? null : Math.round(inc.ms - inc.extractEndMs),
    };
    if (inc.run.kind !== 'incremental') throw new Error(`expected an incremental run, got ${inc.run.kind}`);
    result.incremental.prewarmMs = Math.round((await waitIdle(server)) ?? NaN);
    log(`ETL incremental, 1 % changed: ${s1(inc.ms)} s (${fmt(inc.run.rowsRead)} rows read; extract ≈ ${s1(inc.extractMs ?? NaN)} s)`);

    // ── 3 + 4. endpoints, API and PostgreSQL ──
    const sets = await filterSets();
    result.filterSets = sets.map((s) => ({ name: s.name, query: s.query }));
    const eps = only ? ENDPOINTS.filter((e) => only.has(e.name)) : ENDPOINTS;
    log(`\nendpoints: ${eps.length} × ${sets.length} filter sets × ${rounds} rounds on a new snapshot each (after a warm-up of 10), sequential; PostgreSQL: ${pgRequests} of the filter sets (≤ ${pgBudgetMs / 1000} s each endpoint)`);
    await pgq('ANALYZE complaints');
    result.endpoints = [];
    const mismatches = [];
    const { res, etl } = await runApiAll(server, eps, sets);
    result.roundsEtl = etl;
    for (const ep of eps) {
      const a = res.get(ep.name);
      const sa = summarize(a.cold);
      const sc = summarize(a.cached);
      const entry = { name: ep.name, api: round(sa), apiCached: round(sc) };
      if (!args.noPg) {
        const p = await runPg(ep, sets);
        const sp = summarize(p.map((x) => x.ms));
        const apiSame = summarize(p.flatMap((x) => a.coldBySet[x.index]));
        entry.pg = { ...round(sp), sets: p.map((x) => sets[x.index].name) };
        entry.apiSameSetsP50 = round(apiSame).p50;
        entry.ratioP50 = sp.p50 / apiSame.p50;
        entry.pgSamples = p.map((x) => ({ set: sets[x.index].name, ms: Math.round(x.ms) }));
        // The summary's counts must agree with PostgreSQL (overdue moves with the clock: not compared).
        if (ep.name === 'summary') {
          for (const x of p) {
            const got = a.answers[x.index];
            const want = x.rows[0];
            if (got.complaints !== want.complaints || got.closed !== want.closed || got.adrAgreed !== want.adr_agreed) {
              mismatches.push(`${sets[x.index].name}: API ${got.complaints}/${got.closed}/${got.adrAgreed}, PostgreSQL ${want.complaints}/${want.closed}/${want.adr_agreed}`);
            }
          }
        }
      }
      result.endpoints.push(entry);
      log(`  ${ep.name}: cold p50 ${fmt(sa.p50, 1)} ms, p95 ${fmt(sa.p95, 1)} ms; cached p50 ${fmt(sc.p50, 1)} ms${entry.pg ? `; PostgreSQL p50 ${fmt(entry.pg.p50)} ms over ${entry.pg.n} → ${fmt(entry.ratioP50, 0)}×` : ''}`);
    }
    result.summaryMismatches = mismatches;
    if (mismatches.length) log(`WARNING: summary differs from PostgreSQL: ${mismatches.join('; ')}`);
    result.serverCpuMsFirstServer = Math.round(cpuMs(server.pid) - server0Cpu);
  } finally {
    await server?.stop().catch(() => {});
  }

  // ── 5. schedule: idle cost and freshness ──
  if (!args.noSchedule) {
    const tc = (await pgq(`SELECT country FROM traders WHERE id = 'TR000001'`)).rows[0].country;
    log(`\nschedule: idle CPU over ${idleMs / 1000} s (server + its PostgreSQL backends), then a new complaint until stats/summary counts it`);
    result.schedule = [];
    for (const p of [0, ...periods]) {
      const c = await scheduleCase(p, tc);
      result.schedule.push(c);
      log(`  ETL_CRON ${c.period}: server ${fmt(c.serverCpuPct, 1)} % + PostgreSQL ${fmt(c.pgBackendCpuPct, 1)} % of one core (machine ${fmt(c.machineCpuPct, 1)} %), ${c.runs} runs (p50 ${fmt(c.runMsP50)} ms)${c.freshnessMs !== undefined ? `, new complaint visible after ${s1(c.freshnessMs ?? NaN)} s` : ''}`);
    }
  }
  await pgClient?.end().catch(() => {});
  result.loadavg = { start: load0, end: os.loadavg() };
  report(result);
}

function report(r) {
  const ok = (b) => (b ? 'ok' : 'MISS');
  log('');
  log(`analytics benchmark — ${fmt(r.complaints)} complaints — ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}; load average ${r.loadavg.start.map((x) => x.toFixed(1)).join(' ')}`);
  const etl = [];
  if (r.startupBuild) etl.push(['full, start-up build (new DuckDB file)', s1(r.startupBuild.ms), r.startupBuild.extractMs ? s1(r.startupBuild.extractMs) : '?', r.startupBuild.publishMs ? s1(r.startupBuild.publishMs) : '?', fmt(r.startupBuild.rowsRead), '', '', s1(r.startupBuild.runMs)]);
  etl.push(['full, POST full=true (rebuild)', s1(r.full.ms), s1(r.full.extractMs), s1(r.full.publishMs), fmt(r.full.rowsRead), `≤ ${GOALS.fullS} s`, ok(r.full.ms <= GOALS.fullS * 1000), s1(r.full.runMs)]);
  etl.push(['incremental, nothing changed', s1(r.incrementalNoChange.ms), r.incrementalNoChange.extractMs ? s1(r.incrementalNoChange.extractMs) : '?', r.incrementalNoChange.publishMs ? s1(r.incrementalNoChange.publishMs) : '', fmt(r.incrementalNoChange.rowsRead), '', '', s1(r.incrementalNoChange.runMs)]);
  etl.push(['incremental, 1 % changed', s1(r.incremental.ms), s1(r.incremental.extractMs), s1(r.incremental.publishMs), fmt(r.incremental.rowsRead), `≤ ${GOALS.incrementalS} s`, ok(r.incremental.ms <= GOALS.incrementalS * 1000), s1(r.incremental.runMs)]);
  log(table(['ETL run', 'wall s', 'extract s', 'publish s', 'rows read', 'goal', '', 'record s'], etl));
  log(`(wall = POST to answer (start-up: server listening to the run's end); extract = how long the COPY was seen active on PostgreSQL, polled every 50 ms; publish = from its end to the answer: DuckDB load, transform, commit, run record; record = etl_runs finished_at − started_at, where finished_at is the snapshot's instant, taken before the transforms and the commit; CSV ${fmt(r.full.csvMiB)} MiB, DuckDB file ${fmt(r.full.duckdbMiB)} MiB)`);
  log('');
  const rows = r.endpoints.map((e) => [
    e.name, fmt(e.api.p50, 1), fmt(e.api.p95, 1), fmt(e.api.max, 1), ok(e.api.p95 <= GOALS.p95Ms), fmt(e.apiCached.p50, 1), fmt(e.apiCached.p95, 1),
    e.pg ? fmt(e.pg.p50) : '', e.pg ? String(e.pg.n) : '', e.pg ? fmt(e.apiSameSetsP50, 1) : '', e.pg ? `${fmt(e.ratioP50, 0)}×` : '', e.pg ? ok(e.ratioP50 >= GOALS.ratio) : '',
  ]);
  log(table(['endpoint', 'cold p50', 'p95', 'max', `p95≤${GOALS.p95Ms}`, 'cached p50', 'p95', 'PG p50', 'PG n', 'API p50 same', 'ratio', `≥${GOALS.ratio}×`], rows));
  log(`(ms; cold = a filter set's first request on a snapshot, ${r.endpoints[0]?.api.n ?? 0} per endpoint over ${r.filterSets?.length ?? 0} filter sets × ${r.rounds} snapshots (the unfiltered view is prewarmed by the server); cached = the same again; PG = the same aggregates as plain SQL on PostgreSQL, on ${r.pgRequests} of the sets; ratio = PG p50 / API cold p50 on those same sets)`);
  if (r.schedule) {
    log('');
    log(table(['ETL_CRON', 'server %CPU', 'PG %CPU', 'machine %CPU', 'runs', 'record p50 ms', 'CPU s/run', 'new complaint visible', 'within period'], r.schedule.map((c) => [
      c.period, fmt(c.serverCpuPct, 2), fmt(c.pgBackendCpuPct, 2), fmt(c.machineCpuPct, 1), String(c.runs), c.runs ? fmt(c.runMsP50) : '', c.cpuMsPerRun === null ? '' : fmt(c.cpuMsPerRun / 1000, 1),
      c.freshnessMs === undefined ? '' : `${s1(c.freshnessMs ?? NaN)} s`, c.freshnessMs === undefined ? '' : ok(c.freshnessMs !== null && c.freshnessMs <= c.periodS * 1000),
    ])));
    const idle = r.schedule.filter((c) => c.periodS && c.serverCpuPct + c.pgBackendCpuPct < GOALS.idleCpuPct).sort((a, b) => a.periodS - b.periodS)[0];
    r.recommendedPeriodS = idle?.periodS ?? null;
    // Beyond the periods tried: the CPU one run costs, spread over the period, under the goal.
    const perRun = r.schedule.filter((c) => c.cpuMsPerRun).map((c) => c.cpuMsPerRun).sort((a, b) => a - b);
    r.extrapolatedPeriodS = perRun.length ? Math.ceil(percentile(perRun, 50) / 1000 / (GOALS.idleCpuPct / 100)) : null;
    log(`(% of one core over ${idleMs / 1000} s idle; machine = every process; recommended: the shortest period with server + PostgreSQL < ${GOALS.idleCpuPct} % of one core → ${idle ? `every ${idle.periodS} s` : `none of those tried; at the median CPU per run, every ${r.extrapolatedPeriodS ?? '?'} s or longer`})`);
  }
  const missed = [];
  if (r.full.ms > GOALS.fullS * 1000) missed.push(`full ETL ${s1(r.full.ms)} s > ${GOALS.fullS} s`);
  if (r.incremental.ms > GOALS.incrementalS * 1000) missed.push(`incremental ${s1(r.incremental.ms)} s > ${GOALS.incrementalS} s`);
  for (const e of r.endpoints) {
    if (e.api.p95 > GOALS.p95Ms) missed.push(`${e.name} p95 ${fmt(e.api.p95, 1)} ms`);
    if (e.pg && e.ratioP50 < GOALS.ratio) missed.push(`${e.name} ratio ${fmt(e.ratioP50, 1)}×`);
  }
  r.missed = missed;
  log(missed.length ? `goals missed: ${missed.join('; ')}` : 'all goals met');
  const file = writeResult('analytics', r);
  log(`result: ${path.relative(ROOT, file)}`);
}

/** The commit the bench runs (BENCH_COMMIT when run from an exported tree), '+dirty' with local changes. */
function gitCommit() {
  if (process.env.BENCH_COMMIT) return process.env.BENCH_COMMIT;
  const rev = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (rev.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'api', 'etl', 'sql'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  return `${rev.stdout.trim()}${dirty ? '+dirty' : ''}`;
}

function round(s) {
  return Object.fromEntries(Object.entries(s).map(([k, v]) => [k, k === 'n' ? v : Math.round(v * 100) / 100]));
}

main().catch(async (err) => {
  console.error(`analytics bench failed: ${err.stack ?? err}`);
  await pgClient?.end().catch(() => {});
  process.exit(1);
});
