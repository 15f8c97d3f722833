/**
 * Analytics benchmark (issue 3): on a store of N generated complaints (default 10 000 000,
 * generated straight into PostgreSQL by bench/analytics-data.ts and kept between runs), in one run:
 *
 *   0. the floor of a full ETL (issue 21; bench/analytics-flat.ts): `COPY` of the extract's
 *      columns out of PostgreSQL plus one `read_csv` into a flat DuckDB table, DuckDB's defaults
 *      (no memory limit), in the bench's process, before the server starts (unless --no-floor);
 *   1. full ETL: the start-up build into an empty DuckDB file, then POST /api/v1/etl/runs?full=true&wait=true
 *      (phases seen from outside: the extract's COPY on PostgreSQL, then the publication in DuckDB);
 *   2. incremental ETL: with nothing changed, then after 1 % of the complaints were written;
 *      for each ETL run of 1 and 2, the server's peak RSS (VmHWM, /proc/PID/status: the whole
 *      process, the ETL's DuckDB and the API's readers together) over the run and the background
 *      prewarm after it, started over before each run where the kernel allows (/proc/PID/clear_refs);
 *   3. p50/p95 of every /api/v1/stats endpoint over 30 filter sets (sequential, after a warm-up);
 *   4. the same aggregates computed live on PostgreSQL (plain SQL, same filters) and the ratio
 *      PostgreSQL p50 / API p50 on the same filter sets;
 *   5. freshness and idle cost of the schedule: the server restarted with ETL_CRON every 5 s,
 *      15 s, 60 s (and off); CPU of the server and its PostgreSQL backends over an idle minute,
 *      then one complaint through POST /api/v1/complaints and the time until stats/summary counts it.
 *
 *   npm run bench -- analytics [--complaints 10000000] [--database NAME] [--regenerate] [--rounds 2]
 *                              [--pg-requests 10] [--pg-budget 60] [--idle-seconds 60] [--periods 5,15,60]
 *                              [--only summary,trend] [--no-pg] [--no-schedule] [--no-startup-build]
 *                              [--change recent|random] [--keep-extract] [--no-floor] [--code DIR]
 *
 * --code DIR runs the server of another checkout's build (DIR/dist/api/src/main.js, built there
 * with `npx tsc -p tsconfig.build.json`; its bin/odr.js migrates), on a DuckDB store of its own
 * (bench/out/analytics/<DIR's name>/); default: this repository. To compare two builds in one run,
 * see bench/analytics-compare.ts.
 *
 * Goals: full ETL ≤ 30 s (issue 3) and ≤ 1.3 × its floor (issue 21); the server's peak RSS ≤ 2 GiB
 * in each ETL run (issue 21); incremental with 1 % changed ≤ 2 s; p95 ≤ 50 ms per endpoint;
 * PostgreSQL p50 / API p50 ≥ 50; a new complaint in stats/summary within one schedule period.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DATASET_END, type DatasetMarker, ensureAnalyticsDataset } from './analytics-data.js';
import { type Floor, measureFloor } from './analytics-flat.js';
import {
  ENDPOINTS,
  type Endpoint,
  type EtlRunsAnswer,
  type FilterSet,
  type Row,
  type SummaryAnswer,
  analyticsTarget,
  changeOnePercent,
  datasetName,
  duckdbBytes,
  filterSets,
  gitCommit,
  lastRunId,
  postRun,
  request,
  round,
  runMs,
  timeGet,
  waitIdle,
  waitStartupRun,
  watchRun,
} from './analytics-common.js';
import {
  type BenchServer,
  type MachineInfo,
  OUT_DIR,
  type PeakWatch,
  ROOT,
  type Summary,
  api,
  cpuMs,
  dbUrl,
  fmt,
  machineInfo,
  mib,
  num,
  parseArgs,
  str,
  percentile,
  rssBytes,
  sleep,
  startSampler,
  summarize,
  table,
  watchPeak,
  whereSql,
  writeResult,
} from './lib.js';

const GOALS = { fullS: 30, fullOverFloor: 1.3, peakRssMiB: 2048, incrementalS: 2, p95Ms: 50, ratio: 50, idleCpuPct: 5 };

const args = parseArgs(process.argv.slice(2));
if (args.help) {
  console.log(
    'usage: npm run bench -- analytics [--complaints N] [--database NAME] [--regenerate] [--rounds 2] [--pg-requests 10] [--pg-budget 60] [--idle-seconds 60] [--periods 5,15,60] [--only a,b] [--no-pg] [--no-schedule] [--no-startup-build] [--change recent|random] [--keep-extract] [--no-floor] [--code DIR]',
  );
  process.exit(0);
}
const complaints = num(args.complaints, 10_000_000);
const database = datasetName(complaints, args.database);
const rounds = num(args.rounds, 2);
const pgRequests = num(args.pgRequests, 10);
const pgBudgetMs = num(args.pgBudget, 60) * 1000;
const idleMs = num(args.idleSeconds, 60) * 1000;
const periods = str(args.periods, '5,15,60')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const changeHow = args.change === 'random' ? 'random' : 'recent';
const only = typeof args.only === 'string' ? new Set(args.only.split(',')) : null;
const code = path.resolve(typeof args.code === 'string' ? args.code : ROOT);
// Another checkout's build gets a store of its own (its DuckDB schema may differ).
const WORK = code === ROOT ? path.join(OUT_DIR, 'analytics') : path.join(OUT_DIR, 'analytics', path.basename(code));
const DATA_DIR = path.join(WORK, `data-${complaints}`);
const DUCKDB_PATH = path.join(WORK, `analytics-${complaints}.duckdb`);
const log = (...a: unknown[]): void => console.log(...a);
const s1 = (ms: number): string => fmt(ms / 1000, 1);

let pgClient: pg.Client | null = null;
async function pgq<R extends Row = Row>(text: string, params?: unknown[]): Promise<pg.QueryResult<R>> {
  if (!pgClient) {
    pgClient = new pg.Client({ connectionString: dbUrl(database), application_name: 'odr-bench-analytics' });
    await pgClient.connect();
  }
  return pgClient.query<R>(text, params);
}

// ───────────────────────────── the result ─────────────────────────────

interface EtlFigures {
  ms: number;
  runMs: number;
  rowsRead: number | null;
  extractMs: number | null;
  publishMs: number | null;
  /** The server's VmHWM over the run and its prewarm (since its start where it could not be reset: vmHwm.reset). */
  serverVmHwmMiB?: number;
}
interface StartupBuild extends EtlFigures {
  wallMs: number;
  copySeenFromMs: number | null;
  csvLastGrewMs: number | null;
  csvMiB: number;
  prewarmMs: number | null;
}
interface FullRun extends EtlFigures {
  complaints: number | null;
  copySeenFromMs: number | null;
  csvLastGrewMs: number | null;
  csvMiB: number;
  duckdbMiB: number;
  serverCpuMs: number;
  pgBackendCpuMs: number;
  /** VmRSS sampled every 200 ms during the run (not its prewarm); serverVmHwmMiB is the kernel's peak. */
  serverPeakRssMiB: number;
  prewarmMs: number | null;
}
interface NoopRun extends EtlFigures {
  prewarmMs: number | null;
}
interface IncrementalRun extends EtlFigures {
  changed: number;
  changeHow: 'recent' | 'random';
  milestones: number;
  changeMs: number;
  kind: string;
  prewarmMs?: number;
}
interface PgFigures {
  pg: Summary & { sets: string[] };
  apiSameSetsP50: number;
  ratioP50: number;
  pgSamples: { set: string; ms: number }[];
}
/** An endpoint's figures; the PostgreSQL ones unless --no-pg. */
type EndpointEntry = { name: string; api: Summary; apiCached: Summary } & (PgFigures | { pg?: undefined });
interface ScheduleCase {
  period: string;
  periodS: number;
  windowMs: number;
  serverCpuPct: number;
  pgBackendCpuPct: number;
  machineCpuPct: number;
  serverRssMiB: number;
  runs: number;
  runMsP50: number;
  runMsMax: number | null;
  cpuMsPerRun: number | null;
  freshnessMs?: number | null;
}
interface AnalyticsResult {
  bench: 'analytics';
  at: string;
  complaints: number;
  database: string;
  datasetEnd: string;
  dataset: DatasetMarker;
  machine: MachineInfo;
  rounds: number;
  pgRequests: number;
  goals: typeof GOALS;
  commit: string;
  code: string;
  /** The floor of a full ETL, and the full runs' wall time over it. */
  floor?: Floor & { benchRssAfterMiB: number; fullOverFloor?: number; startupOverFloor?: number };
  /** How the server's VmHWM was read: started over before each ETL run (else since its start), and over its life. */
  vmHwm?: { reset: boolean; lifetimeMiB: number };
  startupBuild?: StartupBuild;
  full?: FullRun;
  incrementalNoChange?: NoopRun;
  incremental?: IncrementalRun;
  filterSets?: { name: string; query: Record<string, string> }[];
  endpoints?: EndpointEntry[];
  roundsEtl?: { ms: number; runMs: number; prewarmMs: number | null }[];
  summaryMismatches?: string[];
  serverCpuMsFirstServer?: number;
  schedule?: ScheduleCase[];
  loadavg?: { start: number[]; end: number[] };
  recommendedPeriodS?: number | null;
  extrapolatedPeriodS?: number | null;
  missed?: string[];
}
/** The result once every phase up to the endpoints has run (what the report reads). */
type CompleteResult = AnalyticsResult &
  Required<Pick<AnalyticsResult, 'full' | 'incrementalNoChange' | 'incremental' | 'endpoints' | 'filterSets' | 'loadavg'>>;

