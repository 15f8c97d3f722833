#!/usr/bin/env node
/**
 * Profiling aid for the analytics bench (not one of the `npm run bench` benchmarks): where the
 * time of the ETL and of the stats endpoints goes, without HTTP and Nest.
 *
 *   A. the endpoints: the app's AnalyticsService on a copy of the DuckDB store, every DuckDB
 *      statement it runs timed; the slowest statements get an EXPLAIN ANALYZE (bench/out/).
 *   B. the ETL: the extract's COPY from PostgreSQL to a CSV file (as the runner does), then the
 *      publication replayed statement by statement on a copy of the store (the runner's
 *      sql/duckdb files in its order): a rebuild (full=true), an increment of 1 % of the rows,
 *      an empty increment, and the commit of each.
 *
 *   node bench/analytics-explain.mjs [--complaints 10000000] [--database NAME] [--duckdb FILE]
 *        [--csv FILE] [--no-etl] [--no-endpoints] [--increments-only]
 *
 * The ETL part also times what-ifs: a full run that deletes every row of complaint_facts
 * instead of recreating it, without the INSERT's ORDER BY, or reading the CSV in the INSERT; an
 * empty increment that skips traders.sql and adr_bodies.sql.
 *
 * --duckdb defaults to the analytics bench's store for that size (bench/out/analytics/); run
 * `node bench/analytics.mjs` first. --csv reuses an extract file instead of making one.
 */
