/**
 * Memory drill (issue 21): the server under a hard memory limit, as in a container (a memory
 * cgroup of its own: cgroup v2 `memory.max`, or v1 `memory.limit_in_bytes` where only v1 has the
 * memory controller; bench/cgroup.ts), runs a full ETL on the analytics bench's dataset. For each
 * point it reports the wall time, the server's peak RSS (VmHWM, /proc/PID/status), the disk its
 * DuckDB spilled to, the cgroup's peak and limit hits, and whether the server was killed (OOM).
 *
 * A point: a server on an empty DuckDB store (so it builds one at start-up: the first full ETL,
 * into an empty file), then, once its background prewarm is done, `POST
 * /api/v1/etl/runs?full=true&wait=true` (the second: a rebuild over the store, what the analytics
 * bench reports as "full") and its prewarm again; VmHWM and the cgroup's peak are started over
 * between the two where the kernel allows it (`/proc/PID/clear_refs`, v1 `memory.max_usage_in_bytes`).
 *
 * The floor (bench/analytics-flat.ts, as the analytics-compare bench loads it): `COPY` of the
 * extract's columns out of PostgreSQL plus one `read_csv` into a flat DuckDB table, in this
 * process with DuckDB's defaults (no limit); measured once first, unless --no-floor.
 *
 *   npm run bench -- memory-drill [--database NAME | --complaints N] [--limit 2GiB|none]
 *                                 [--duckdb-memory SIZE|auto] [--duckdb-threads N] [--shared]
 *                                 [--curve 1GB,2GB,4GB,unlimited] [--no-floor] [--code DIR]
 *
 * Drill (default): one point under --limit (default 2GiB) with the server's own DuckDB settings
 * (DUCKDB_MEMORY_LIMIT unset: its default) unless --duckdb-memory is given. --curve: one point per
 * DUCKDB_MEMORY_LIMIT value (`unlimited` = `auto`: DuckDB's own default), without a cgroup unless
 * --limit is given. --shared runs the server with SNAPSHOT_DIR (the budget split between the work
 * store and the snapshots served). The dataset must exist (`npm run bench -- analytics-data`);
 * default: odr_bench_analytics (10 000 000 complaints). Needs the right to make a cgroup (root).
 */
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseSize } from '../core/duckdb/duckdb-budget.js';
import { type EtlRun, type EtlRunsAnswer, datasetName, gitCommit, postRun, runMs, waitIdle } from './analytics-common.js';
import { type Floor, measureFloor } from './analytics-flat.js';
import { type CgroupFigures, type MemoryCgroup, createMemoryCgroup } from './cgroup.js';
import {
  type BenchServer,
  OUT_DIR,
  type PeakWatch,
  ROOT,
  api,
  databaseExists,
  dbUrl,
  fmt,
  machineInfo,
  mib,
  num,
  parseArgs,
  sleep,
  startServer,
  str,
  table,
  watchPeak,
  withClient,
  writeResult,
} from './lib.js';

const args = parseArgs(process.argv.slice(2));
if (args.help) {
  console.log(
    'usage: npm run bench -- memory-drill [--database NAME | --complaints N] [--limit 2GiB|none] [--duckdb-memory SIZE|auto] [--duckdb-threads N] [--shared] [--curve 1GB,2GB,4GB,unlimited] [--no-floor] [--code DIR]',
  );
  process.exit(0);
}
const database = datasetName(num(args.complaints, 10_000_000), args.database);
const code = path.resolve(typeof args.code === 'string' ? args.code : ROOT);
const curve = typeof args.curve === 'string' ? args.curve.split(',').map((v) => v.trim()) : null;
/** The cgroup's limit in bytes, or null for none: --limit, else 2GiB for the drill and none for the curve. */
const limitBytes = sizeOrNone(str(args.limit, curve ? 'none' : '2GiB'), '--limit');
const threads = typeof args.duckdbThreads === 'string' ? args.duckdbThreads : null;
const WORK = path.join(OUT_DIR, 'memory-drill');
const log = (...a: unknown[]): void => console.log(...a);
const s1 = (ms: number | null): string => (ms === null ? '—' : fmt(ms / 1000, 1));
const mb = (bytes: number | null): string => (bytes === null ? '—' : fmt(mib(bytes)));