function complete(r: AnalyticsResult): CompleteResult {
  const { full, incrementalNoChange, incremental, endpoints, filterSets, loadavg } = r;
  if (!full || !incrementalNoChange || !incremental || !endpoints || !filterSets || !loadavg) throw new Error('the result is incomplete');
  return { ...r, full, incrementalNoChange, incremental, endpoints, filterSets, loadavg };
}

// ───────────────────────────── the server ─────────────────────────────

const target = analyticsTarget({ code, database, dataDir: DATA_DIR, duckdbPath: DUCKDB_PATH });
const start = (env: Record<string, string> = {}, label = 'analytics-server'): Promise<BenchServer> => target.start(env, label);

// ───────────────────────────── latency ─────────────────────────────

/**
 * The API answers from a per-snapshot cache once a question has been asked (and computes the
 * unfiltered views ahead after each publication that changed a figure), so every round starts on
 * a new snapshot (one complaint written, then an incremental run) and times each filter set's first request ("cold": what a
 * new question costs), then, in the first round, the same requests again ("cached").
 * Before that, a warm-up pass (10 filter sets per endpoint) on an earlier snapshot.
 */
interface ApiTimes {
  cold: number[];
  cached: number[];
  coldBySet: number[][];
  answers: unknown[];
}

async function runApiAll(
  server: BenchServer,
  eps: readonly Endpoint[],
  sets: readonly FilterSet[],
): Promise<{ res: Map<string, ApiTimes>; etl: NonNullable<AnalyticsResult['roundsEtl']> }> {
  const res = new Map(eps.map((e): [string, ApiTimes] => [e.name, { cold: [], cached: [], coldBySet: sets.map(() => []), answers: [] }]));
  for (const ep of eps) for (const s of sets.slice(0, 10)) await request(server, ep, s);
  const etl: NonNullable<AnalyticsResult['roundsEtl']> = [];
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
      const x = res.get(ep.name)!;
      for (const s of sets) {
        const a = await request(server, ep, s);
        x.cold.push(a.ms);
        x.coldBySet[s.index]!.push(a.ms);
        x.answers[s.index] = a.body;
      }
    }
    if (r === 0) {
      for (const ep of eps) for (const s of sets) res.get(ep.name)!.cached.push((await request(server, ep, s)).ms);
    }
    log(
      `  round ${r + 1}: new snapshot (incremental run of 1 changed complaint: ${fmt(wall)} ms, background prewarm ≈ ${s1(idle ?? NaN)} s), ${eps.length} × ${sets.length} cold requests${r === 0 ? ' + the same again cached' : ''}`,
    );
  }
  return { res, etl };
}