import { copyFileSync, createWriteStream, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { OUT_DIR, ROOT, dbUrl, fmt, mib, num, parseArgs, table } from './lib.mjs';

const args = parseArgs(process.argv.slice(2));
const complaints = num(args.complaints, 10_000_000);
const database =
  typeof args.database === 'string'
    ? args.database
    : complaints === 10_000_000
      ? 'odr_bench_analytics'
      : `odr_bench_analytics_${complaints}`;
const WORK = path.join(OUT_DIR, 'analytics');
const store = typeof args.duckdb === 'string' ? args.duckdb : path.join(WORK, `analytics-${complaints}.duckdb`);
const copy = path.join(WORK, `explain-${complaints}.duckdb`);
const log = (...a) => console.log(...a);
const dist = (p) => pathToFileURL(path.join(ROOT, 'dist', p)).href;

const { AnalyticsDb, statements, duckdbSql, SCHEMA_VERSION } = await import(dist('etl/analytics-db.js'));
const { AnalyticsService } = await import(dist('api/src/analytics/analytics.service.js'));
const { transformsFor, TRADER_YEARS_FILL } = await import(dist('etl/etl-runner.js'));

function freshCopy() {
  for (const f of [copy, `${copy}.wal`]) rmSync(f, { force: true });
  if (!existsSync(store)) throw new Error(`no store at ${store}: run node bench/analytics.mjs --complaints ${complaints} first`);
  copyFileSync(store, copy);
  if (existsSync(`${store}.wal`)) copyFileSync(`${store}.wal`, `${copy}.wal`);
}

// ───────────────────────────── A. endpoints ─────────────────────────────

async function endpoints() {
  freshCopy();
  const db = await AnalyticsDb.open(copy);
  const timings = [];
  let current = null;
  const timed = {
    read: (fn) =>
      db.read((q) =>
        fn(async (text, params) => {
          const t0 = performance.now();
          const rows = await q(text, params);
          timings.push({ call: current, ms: performance.now() - t0, text, params });
          return rows;
        }),
      ),
  };
  // The service keeps answers per snapshot: each timed call gets a new service (an empty cache).
  let service = new AnalyticsService(timed);
  const filters = [
    ['no filter', {}],
    ['sector=airlines', { sector: ['airlines'] }],
    ['traderId big', { traderId: ['TR000001'] }],
    ['from last 90 days', { from: '2026-08-26' }],
    ['crossBorder & problem & 2024', { crossBorder: true, problem: ['delivery'], from: '2024-01-01', to: '2025-01-01' }],
  ];
  const calls = [];
  for (const [fname, f] of filters) {
    calls.push([`summary ${fname}`, () => service.summary(f)]);
    calls.push([`countries ${fname}`, () => service.countries({ side: 'consumer', ...f })]);
    calls.push([`flows ${fname}`, () => service.flows(f)]);
    calls.push([`trend month ${fname}`, () => service.trend({ interval: 'month', ...f })]);
    calls.push([`sectors ${fname}`, () => service.sectors(f)]);
    calls.push([`problems ${fname}`, () => service.problems(f)]);
    calls.push([`outcomes ${fname}`, () => service.outcomes(f)]);
    calls.push([`overdue ${fname}`, () => service.overdue(f)]);
    calls.push([`traders ${fname}`, () => service.traders({ limit: 50, ...f })]);
  }
  calls.push(['trader benchmark TR000001 2025', () => service.benchmark('TR000001', 2025)]);
  calls.push(['trader benchmark TR000100 2023', () => service.benchmark('TR000100', 2023)]);
  calls.push(['ADR body report ADR-DE-SOEP 2025', () => service.adrReport('ADR-DE-SOEP', { year: 2025 })]);
  // Warm-up: each call once.
  for (const [name, fn] of calls) {
    current = name;
    await fn();
  }
  timings.length = 0;
  const rows = [];
  for (const [name, fn] of calls) {
    current = name;
    service = new AnalyticsService(timed);
    const n0 = timings.length;
    const t0 = performance.now();
    await fn();
    const total = performance.now() - t0;
    const mine = timings.slice(n0);
    const sql = mine.reduce((s, x) => s + x.ms, 0);
    const slowest = mine.reduce((a, b) => (b.ms > (a?.ms ?? -1) ? b : a), null);
    rows.push({ name, total, sql, queries: mine.length, slowest });
  }
  log(
    table(
      ['service call (no HTTP)', 'total ms', 'DuckDB ms', 'queries', 'slowest query ms', 'slowest query'],
      rows.map((r) => [
        r.name,
        fmt(r.total, 1),
        fmt(r.sql, 1),
        String(r.queries),
        fmt(r.slowest?.ms ?? 0, 1),
        (r.slowest?.text ?? '').replace(/\s+/g, ' ').slice(0, 60),
      ]),
    ),
  );
  // EXPLAIN ANALYZE of the slowest few statements.
  const slow = [...rows].sort((a, b) => (b.slowest?.ms ?? 0) - (a.slowest?.ms ?? 0)).slice(0, 4);
  const plans = [];
  for (const r of slow) {
    const plan = await db.read(async (q) => q(`EXPLAIN ANALYZE ${r.slowest.text}`, r.slowest.params));
    plans.push(
      `── ${r.name} (${fmt(r.slowest.ms, 1)} ms)\n${r.slowest.text}\n${plan.map((p) => p.explain_value ?? Object.values(p).join('\n')).join('\n')}`,
    );
  }
  const file = path.join(OUT_DIR, `analytics-explain-plans-${complaints}.txt`);
  writeFileSync(file, plans.join('\n\n'));
  log(`plans of the slowest statements: ${path.relative(ROOT, file)}`);
  await db.close();
}

// ───────────────────────────── B. the ETL ─────────────────────────────

async function extractCsv() {
  if (typeof args.csv === 'string') return { file: args.csv, ms: null };
  const file = path.join(WORK, `explain-extract-${complaints}.csv`);
  const text = readFileSync(path.join(ROOT, 'sql', 'postgres', 'etl', 'extract_complaints.sql'), 'utf8').trim();
  const c = new pg.Client({ connectionString: dbUrl(database), application_name: 'odr-bench-explain' });
  await c.connect();
  try {
    await c.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`);
    await c.query(`SET LOCAL DateStyle = 'ISO, YMD'`);
    const t0 = performance.now();
    await pipeline(c.query(copyStreams.to(`COPY (${text}) TO STDOUT WITH (FORMAT csv)`)), createWriteStream(file));
    const ms = performance.now() - t0;
    // The same scan without formatting the rows: what the COPY costs over reading the table.
    const t1 = performance.now();
    await c.query(`SELECT count(*) FROM (${text}) x`);
    const scanMs = performance.now() - t1;
    await c.query('COMMIT');
    log(
      `extract: COPY … TO STDOUT (CSV) → ${fmt(mib(statSync(file).size))} MiB in ${fmt(ms / 1000, 1)} s; the same SELECT as count(*) ${fmt(scanMs / 1000, 1)} s`,
    );
    return { file, ms, scanMs };
  } finally {
    await c.end();
  }
}

async function etl() {
  const csv = args.incrementsOnly ? null : await extractCsv();
  // Reference files as the runner writes them.
  const refs = {};
  const c = new pg.Client({ connectionString: dbUrl(database) });
  await c.connect();
  const etlSql = (f) => readFileSync(path.join(ROOT, 'sql', 'postgres', 'etl', f), 'utf8').trim();
  for (const [k, f] of [
    ['traders', 'extract_traders.sql'],
    ['adr_bodies', 'extract_adr_bodies.sql'],
  ]) {
    refs[k] = path.join(WORK, `explain-${k}.csv`);
    await pipeline(c.query(copyStreams.to(`COPY (${etlSql(f)}) TO STDOUT WITH (FORMAT csv)`)), createWriteStream(refs[k]));
  }
  // An increment of 1 % of the complaints (every 100th id) and an empty one.
  const onePct = path.join(WORK, `explain-extract-1pct-${complaints}.csv`);
  await c.query(`SET DateStyle = 'ISO, YMD'`);
  const t1 = performance.now();
  await pipeline(
    c.query(copyStreams.to(`COPY (${etlSql('extract_complaints.sql')}\nWHERE id % 100 = 0) TO STDOUT WITH (FORMAT csv)`)),
    createWriteStream(onePct),
  );
  log(
    `extract of 1 % (id % 100 = 0, a sequential scan; the runner's increment reads changed_xid's index): ${fmt(performance.now() - t1, 0)} ms`,
  );
  const empty = path.join(WORK, 'explain-extract-empty.csv');
  writeFileSync(empty, '');
  await c.end();
  const quote = (f) => `'${f.replaceAll("'", "''")}'`;
  const loadSql = (complaintsFile) =>
    duckdbSql('load_extract.sql')
      .replaceAll('{{complaints}}', quote(complaintsFile))
      .replaceAll('{{traders}}', quote(refs.traders))
      .replaceAll('{{adr_bodies}}', quote(refs.adr_bodies))
      .replaceAll('{{complaints_relation}}', 'TABLE');

  const rows = [];
  const replay = async (label, { full, file, fresh = false, variant = null }) => {
    if (fresh) for (const f of [copy, `${copy}.wal`]) rmSync(f, { force: true });
    else freshCopy();
    const db = await AnalyticsDb.open(copy);
    const steps = [];
    const t0 = performance.now();
    await db.write(async (q) => {
      const step = async (name, text, params) => {
        const t = performance.now();
        await q(text, params);
        steps.push([name, performance.now() - t]);
      };
      if (full && variant === 'delete-rows') {
        await step('what-if: DELETE FROM complaint_facts', 'DELETE FROM complaint_facts');
      } else if (full) {
        // as the runner does a full run: a new table rather than deleting every row
        await step('DROP TABLE complaint_facts', 'DROP TABLE complaint_facts');
        for (const st of statements(duckdbSql('schema.sql'))) await step(`schema.sql: ${st.slice(0, 50).replace(/\s+/g, ' ')}`, st);
      }
      for (let s of statements(loadSql(file))) {
        if (variant === 'direct' && s.includes('extract_complaints AS')) {
          // what-if: no temporary copy of the extract; the INSERT reads the file (a view over read_csv)
          await step(
            'what-if: CREATE VIEW extract_complaints_csv over read_csv',
            s.replace('CREATE OR REPLACE TEMP TABLE extract_complaints AS', 'CREATE OR REPLACE TEMP VIEW extract_complaints_csv AS'),
          );
          s = 'CREATE OR REPLACE TEMP TABLE extract_complaints AS SELECT id FROM extract_complaints_csv';
        }
        await step(`load: ${s.slice(0, 60).replace(/\s+/g, ' ')}`, s);
      }
      // The runner's parameters; each statement gets those it names (as the runner does).
      const params = {
        etl_run_id: 999999,
        data_run_id: 999999,
        as_of: '2026-11-24 20:00:00',
        finished_at: '2026-11-24 20:00:00',
        snapshot_xmin: '1',
        store_id: 'x',
        schema_version: SCHEMA_VERSION,
        reply_days: 10,
      };
      const only = (text) => {
        const names = Object.keys(params).filter((k) => new RegExp(`\\$${k}\\b`).test(text));
        return names.length ? Object.fromEntries(names.map((k) => [k, params[k]])) : undefined;
      };
      // A new store file is built as a full run is (there is nothing to update).
      for (const t of [...transformsFor(full || fresh), 'snapshot.sql']) {
        if (variant === 'no-reference' && (t === 'traders.sql' || t === 'adr_bodies.sql')) continue; // what-if: reference data unchanged, not rewritten
        let text = duckdbSql(t).replaceAll('{{all}}', full || fresh ? 'TRUE' : 'FALSE');
        for (const [k, v] of Object.entries(TRADER_YEARS_FILL)) text = text.replaceAll(`{{${k}}}`, v);
        for (let s of statements(text)) {
          if (variant === 'no-order' && /^INSERT INTO complaint_facts/.test(s)) s = s.replace(/ORDER BY filed_at, id\s*$/, ''); // what-if: no sort
          if (variant === 'direct' && /^INSERT INTO complaint_facts/.test(s))
            s = s.replace('FROM extract_complaints', 'FROM extract_complaints_csv'); // what-if: read the CSV in the INSERT
          await step(`${t}: ${s.slice(0, 60).replace(/\s+/g, ' ')}`, s, only(s));
        }
      }
      for (const t of ['extract_complaints', 'extract_traders', 'extract_adr_bodies', 'traders_changed', 'adr_bodies_changed'])
        await step(`DROP ${t}`, `DROP TABLE IF EXISTS ${t}`);
      steps.push(['(before COMMIT)', 0]);
      steps.commitFrom = performance.now();
    });
    steps.push(['COMMIT', performance.now() - steps.commitFrom]);
    const tc = performance.now();
    await db.write(async (q) => {
      await q('CHECKPOINT');
    });
    steps.push(['CHECKPOINT (after)', performance.now() - tc]);
    const total = performance.now() - t0;
    await db.close();
    rows.push([`── ${label}`, fmt(total, 0)]);
    for (const [name, ms] of steps) if (name !== '(before COMMIT)') rows.push([`   ${name}`, fmt(ms, 0)]);
  };
  if (!args.incrementsOnly) {
    await replay('first build (a new store file, as at start-up)', { full: false, file: csv.file, fresh: true });
    await replay('rebuild (full=true) on the store', { full: true, file: csv.file });
    await replay('what-if: rebuild deleting every row of complaint_facts instead', { full: true, file: csv.file, variant: 'delete-rows' });
    await replay('what-if: rebuild without ORDER BY filed_at, id', { full: true, file: csv.file, variant: 'no-order' });
    await replay('what-if: rebuild, the INSERT reading the CSV (ids only in the temp table)', {
      full: true,
      file: csv.file,
      variant: 'direct',
    });
  }
  await replay('increment: 1 % of the rows (every 100th id: spread over all row groups)', { full: false, file: onePct });
  await replay('increment: no rows', { full: false, file: empty });
  await replay('what-if: increment of no rows, traders and ADR bodies left as they are', {
    full: false,
    file: empty,
    variant: 'no-reference',
  });
  log(table(['publication step (DuckDB, copy of the store)', 'ms'], rows));
}

if (!args.noEndpoints) await endpoints();
if (!args.noEtl) await etl();
for (const f of [copy, `${copy}.wal`]) rmSync(f, { force: true });
