#!/usr/bin/env node
/**
 * Profiling aid for the analytics bench (not one of the `npm run bench` benchmarks): where the
 * time of the ETL and of the stats endpoints goes, without HTTP and Nest. It runs the build in
 * dist/ (`npm run build:bench`) through its public modules.
 *
 *   A. the endpoints: the app's AnalyticsService (over an AnalyticsRepository, as app.module.ts
 *      wires it) on a copy of the DuckDB store, every DuckDB statement it runs timed; the slowest
 *      statements get an EXPLAIN ANALYZE (bench/out/analytics-explain-plans-N.txt).
 *   B. the ETL: the runner's extract (etl/extract.ts: COPY … TO CSV, split over connections),
 *      then the plan's steps (etl/plan.ts stepsFor) replayed statement by statement on a copy of
 *      the store, each timed: a first build into a new store file and a rebuild (full runs), an
 *      increment of 1 % of the rows (every 100th id of the full extract: spread over all row
 *      groups) and an empty one (the runner's incremental extract since the full extract's
 *      watermark), each with its commit and a checkpoint.
 *
 *   npm run bench -- tools/analytics-explain [--complaints 10000000] [--database NAME] [--duckdb FILE]
 *        [--no-etl] [--no-endpoints] [--increments-only]
 *
 * --duckdb defaults to the analytics bench's store for that size (bench/out/analytics/); run
 * `npm run bench -- analytics` first. The what-ifs of the earlier version (a full run deleting rows
 * instead of recreating the table, no ORDER BY, an increment without the reference data) edited
 * the SQL template files, which the ETL plan replaced: they are gone.
 */
import { copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { AnalyticsRepository } from '../../api/src/analytics/analytics.repository.js';
import { AnalyticsService } from '../../api/src/analytics/analytics.service.js';
import type { AnalyticsFilters } from '../../api/src/analytics/analytics.dto.js';
import { AnalyticsDb, type Params, type Query } from '../../core/duckdb/analytics-db.js';
import { compiled, type Row, type Statement } from '../../core/duckdb/duck-sql.js';
import type { SnapshotSource } from '../../core/duckdb/snapshot-source.js';
import { openStore, type Store } from '../../core/postgres/store.js';
import {
  SCHEMA_VERSION,
  dropTemps,
  exampleInput,
  extract,
  stepsFor,
  type EtlKind,
  type ExtractFiles,
  type Extracted,
} from '../../etl/index.js';
import { OUT_DIR, ROOT, dbUrl, fmt, mib, num, parseArgs, table } from '../lib.js';

const args = parseArgs(process.argv.slice(2));
const complaints = num(args.complaints, 10_000_000);
const defaultDatabase = complaints === 10_000_000 ? 'odr_bench_analytics' : `odr_bench_analytics_${complaints}`;
const database = typeof args.database === 'string' ? args.database : defaultDatabase;
const WORK = path.join(OUT_DIR, 'analytics');
const store = typeof args.duckdb === 'string' ? args.duckdb : path.join(WORK, `analytics-${complaints}.duckdb`);
const copy = path.join(WORK, `explain-${complaints}.duckdb`);
const extractDir = path.join(WORK, `explain-extract-${complaints}`);
// The copies go here even when --duckdb names a store elsewhere (another checkout's bench/out/).
mkdirSync(WORK, { recursive: true });
const log = (...a: unknown[]): void => console.log(...a);

const removeCopy = () => {
  for (const f of [copy, `${copy}.wal`]) rmSync(f, { force: true });
};

function freshCopy(): void {
  removeCopy();
  if (!existsSync(store)) throw new Error(`no store at ${store}: run npm run bench -- analytics --complaints ${complaints} first`);
  copyFileSync(store, copy);
  if (existsSync(`${store}.wal`)) copyFileSync(`${store}.wal`, `${copy}.wal`);
}

/** The copy, opened as the app opens its store (one of another schema version is emptied). */
const openCopy = (): Promise<AnalyticsDb> => AnalyticsDb.open(copy, { schemaVersion: SCHEMA_VERSION });

/** One statement a service call ran: its text and parameters, its time, and how to EXPLAIN ANALYZE it. */
interface Timing {
  ms: number;
  sql: string;
  parameters: readonly unknown[] | Params;
  explain: (q: Query) => Promise<Row[]>;
}

/**
 * A Query's statement (composed, or text with its parameters) as text and parameters, and its
 * EXPLAIN ANALYZE with the same parameters (bound as queryOn binds them: none rather than an empty list).
 */
function textOf(statement: Statement<unknown> | string, params?: Params): Omit<Timing, 'ms'> {
  if (typeof statement === 'string')
    return { sql: statement, parameters: params ?? [], explain: (q) => q(`EXPLAIN ANALYZE ${statement}`, params) };
  const c = compiled(statement);
  const explained: Statement<Row> = { compile: () => ({ ...c, sql: `EXPLAIN ANALYZE ${c.sql}` }) };
  return { sql: c.sql, parameters: c.parameters, explain: (q) => q(explained) };
}
const oneLine = (text: string, length: number): string => text.replace(/\s+/g, ' ').slice(0, length);

// ───────────────────────────── A. endpoints ─────────────────────────────

async function endpoints(): Promise<void> {
  freshCopy();
  const db = await openCopy();
  const snapshot = await db.snapshot();
  if (!snapshot)
    throw new Error(`${store} holds no snapshot of this build's schema version: run npm run bench -- analytics --complaints ${complaints}`);
  log(`endpoints on a copy of ${path.relative(ROOT, store)}: ${fmt(snapshot.complaints)} complaints`);
  let timings: Timing[] = [];
  // The store, every statement timed (the repository reads through `read` only).
  const timed: SnapshotSource = {
    read: (fn) =>
      db.read((q) =>
        fn((async (statement: Statement<unknown> | string, params?: Params) => {
          const text = textOf(statement, params);
          const t0 = performance.now();
          const rows = await (typeof statement === 'string' ? q(statement, params) : q(statement));
          timings.push({ ms: performance.now() - t0, ...text });
          return rows;
        }) as Query),
      ),
    snapshot: () => db.snapshot(),
    close: async () => {},
  };
  // Answers and close buckets are kept per snapshot: each timed call gets a new service and repository.
  const service = (): AnalyticsService => new AnalyticsService(new AnalyticsRepository(timed));
  const filters: [string, AnalyticsFilters][] = [
    ['no filter', {}],
    ['sector=airlines', { sector: ['airlines'] }],
    ['traderId big', { traderId: ['TR000001'] }],
    ['from last 90 days', { from: '2026-08-26T00:00:00Z' }],
    [
      'crossBorder & problem & 2024',
      { crossBorder: true, problem: ['delivery'], from: '2024-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' },
    ],
  ];
  type Call = [string, (s: AnalyticsService) => Promise<unknown>];
  const calls = filters.flatMap(([name, f]): Call[] => [
    [`summary ${name}`, (s) => s.summary(f)],
    [`countries ${name}`, (s) => s.countries({ side: 'consumer', ...f })],
    [`flows ${name}`, (s) => s.flows(f)],
    [`trend month ${name}`, (s) => s.trend({ interval: 'month', ...f })],
    [`sectors ${name}`, (s) => s.sectors(f)],
    [`problems ${name}`, (s) => s.problems(f)],
    [`outcomes ${name}`, (s) => s.outcomes(f)],
    [`overdue ${name}`, (s) => s.overdue(f)],
    [`traders ${name}`, (s) => s.traders({ limit: 50, ...f })],
  ]);
  calls.push(['trader benchmark TR000001 2025', (s) => s.benchmark('TR000001', 2025)]);
  calls.push(['trader benchmark TR000100 2023', (s) => s.benchmark('TR000100', 2023)]);
  calls.push(['ADR body report ADR-DE-SOEP 2025', (s) => s.adrReport('ADR-DE-SOEP', { years: [2025] })]);
  for (const [, fn] of calls) await fn(service()); // warm-up
  const rows: { name: string; total: number; duck: number; queries: number; slowest: Timing }[] = [];
  const none: Timing = { ms: 0, sql: '', parameters: [], explain: async () => [] };
  for (const [name, fn] of calls) {
    const s = service();
    timings = [];
    const t0 = performance.now();
    await fn(s);
    const total = performance.now() - t0;
    const slowest = timings.reduce((a, b) => (b.ms > a.ms ? b : a), none);
    rows.push({ name, total, duck: timings.reduce((sum, t) => sum + t.ms, 0), queries: timings.length, slowest });
  }
  log(
    table(
      ['service call (no HTTP)', 'total ms', 'DuckDB ms', 'queries', 'slowest query ms', 'slowest query'],
      rows.map((r) => [r.name, fmt(r.total, 1), fmt(r.duck, 1), String(r.queries), fmt(r.slowest.ms, 1), oneLine(r.slowest.sql, 60)]),
    ),
  );
  // EXPLAIN ANALYZE of the slowest few statements.
  const plans: string[] = [];
  for (const r of [...rows].sort((a, b) => b.slowest.ms - a.slowest.ms).slice(0, 4)) {
    const { sql, parameters, ms, explain: explainOn } = r.slowest;
    const plan = await db.read(explainOn);
    const explained = plan.map((p) => String(p.explain_value ?? Object.values(p).join('\n'))).join('\n');
    plans.push(`── ${r.name} (${fmt(ms, 1)} ms)\n${sql}\n-- parameters: ${JSON.stringify(parameters)}\n${explained}`);
  }
  const file = path.join(OUT_DIR, `analytics-explain-plans-${complaints}.txt`);
  writeFileSync(file, plans.join('\n\n'));
  log(`plans of the slowest statements: ${path.relative(ROOT, file)}\n`);
  await db.close();
}

// ───────────────────────────── B. the ETL ─────────────────────────────

/** The runner's extract into a folder of its own, timed. */
async function timedExtract(label: string, pg: Store, since: string | null): Promise<Extracted> {
  const dir = path.join(extractDir, since === null ? 'full' : 'increment');
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const extracted = await extract(pg, dir, since);
  log(`${label}: ${fmt(mib(extracted.bytes), 1)} MiB of CSV (complaints and reference data) in ${fmt(performance.now() - t0, 0)} ms`);
  return extracted;
}

/** An increment's files: every 100th complaint of the full extract (the id is the first column), its reference data. */
async function everyHundredth(files: ExtractFiles): Promise<ExtractFiles> {
  const file = path.join(extractDir, 'complaints-1pct.csv');
  const out = createWriteStream(file);
  for (const part of files.complaints) {
    for await (const line of createInterface({ input: createReadStream(part), crlfDelay: Infinity })) {
      if (Number(line.slice(0, line.indexOf(','))) % 100 === 0) out.write(`${line}\n`);
    }
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return { ...files, complaints: [file] };
}

/** The plan's steps of one run, statement by statement, in one transaction as the runner does; then its commit and a checkpoint. */
async function replay(label: string, kind: EtlKind, files: ExtractFiles, { fresh = false } = {}): Promise<string[][]> {
  if (fresh) removeCopy();
  else freshCopy();
  const db = await openCopy();
  // The runner's inputs; the findings of each step go to the later ones (etl-runner.ts publish).
  const asOf = new Date().toISOString().replace('T', ' ').replace('Z', '');
  const input = { ...exampleInput(kind), etlRunId: 999_999, dataRunId: 999_999, asOf, schemaVersion: SCHEMA_VERSION, files };
  const times: [string, number][] = [];
  const t0 = performance.now();
  let committing = 0;
  await db.write(async (q) => {
    const run = async (name: string, statement: Statement<unknown>): Promise<Row[]> => {
      const t = performance.now();
      // A step's statements yield rows of their own shapes; `finds` reads the last one's first row.
      const rows = (await q(statement)) as Row[];
      const ms = performance.now() - t;
      times.push([`   ${name}: ${oneLine(compiled(statement).sql, 60)}`, ms]);
      return rows;
    };
    for (const step of stepsFor(kind)) {
      let last: Row[] = [];
      for (const s of step.statements(input)) last = await run(step.name, s);
      Object.assign(input, step.finds?.(last[0]));
    }
    for (const s of dropTemps(kind)) await run('drop', s);
    committing = performance.now();
  });
  times.push(['   COMMIT', performance.now() - committing]);
  const t1 = performance.now();
  await db.write((q) => q('CHECKPOINT'));
  times.push(['   CHECKPOINT (after)', performance.now() - t1]);
  const total = performance.now() - t0;
  await db.close();
  return [[`── ${label}: ${fmt(input.rowsRead)} complaints read`, fmt(total, 0)], ...times.map(([name, ms]) => [name, fmt(ms, 0)])];
}

async function etl(): Promise<void> {
  const pg = await openStore({ databaseUrl: dbUrl(database), dataDir: null });
  let full: Extracted;
  let empty: Extracted;
  try {
    full = await timedExtract('full extract (as the runner: COPY … TO CSV, split over connections)', pg, null);
    empty = await timedExtract("incremental extract since the full extract's watermark", pg, full.snapshotXmin);
  } finally {
    await pg.close();
  }
  const onePct = await everyHundredth(full.files);
  const rows: string[][] = [];
  if (!args.incrementsOnly) {
    rows.push(...(await replay('first build (full, a new store file, as at start-up)', 'full', full.files, { fresh: true })));
    rows.push(...(await replay('rebuild (full) on the store', 'full', full.files)));
  }
  rows.push(...(await replay('increment: 1 % of the rows (every 100th id)', 'incremental', onePct)));
  rows.push(...(await replay('increment: no rows changed', 'incremental', empty.files)));
  log(table(['publication statement (DuckDB, copy of the store)', 'ms'], rows));
  rmSync(extractDir, { recursive: true, force: true });
}

if (!args.noEndpoints) await endpoints();
if (!args.noEtl) await etl();
removeCopy();