function sizeOrNone(v: string, option: string): number | null {
  if (v === 'none') return null;
  const bytes = parseSize(v);
  if (bytes === null) throw new Error(`${option} must be a size such as 600MB or 2GiB, or none: ${v}`);
  return bytes;
}

// ───────────────────────────── the server's spill ─────────────────────────────

/** Disk used by the files under `dirs` (allocated blocks: DuckDB's spill files may have holes). */
function diskBytes(dirs: readonly string[]): number {
  let sum = 0;
  const walk = (d: string): void => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else
        try {
          sum += statSync(f).blocks * 512;
        } catch {
          /* removed meanwhile */
        }
    }
  };
  for (const d of dirs) walk(d);
  return sum;
}

/** The most disk DuckDB's spill took (the server's temp directories: analytics-db.ts, analytics-stores.ts), read every 250 ms. */
function watchSpill(duckdbPath: string) {
  const dirs = [`${duckdbPath}.tmp`, `${duckdbPath}.snapshots.tmp`];
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, diskBytes(dirs))), 250);
  timer.unref();
  return {
    peak: () => peak,
    reset: () => void (peak = 0),
    stop: () => clearInterval(timer),
  };
}

// ───────────────────────────── one point ─────────────────────────────

interface Phase {
  /** Wall time of the run: start-up build, from the server's start to its run record's end; full, the POST's answer. */
  ms: number | null;
  /** By the run record. */
  runMs: number | null;
  /** The background prewarm after it (until the server's CPU is quiet). */
  prewarmMs: number | null;
  /** The server's VmHWM over the phase (run + prewarm). */
  vmHwmBytes: number | null;
  /** The most disk DuckDB's spill files took. */
  spillBytes: number;
  cgroup: CgroupFigures | null;
}

interface Point {
  label: string;
  duckdbMemoryLimit: string;
  cgroupLimitBytes: number | null;
  cgroupVersion: 1 | 2 | null;
  startupBuild: Phase | null;
  full: Phase | null;
  /** VmHWM could be started over between the two phases (else full.vmHwmBytes is the process's peak so far). */
  peakReset: boolean;
  /** The server's VmHWM over its life (the last seen, if it was killed). */
  vmHwmBytes: number | null;
  /** The cgroup's figures at the end (its peak over both phases where it could not be reset: v2). */
  cgroupAtEnd: CgroupFigures | null;
  killed: boolean;
  exit: { code: number | null; signal: string | null } | null;
  error: string | null;
  logFile: string | null;
}

/** Waits for the start-up build's run record to end; throws if the server exits first. */
async function startupRun(server: BenchServer): Promise<EtlRun> {
  for (;;) {
    if (server.exited) throw new Error(`the server exited during its start-up build (${JSON.stringify(server.exited)})`);
    const body = (await api(server, 'GET', '/api/v1/etl/runs').catch(() => ({ body: null }))).body as Partial<EtlRunsAnswer> | null;
    const run = body?.items?.find((x) => x.trigger === 'start-up');
    if (run && run.status !== 'running' && body?.running === null) {
      if (run.status !== 'succeeded') throw new Error(`the start-up ETL run failed: ${run.error ?? JSON.stringify(run)}`);
      return run;
    }
    await sleep(200);
  }
}