/** The PostgreSQL equivalent over `pgRequests` of the filter sets (evenly spread), within a time budget. */
async function runPg(ep: Endpoint, sets: readonly FilterSet[]): Promise<{ index: number; ms: number; rows: Row[] | null }[]> {
  const step = Math.max(1, Math.floor(sets.length / pgRequests));
  const picked = sets.filter((_, i) => i % step === 0).slice(0, pgRequests);
  const out: { index: number; ms: number; rows: Row[] | null }[] = [];
  const t0 = performance.now();
  for (const s of picked) {
    if (out.length >= 3 && performance.now() - t0 > pgBudgetMs) break;
    const w = whereSql(s.where);
    const t1 = performance.now();
    let first: Row[] | null = null;
    for (const [text, params] of ep.pg(w, s.index)) {
      const r = await pgq(text, params);
      first ??= r.rows;
    }
    out.push({ index: s.index, ms: performance.now() - t1, rows: first });
  }
  return out;
}

// ───────────────────────────── freshness and idle cost ─────────────────────────────

const cronOf = (s: number): string => (s >= 60 ? `0 */${s / 60} * * * *` : `*/${s} * * * * *`);

/** CPU of every process on the machine (from /proc/stat), in ms. */
function machineCpuMs(): number {
  const line = (safeRead('/proc/stat').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = NaN, nice = NaN, system = NaN, , , irq = NaN, softirq = NaN, steal] = line;
  return ((user + nice + system + irq + softirq + (steal ?? 0)) * 1000) / 100;
}
function safeRead(f: string): string {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}

let idleBaseCpuPct = 0;
async function scheduleCase(periodS: number, traderCountry: string): Promise<ScheduleCase> {
  const label = periodS ? `every ${periodS} s` : 'off';
  const server = await start({ ETL_CRON: periodS ? cronOf(periodS) : 'off' }, `analytics-cron-${periodS || 'off'}`);
  try {
    const since = Date.now();
    if (periodS) {
      // The first scheduled run: from then on the schedule is in its steady state.
      for (;;) {
        const body = (await api(server, 'GET', '/api/v1/etl/runs')).body as Partial<EtlRunsAnswer> | null;
        if (body?.items?.some((x) => x.trigger === 'schedule' && Date.parse(x.startedAt) >= since - 1000 && x.status !== 'running')) break;
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
    const runs = ((await api(server, 'GET', '/api/v1/etl/runs')).body as EtlRunsAnswer).items.filter(
      (x) => Date.parse(x.startedAt) >= windowStart && x.trigger === 'schedule',
    );
    const durations = runs
      .filter((x) => x.finishedAt)
      .map(runMs)
      .sort((a, b) => a - b);
    const out: ScheduleCase = {
      period: label,
      periodS,
      windowMs: Math.round(wall),
      serverCpuPct: (s.serverCpuMs / wall) * 100,
      pgBackendCpuPct: (s.pgBackendCpuMs / wall) * 100,
      machineCpuPct: (machine / wall) * 100,
      serverRssMiB: Math.round(mib(rssBytes(server.pid) ?? 0)),
      runs: runs.length,
      runMsP50: percentile(durations, 50),
      runMsMax: durations.at(-1) ?? null,
      // CPU (server + its backends) per scheduled run, above the idle server: what one tick costs.
      cpuMsPerRun: runs.length ? Math.round((s.serverCpuMs + s.pgBackendCpuMs - (idleBaseCpuPct * wall) / 100) / runs.length) : null,
    };
    if (!periodS) idleBaseCpuPct = out.serverCpuPct + out.pgBackendCpuPct;
    if (periodS) {
      // Freshness: one new complaint, then stats/summary until it is counted.
      const summary = async () => ((await timeGet(server, '/api/v1/stats/summary', {})).body as SummaryAnswer).asOf.complaints ?? 0;
      const before = await summary();
      const now = new Date();
      const complaint = {
        externalRef: `FRESH-${now.getTime()}-${periodS}`,
        source: 'bench-freshness',
        filedAt: now.toISOString(),
        complainant: 'consumer',
        consumer: { country: 'IT' },
        trader: { id: 'TR000001', country: traderCountry },
        sector: 'airlines',
        problem: 'delivery',
        events: [{ type: 'sent_to_trader', at: now.toISOString() }],
      };
      const t1 = performance.now();
      const p = await api(server, 'POST', '/api/v1/complaints', complaint);
      if (p.status !== 201) throw new Error(`POST /api/v1/complaints → ${p.status} ${JSON.stringify(p.body).slice(0, 500)}`);
      let seenMs: number | null = null;
      while (performance.now() - t1 < periodS * 1000 * 3 + 30_000) {
        if ((await summary()) > before) {
          seenMs = performance.now() - t1;
          break;
        }
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
  const ds = await ensureAnalyticsDataset({ complaints, database, regenerate: !!args.regenerate, log, code });
  const stored = (
    await pgq<{ n: number; bytes: string; heap: string }>(
      "SELECT count(*)::int AS n, pg_total_relation_size('complaints') AS bytes, pg_relation_size('complaints') AS heap FROM complaints",
    )
  ).rows[0]!;
  log(
    `database ${database}: ${fmt(stored.n)} complaints, table ${fmt(mib(Number(stored.heap)) / 1024, 1)} GiB + indexes = ${fmt(mib(Number(stored.bytes)) / 1024, 1)} GiB`,
  );
  const result: AnalyticsResult = {
    bench: 'analytics',
    at: new Date().toISOString(),
    complaints: stored.n,
    database,
    datasetEnd: DATASET_END,
    dataset: ds.marker,
    machine,
    rounds,
    pgRequests,
    goals: GOALS,
    commit: gitCommit(code),
    code,
  };
  log(`code: ${result.commit}${code === ROOT ? '' : ` (${code})`}`);
  mkdirSync(WORK, { recursive: true });
  const extractCopy = args.keepExtract ? path.join(WORK, `extract-${complaints}.csv`) : null;

  // ── 0. the floor, before any server runs (the machine to itself) ──
  if (!args.noFloor) {
    log(
      'floor: COPY of the extract’s columns out of PostgreSQL + one read_csv into a flat DuckDB table (DuckDB defaults, in this process) …',
    );
    const floor = await measureFloor({ database, dir: path.join(WORK, `floor-${complaints}`) });
    // What DuckDB keeps in this process after closing is memory the server will not have.
    result.floor = { ...floor, benchRssAfterMiB: Math.round(mib(process.memoryUsage().rss)) };
    log(
      `  ${s1(floor.ms)} s (COPY ${s1(floor.extractMs)} s, CSV ${fmt(mib(floor.csvBytes))} MiB + read_csv ${s1(floor.loadMs)} s; ${fmt(floor.rows)} rows); this process's RSS after it ${fmt(result.floor.benchRssAfterMiB)} MiB`,
    );
  }

  // ── 1. full ETL ──
  for (const f of [DUCKDB_PATH, `${DUCKDB_PATH}.wal`]) rmSync(f, { force: true });
  rmSync(DATA_DIR, { recursive: true, force: true });
  let server: BenchServer | undefined;
  let server0Cpu = 0;
  let peak: PeakWatch | undefined;
  let peakReset = true;
  /** VmHWM started over before a run; false once the kernel refused (later figures: since the start). */
  const resetPeak = (): void => {
    peakReset = (peak?.reset() ?? false) && peakReset;
  };
  const peakMiB = (): number => Math.round(mib(peak?.peak() ?? NaN));
  try {
    if (!args.noStartupBuild) {
      log('ETL: start-up build into a new DuckDB file …');
      const t0 = performance.now();
      const before = await lastRunId(pgq);
      const startup = await watchRun(
        target,
        async () => {
          const started = await start();
          peak = watchPeak(started.pid);
          server0Cpu = cpuMs(started.pid) ?? 0;
          const up = performance.now();
          const r = await waitStartupRun(started, before);
          return { ...r, server: started, fromUpMs: performance.now() - up };
        },
        { keepAs: extractCopy },
      );
      server = startup.server;
      const prewarmMs = await waitIdle(server);
      const startupBuild: StartupBuild = {
        ms: Math.round(startup.fromUpMs),
        runMs: runMs(startup.run),
        wallMs: Math.round(performance.now() - t0),
        extractMs: startup.extractMs,
        copySeenFromMs: startup.copySeenFromMs,
        csvLastGrewMs: startup.csvGrewMs,
        publishMs: startup.extractEndMs === null ? null : Math.round(startup.ms - startup.extractEndMs),
        csvMiB: Math.round(mib(startup.csvBytes)),
        rowsRead: startup.run.rowsRead,
        prewarmMs,
        serverVmHwmMiB: peakMiB(),
      };
      result.startupBuild = startupBuild;
      log(
        `  ${s1(startupBuild.ms)} s from the server's start to the run's end (extract ≈ ${s1(startup.extractMs ?? NaN)} s, CSV ${fmt(mib(startup.csvBytes))} MiB; the run record says ${s1(startupBuild.runMs)} s); server VmHWM ${fmt(startupBuild.serverVmHwmMiB ?? NaN)} MiB`,
      );
    } else {
      server = await start();
      peak = watchPeak(server.pid);
    }
    const srv = server;
    log('ETL: POST /api/v1/etl/runs?full=true&wait=true …');
    resetPeak();
    const sampler = startSampler({ pid: srv.pid, databaseName: database, everyMs: 200 });
    const full = await watchRun(target, () => postRun(srv, { full: true }), { keepAs: args.noStartupBuild ? extractCopy : null });
    const fs1 = await sampler.stop();
    const fullPrewarmMs = await waitIdle(srv);
    const duckBytes = duckdbBytes(target);
    const fullRun: FullRun = {
      ms: Math.round(full.ms),
      runMs: runMs(full.run),
      rowsRead: full.run.rowsRead,
      complaints: full.run.complaints,
      extractMs: full.extractMs === null ? null : Math.round(full.extractMs),
      publishMs: full.extractEndMs === null ? null : Math.round(full.ms - full.extractEndMs),
      copySeenFromMs: full.copySeenFromMs,
      csvLastGrewMs: full.csvGrewMs,
      csvMiB: Math.round(mib(full.csvBytes)),
      duckdbMiB: Math.round(mib(duckBytes)),
      serverCpuMs: fs1.serverCpuMs,
      pgBackendCpuMs: fs1.pgBackendCpuMs,
      serverPeakRssMiB: Math.round(mib(fs1.peakRssBytes)),
      prewarmMs: fullPrewarmMs === null ? null : Math.round(fullPrewarmMs),
      serverVmHwmMiB: peakMiB(),
    };
    result.full = fullRun;
    if (result.floor) {
      result.floor.fullOverFloor = fullRun.ms / result.floor.ms;
      if (result.startupBuild) result.floor.startupOverFloor = result.startupBuild.ms / result.floor.ms;
    }
    log(
      `  ${s1(full.ms)} s${result.floor ? ` (${fmt(result.floor.fullOverFloor ?? NaN, 2)} × the floor)` : ''}: extract (COPY on PostgreSQL) ≈ ${s1(full.extractMs ?? NaN)} s, publish (DuckDB) ≈ ${s1(fullRun.publishMs ?? NaN)} s; ${fmt(full.run.rowsRead ?? NaN)} rows, CSV ${fmt(fullRun.csvMiB)} MiB, DuckDB file ${fmt(fullRun.duckdbMiB)} MiB, server VmHWM ${fmt(fullRun.serverVmHwmMiB ?? NaN)} MiB${peakReset ? '' : ' (since its start: VmHWM could not be reset)'} (RSS sampled in the run: ${fmt(fullRun.serverPeakRssMiB)} MiB); then the background prewarm ≈ ${s1(fullPrewarmMs ?? NaN)} s`,
    );

    // ── 2. incremental ETL ──
    resetPeak();
    const noop = await watchRun(target, () => postRun(srv, { full: false }));
    const noopPrewarmMs = await waitIdle(srv);
    result.incrementalNoChange = {
      ms: Math.round(noop.ms),
      runMs: runMs(noop.run),
      rowsRead: noop.run.rowsRead,
      extractMs: noop.extractMs,
      publishMs: noop.extractEndMs === null ? null : Math.round(noop.ms - noop.extractEndMs),
      prewarmMs: noopPrewarmMs === null ? null : Math.round(noopPrewarmMs),
      serverVmHwmMiB: peakMiB(),
    };
    log(
      `ETL incremental, nothing changed: ${fmt(noop.ms)} ms (${noop.run.rowsRead} rows read); then the server's background prewarm ≈ ${s1(noopPrewarmMs ?? NaN)} s; server VmHWM ${fmt(result.incrementalNoChange.serverVmHwmMiB ?? NaN)} MiB`,
    );
    const nChange = Math.round(stored.n / 100);
    const change = await changeOnePercent(pgq, nChange, changeHow);
    log(
      `changed ${fmt(change.rows)} complaints (1 %, ${changeHow}: ${fmt(change.rows - change.erasures)} new milestones, ${fmt(change.erasures)} erasures or re-writes) on PostgreSQL in ${s1(change.ms)} s`,
    );
    resetPeak();
    const inc = await watchRun(target, () => postRun(srv, { full: false }));
    const incremental: IncrementalRun = {
      changed: change.rows,
      changeHow,
      milestones: change.rows - change.erasures,
      changeMs: Math.round(change.ms),
      ms: Math.round(inc.ms),
      runMs: runMs(inc.run),
      kind: inc.run.kind,
      rowsRead: inc.run.rowsRead,
      extractMs: inc.extractMs === null ? null : Math.round(inc.extractMs),
      publishMs: inc.extractEndMs === null ? null : Math.round(inc.ms - inc.extractEndMs),
    };
    result.incremental = incremental;
    if (inc.run.kind !== 'incremental') throw new Error(`expected an incremental run, got ${inc.run.kind}`);
    incremental.prewarmMs = Math.round((await waitIdle(srv)) ?? NaN);
    incremental.serverVmHwmMiB = peakMiB();
    log(
      `ETL incremental, 1 % changed: ${s1(inc.ms)} s (${fmt(inc.run.rowsRead ?? NaN)} rows read; extract ≈ ${s1(inc.extractMs ?? NaN)} s); server VmHWM ${fmt(incremental.serverVmHwmMiB)} MiB`,
    );

    // ── 3 + 4. endpoints, API and PostgreSQL ──
    const sets = await filterSets(pgq);
    result.filterSets = sets.map((s) => ({ name: s.name, query: s.query }));
    const eps = only ? ENDPOINTS.filter((e) => only.has(e.name)) : ENDPOINTS;
    log(
      `\nendpoints: ${eps.length} × ${sets.length} filter sets × ${rounds} rounds on a new snapshot each (after a warm-up of 10), sequential; PostgreSQL: ${pgRequests} of the filter sets (≤ ${pgBudgetMs / 1000} s each endpoint)`,
    );
    await pgq('ANALYZE complaints');
    const endpoints: EndpointEntry[] = [];
    result.endpoints = endpoints;
    const mismatches: string[] = [];
    const { res, etl } = await runApiAll(srv, eps, sets);
    result.roundsEtl = etl;
    const setName = (i: number): string => sets[i]!.name;
    for (const ep of eps) {
      const a = res.get(ep.name)!;
      const sa = summarize(a.cold);
      const sc = summarize(a.cached);
      let entry: EndpointEntry = { name: ep.name, api: round(sa), apiCached: round(sc) };
      if (!args.noPg) {
        const p = await runPg(ep, sets);
        const sp = summarize(p.map((x) => x.ms));
        const apiSame = summarize(p.flatMap((x) => a.coldBySet[x.index] ?? []));
        entry = {
          ...entry,
          pg: { ...round(sp), sets: p.map((x) => setName(x.index)) },
          apiSameSetsP50: round(apiSame).p50,
          ratioP50: sp.p50 / apiSame.p50,
          pgSamples: p.map((x) => ({ set: setName(x.index), ms: Math.round(x.ms) })),
        };
        // The summary's counts must agree with PostgreSQL (overdue moves with the clock: not compared).
        if (ep.name === 'summary') {
          for (const x of p) {
            const got = a.answers[x.index] as SummaryAnswer;
            const want = x.rows?.[0] as { complaints: number; closed: number; adr_agreed: number };
            if (got.complaints !== want.complaints || got.closed !== want.closed || got.adrAgreed !== want.adr_agreed) {
              mismatches.push(
                `${setName(x.index)}: API ${got.complaints}/${got.closed}/${got.adrAgreed}, PostgreSQL ${want.complaints}/${want.closed}/${want.adr_agreed}`,
              );
            }
          }
        }
      }
      endpoints.push(entry);
      log(
        `  ${ep.name}: cold p50 ${fmt(sa.p50, 1)} ms, p95 ${fmt(sa.p95, 1)} ms; cached p50 ${fmt(sc.p50, 1)} ms${entry.pg ? `; PostgreSQL p50 ${fmt(entry.pg.p50)} ms over ${entry.pg.n} → ${fmt(entry.ratioP50, 0)}×` : ''}`,
      );
    }
    result.summaryMismatches = mismatches;
    if (mismatches.length) log(`WARNING: summary differs from PostgreSQL: ${mismatches.join('; ')}`);
    result.serverCpuMsFirstServer = Math.round((cpuMs(srv.pid) ?? 0) - server0Cpu);
  } finally {
    if (peak) {
      result.vmHwm = { reset: peakReset, lifetimeMiB: Math.round(mib(peak.lifetime())) };
      peak.stop();
    }
    await server?.stop().catch(() => {});
  }

  // ── 5. schedule: idle cost and freshness ──
  if (!args.noSchedule) {
    const tc = (await pgq<{ country: string }>(`SELECT country FROM traders WHERE id = 'TR000001'`)).rows[0]!.country;
    log(
      `\nschedule: idle CPU over ${idleMs / 1000} s (server + its PostgreSQL backends), then a new complaint until stats/summary counts it`,
    );
    const schedule: ScheduleCase[] = [];
    result.schedule = schedule;
    for (const p of [0, ...periods]) {
      const c = await scheduleCase(p, tc);
      schedule.push(c);
      log(
        `  ETL_CRON ${c.period}: server ${fmt(c.serverCpuPct, 1)} % + PostgreSQL ${fmt(c.pgBackendCpuPct, 1)} % of one core (machine ${fmt(c.machineCpuPct, 1)} %), ${c.runs} runs (p50 ${fmt(c.runMsP50)} ms)${c.freshnessMs !== undefined ? `, new complaint visible after ${s1(c.freshnessMs ?? NaN)} s` : ''}`,
      );
    }
  }
  await pgClient?.end().catch(() => {});
  result.loadavg = { start: load0, end: os.loadavg() };
  report(complete(result));
}

function report(r: CompleteResult): void {
  const ok = (b: boolean): string => (b ? 'ok' : 'MISS');
  log('');
  log(
    `analytics benchmark — ${fmt(r.complaints)} complaints — ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}; load average ${r.loadavg.start.map((x) => x.toFixed(1)).join(' ')}`,
  );
  const floor = r.floor;
  // Per ETL run: ÷ floor (the full runs), the server's VmHWM against the whole server's budget.
  const overFloor = (ms: number, goal: boolean): [string, string] =>
    floor ? [`${fmt(ms / floor.ms, 2)}×`, goal ? ok(ms / floor.ms <= GOALS.fullOverFloor) : ''] : ['', ''];
  const vmHwm = (f: { serverVmHwmMiB?: number }): [string, string] =>
    f.serverVmHwmMiB === undefined ? ['', ''] : [fmt(f.serverVmHwmMiB), ok(f.serverVmHwmMiB <= GOALS.peakRssMiB)];
  const etl: string[][] = [];
  if (floor)
    etl.push([
      'floor: COPY + read_csv (flat table, DuckDB defaults)',
      s1(floor.ms),
      s1(floor.extractMs),
      s1(floor.loadMs),
      fmt(floor.rows),
      '',
      '',
      '',
      '',
      '',
      '',
      '',
    ]);
  if (r.startupBuild)
    etl.push([
      'full, start-up build (new DuckDB file)',
      s1(r.startupBuild.ms),
      r.startupBuild.extractMs ? s1(r.startupBuild.extractMs) : '?',
      r.startupBuild.publishMs ? s1(r.startupBuild.publishMs) : '?',
      fmt(r.startupBuild.rowsRead ?? NaN),
      '',
      '',
      ...overFloor(r.startupBuild.ms, false),
      ...vmHwm(r.startupBuild),
      s1(r.startupBuild.runMs),
    ]);
  etl.push([
    'full, POST full=true (rebuild)',
    s1(r.full.ms),
    // (a COPY never seen reads 0.0 here)
    s1(r.full.extractMs ?? 0),
    s1(r.full.publishMs ?? 0),
    fmt(r.full.rowsRead ?? NaN),
    `≤ ${GOALS.fullS} s`,
    ok(r.full.ms <= GOALS.fullS * 1000),
    ...overFloor(r.full.ms, true),
    ...vmHwm(r.full),
    s1(r.full.runMs),
  ]);
  etl.push([
    'incremental, nothing changed',
    s1(r.incrementalNoChange.ms),
    r.incrementalNoChange.extractMs ? s1(r.incrementalNoChange.extractMs) : '?',
    r.incrementalNoChange.publishMs ? s1(r.incrementalNoChange.publishMs) : '',
    fmt(r.incrementalNoChange.rowsRead ?? NaN),
    '',
    '',
    '',
    '',
    ...vmHwm(r.incrementalNoChange),
    s1(r.incrementalNoChange.runMs),
  ]);
  etl.push([
    'incremental, 1 % changed',
    s1(r.incremental.ms),
    s1(r.incremental.extractMs ?? 0),
    s1(r.incremental.publishMs ?? 0),
    fmt(r.incremental.rowsRead ?? NaN),
    `≤ ${GOALS.incrementalS} s`,
    ok(r.incremental.ms <= GOALS.incrementalS * 1000),
    '',
    '',
    ...vmHwm(r.incremental),
    s1(r.incremental.runMs),
  ]);
  log(
    table(
      [
        'ETL run',
        'wall s',
        'extract s',
        'publish s',
        'rows read',
        'goal',
        '',
        '÷ floor',
        `≤ ${GOALS.fullOverFloor}×`,
        'VmHWM MiB',
        `≤ ${fmt(GOALS.peakRssMiB / 1024)} GiB`,
        'record s',
      ],
      etl,
    ),
  );
  log(
    `(wall = POST to answer (start-up: server listening to the run's end); extract = how long the COPY was seen active on PostgreSQL, polled every 50 ms; publish = from its end to the answer: DuckDB load, transform, commit, run record; record = etl_runs finished_at − started_at, where finished_at is the snapshot's instant, taken before the transforms and the commit; CSV ${fmt(r.full.csvMiB)} MiB, DuckDB file ${fmt(r.full.duckdbMiB)} MiB)`,
  );
  log(
    `(${floor ? `floor = the extract's columns COPYed out of PostgreSQL (extract s) + one read_csv into a flat DuckDB table (publish s), DuckDB unlimited, in the bench's process before the server started; ÷ floor = wall ÷ the floor's; ` : 'floor: not measured (--no-floor); '}VmHWM = the server's peak RSS (the whole process: the ETL's DuckDB and the API's readers) over the run and its background prewarm, ${r.vmHwm?.reset === false ? 'since the server started (VmHWM could not be reset: /proc/PID/clear_refs refused)' : 'started over before each run'}; over the server's life ${fmt(r.vmHwm?.lifetimeMiB ?? NaN)} MiB)`,
  );
  log('');
  const rows = r.endpoints.map((e) => [
    e.name,
    fmt(e.api.p50, 1),
    fmt(e.api.p95, 1),
    fmt(e.api.max, 1),
    ok(e.api.p95 <= GOALS.p95Ms),
    fmt(e.apiCached.p50, 1),
    fmt(e.apiCached.p95, 1),
    e.pg ? fmt(e.pg.p50) : '',
    e.pg ? String(e.pg.n) : '',
    e.pg ? fmt(e.apiSameSetsP50, 1) : '',
    e.pg ? `${fmt(e.ratioP50, 0)}×` : '',
    e.pg ? ok(e.ratioP50 >= GOALS.ratio) : '',
  ]);
  log(
    table(
      [
        'endpoint',
        'cold p50',
        'p95',
        'max',
        `p95≤${GOALS.p95Ms}`,
        'cached p50',
        'p95',
        'PG p50',
        'PG n',
        'API p50 same',
        'ratio',
        `≥${GOALS.ratio}×`,
      ],
      rows,
    ),
  );
  log(
    `(ms; cold = a filter set's first request on a snapshot, ${r.endpoints[0]?.api.n ?? 0} per endpoint over ${r.filterSets?.length ?? 0} filter sets × ${r.rounds} snapshots (the unfiltered view is prewarmed by the server); cached = the same again; PG = the same aggregates as plain SQL on PostgreSQL, on ${r.pgRequests} of the sets; ratio = PG p50 / API cold p50 on those same sets)`,
  );
  if (r.schedule) {
    log('');
    log(
      table(
        [
          'ETL_CRON',
          'server %CPU',
          'PG %CPU',
          'machine %CPU',
          'runs',
          'record p50 ms',
          'CPU s/run',
          'new complaint visible',
          'within period',
        ],
        r.schedule.map((c) => [
          c.period,
          fmt(c.serverCpuPct, 2),
          fmt(c.pgBackendCpuPct, 2),
          fmt(c.machineCpuPct, 1),
          String(c.runs),
          c.runs ? fmt(c.runMsP50) : '',
          c.cpuMsPerRun === null ? '' : fmt(c.cpuMsPerRun / 1000, 1),
          c.freshnessMs === undefined ? '' : `${s1(c.freshnessMs ?? NaN)} s`,
          c.freshnessMs === undefined ? '' : ok(c.freshnessMs !== null && c.freshnessMs <= c.periodS * 1000),
        ]),
      ),
    );
    const idle = r.schedule
      .filter((c) => c.periodS && c.serverCpuPct + c.pgBackendCpuPct < GOALS.idleCpuPct)
      .sort((a, b) => a.periodS - b.periodS)[0];
    r.recommendedPeriodS = idle?.periodS ?? null;
    // Beyond the periods tried: the CPU one run costs, spread over the period, under the goal.
    const perRun = r.schedule.flatMap((c) => (c.cpuMsPerRun ? [c.cpuMsPerRun] : [])).sort((a, b) => a - b);
    r.extrapolatedPeriodS = perRun.length ? Math.ceil(percentile(perRun, 50) / 1000 / (GOALS.idleCpuPct / 100)) : null;
    log(
      `(% of one core over ${idleMs / 1000} s idle; machine = every process; recommended: the shortest period with server + PostgreSQL < ${GOALS.idleCpuPct} % of one core → ${idle ? `every ${idle.periodS} s` : `none of those tried; at the median CPU per run, every ${r.extrapolatedPeriodS ?? '?'} s or longer`})`,
    );
  }
  const missed = [];
  if (r.full.ms > GOALS.fullS * 1000) missed.push(`full ETL ${s1(r.full.ms)} s > ${GOALS.fullS} s`);
  if (floor && r.full.ms > GOALS.fullOverFloor * floor.ms)
    missed.push(`full ETL ${fmt(r.full.ms / floor.ms, 2)}× its floor > ${GOALS.fullOverFloor}×`);
  for (const [name, f] of [
    ['start-up build', r.startupBuild],
    ['full ETL', r.full],
    ['incremental, nothing changed', r.incrementalNoChange],
    ['incremental 1 %', r.incremental],
  ] as const)
    if (f?.serverVmHwmMiB !== undefined && f.serverVmHwmMiB > GOALS.peakRssMiB)
      missed.push(`${name}: server VmHWM ${fmt(f.serverVmHwmMiB)} MiB > ${fmt(GOALS.peakRssMiB)} MiB`);
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

main().catch(async (err: unknown) => {
  console.error(`analytics bench failed: ${err instanceof Error ? (err.stack ?? err) : err}`);
  await pgClient?.end().catch(() => {});
  process.exit(1);
});