async function point(label: string, duckdbMemoryLimit: string | null): Promise<Point> {
  const dir = path.join(WORK, label.replace(/[^\w.-]+/g, '_'));
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const env: Record<string, string> = {
    DATA_DIR: path.join(dir, 'data'),
    DUCKDB_PATH: path.join(dir, 'data', 'analytics.duckdb'),
    ETL_CRON: 'off',
    ...(duckdbMemoryLimit === null ? {} : { DUCKDB_MEMORY_LIMIT: duckdbMemoryLimit }),
    ...(threads === null ? {} : { DUCKDB_THREADS: threads }),
    ...(args.shared ? { SNAPSHOT_DIR: path.join(dir, 'snapshots') } : {}),
  };
  const out: Point = {
    label,
    duckdbMemoryLimit: duckdbMemoryLimit ?? 'the server default',
    cgroupLimitBytes: limitBytes,
    cgroupVersion: null,
    startupBuild: null,
    full: null,
    peakReset: false,
    vmHwmBytes: null,
    cgroupAtEnd: null,
    killed: false,
    exit: null,
    error: null,
    logFile: null,
  };
  let cgroup: MemoryCgroup | null = null;
  let server: BenchServer | null = null;
  let peak: PeakWatch | null = null;
  let spill: ReturnType<typeof watchSpill> | null = null;
  // Interrupted (Ctrl-C): lib.ts kills the server on exit; the cgroup goes once it has ended.
  const removeOnExit = () => {
    try {
      cgroup?.remove();
    } catch {
      /* reported by hand: rmdir it */
    }
  };
  process.once('exit', removeOnExit);
  try {
    if (limitBytes !== null) {
      cgroup = createMemoryCgroup(`odr-memory-drill-${process.pid}`, limitBytes);
      out.cgroupVersion = cgroup.version;
      log(`  cgroup v${cgroup.version} ${cgroup.dir}: limit ${mb(limitBytes)} MiB`);
    }
    const t0 = performance.now();
    server = await startServer({ code, databaseUrl: dbUrl(database), env, label: `memory-drill-${label}`, wrapper: cgroup?.wrapper });
    out.logFile = server.logFile;
    const srv = server;
    peak = watchPeak(srv.pid);
    spill = watchSpill(env.DUCKDB_PATH!);
    const startup = await startupRun(srv);
    const startupMs = performance.now() - t0;
    const startupIdle = await waitIdle(srv);
    out.startupBuild = {
      ms: Math.round(startupMs),
      runMs: runMs(startup),
      prewarmMs: startupIdle === null ? null : Math.round(startupIdle),
      vmHwmBytes: peak.peak(),
      spillBytes: spill.peak(),
      cgroup: cgroup?.figures() ?? null,
    };
    log(
      `  start-up build: ${s1(out.startupBuild.runMs)} s (run record), VmHWM ${mb(out.startupBuild.vmHwmBytes)} MiB${cgroup ? `, cgroup peak ${mb(out.startupBuild.cgroup?.peakBytes ?? null)} MiB` : ''}`,
    );

    out.peakReset = peak.reset();
    spill.reset();
    cgroup?.resetPeak();
    const t1 = performance.now();
    const full = await postRun(srv, { full: true });
    const fullMs = performance.now() - t1;
    const fullIdle = await waitIdle(srv);
    out.full = {
      ms: Math.round(fullMs),
      runMs: runMs(full.run),
      prewarmMs: fullIdle === null ? null : Math.round(fullIdle),
      vmHwmBytes: peak.peak(),
      spillBytes: spill.peak(),
      cgroup: cgroup?.figures() ?? null,
    };
    log(
      `  full run: ${s1(out.full.ms)} s, VmHWM ${mb(out.full.vmHwmBytes)} MiB${out.peakReset ? '' : ' (since start: VmHWM could not be reset)'}${cgroup ? `, cgroup peak ${mb(out.full.cgroup?.peakBytes ?? null)} MiB, limit hit ${out.full.cgroup?.limitHits ?? '—'} times` : ''}`,
    );
  } catch (err) {
    out.error = (err as Error).message.split('\n')[0]!.slice(0, 500);
    // A request cut by the kill may fail a moment before the exit is seen.
    for (let i = 0; i < 50 && server && !server.exited; i++) await sleep(100);
  } finally {
    out.vmHwmBytes = peak?.lifetime() ?? null;
    peak?.stop();
    spill?.stop();
    const figures = cgroup?.figures() ?? null;
    out.cgroupAtEnd = figures;
    out.exit = server ? await server.stop() : null;
    // Killed: by the kernel's OOM killer (counted by the cgroup), or SIGKILLed without being asked to stop.
    out.killed = (figures?.oomKills ?? 0) > 0 || (out.error !== null && out.exit?.signal === 'SIGKILL');
    if (out.killed) log(`  KILLED${figures?.oomKills ? ` (OOM kills in the cgroup: ${figures.oomKills})` : ''}: ${out.error ?? ''}`);
    else if (out.error) log(`  failed: ${out.error}`);
    process.off('exit', removeOnExit);
    try {
      cgroup?.remove();
    } catch (err) {
      log(`  could not remove ${cgroup?.dir}: ${(err as Error).message}`);
    }
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

// ───────────────────────────── the run ─────────────────────────────

async function main(): Promise<void> {
  if (!(await databaseExists(database)))
    throw new Error(
      `database ${database} does not exist: generate it first (npm run bench -- analytics-data --complaints N --database ${database})`,
    );
  const complaints = await withClient(dbUrl(database), async (c) =>
    Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM complaints')).rows[0]!.n),
  );
  const machine = await machineInfo();
  const commit = gitCommit(code);
  log(
    `memory drill on ${database} (${fmt(complaints)} complaints), code ${commit}${args.shared ? ', shared snapshots' : ''}${threads ? `, DUCKDB_THREADS=${threads}` : ''}`,
  );
  mkdirSync(WORK, { recursive: true });

  let floor: Floor | null = null;
  if (!args.noFloor) {
    log('floor: COPY of the extract’s columns out of PostgreSQL + one read_csv into a flat DuckDB table (DuckDB defaults) …');
    floor = await measureFloor({ database, dir: path.join(WORK, 'flat') });
    log(`  floor ${s1(floor.ms)} s (COPY ${s1(floor.extractMs)} + load ${s1(floor.loadMs)})`);
  }

  const values: (string | null)[] = curve
    ? curve.map((v) => (v === 'unlimited' ? 'auto' : v))
    : [typeof args.duckdbMemory === 'string' ? args.duckdbMemory : null];
  const points: Point[] = [];
  for (const v of values) {
    const label = `duckdb-${v ?? 'default'}${limitBytes === null ? '' : `-cgroup-${mb(limitBytes).replaceAll(',', '')}MiB`}`;
    log(
      `\n▶ DUCKDB_MEMORY_LIMIT=${v ?? '(unset: the server default)'}${limitBytes === null ? ', no cgroup' : `, under ${mb(limitBytes)} MiB`}`,
    );
    points.push(await point(label, v));
  }

  const ratio = (ms: number | null | undefined) => (floor && ms ? fmt(ms / floor.ms, 2) : '—');
  log(
    `\n${table(
      [
        'DUCKDB_MEMORY_LIMIT',
        'cgroup limit MiB',
        'start-up build s',
        'full s',
        'full ÷ floor',
        'VmHWM MiB: build / full / life',
        'spill MiB',
        'cgroup peak MiB',
        'limit hits',
        'killed',
      ],
      points.map((p) => [
        p.duckdbMemoryLimit,
        mb(p.cgroupLimitBytes),
        s1(p.startupBuild?.runMs ?? null),
        s1(p.full?.ms ?? null),
        ratio(p.full?.ms),
        `${mb(p.startupBuild?.vmHwmBytes ?? null)} / ${mb(p.full?.vmHwmBytes ?? null)} / ${mb(p.vmHwmBytes)}`,
        mb(Math.max(p.startupBuild?.spillBytes ?? 0, p.full?.spillBytes ?? 0)),
        mb(p.cgroupAtEnd?.peakBytes ?? null),
        p.cgroupAtEnd?.limitHits ?? '—',
        p.killed
          ? `KILLED${p.startupBuild ? ' in the full run' : ' in the start-up build'}`
          : p.error
            ? `failed: ${p.error.slice(0, 60)}`
            : 'no',
      ]),
    )}`,
  );
  log(
    `spill: the most disk DuckDB's temporary files took (either run). VmHWM: the server's peak RSS, each phase with its prewarm${points.some((p) => !p.peakReset && p.full) ? ' (full: since start, VmHWM could not be reset)' : ''}; life: the last seen.`,
  );
  if (limitBytes !== null)
    log(
      `cgroup peak: the full run's${points.some((p) => p.cgroupVersion === 2) ? ' (v2: over both phases)' : ''}; it leaves out pages charged to another cgroup first (the node binary and DuckDB's library already in the page cache) and counts the page cache of the spill and extract files.`,
    );
  if (floor) log(`floor: ${s1(floor.ms)} s (DuckDB unlimited, in the bench's process).`);
  const file = writeResult('memory-drill', { database, complaints, commit, machine, shared: !!args.shared, threads, floor, points });
  log(`result: ${path.relative(ROOT, file)}`);
  if (points.some((p) => p.killed || p.error)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e) : e);
  process.exit(1);
});
