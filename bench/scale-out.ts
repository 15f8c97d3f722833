/**
 * bench/scale-out (issue 6): what shared snapshots (SNAPSHOT_DIR) cost against one instance.
 *
 *   npm run bench -- scale-out [--complaints 1000000] [--database odr_bench_dashboard] [--rounds 3]
 *
 * On the generated store (bench/analytics-data.ts, kept and reused), in one run:
 *   - baseline: one instance, no SNAPSHOT_DIR (publication is a DuckDB commit in the process);
 *   - shared: two instances with one SNAPSHOT_DIR; runs started on A (POST /etl/runs?wait=true),
 *     so each run also checkpoints and copies the store into the folder; B is polled until it
 *     serves the new run (its `stats/summary` asOf), which is the time a follower lags.
 * Each mode: a full run, incremental runs with nothing changed (median of --rounds), and an
 * incremental run after 1 % of the complaints were re-written (`updated_at = updated_at`: the
 * update trigger moves their changed_xid, so they are re-extracted, and no figure changes).
 * Every run starts on quiet servers (their prewarm after the previous publication done).
 * Prints each figure, the ratio shared / baseline, the snapshot file's size.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { EtlRun } from '../etl/index.js';
import { ensureAnalyticsDataset } from './analytics-data.js';
import {
  api,
  cpuMs,
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
  withClient,
  writeResult,
  type BenchServer,
} from './lib.js';

const args = parseArgs(process.argv.slice(2));
const complaints = num(args.complaints, 1_000_000);
const rounds = num(args.rounds, 3);
const database = str(args.database, 'odr_bench_dashboard');
const log = (...m: unknown[]): void => console.log(...m);
const url = dbUrl(database);

/** The part of GET /etl/runs read here. */
interface EtlRuns {
  running: number | null;
}
/** The part of GET /stats/summary read here: the run its figures come from. */
interface Summary {
  asOf: { etlRunId: number };
}

/** Waits until a snapshot is served (the start-up build has published) and no run is running. */
async function idle(server: BenchServer): Promise<void> {
  for (;;) {
    const built = (await api(server, 'GET', '/api/v1/stats/summary')).status === 200;
    const r = await api(server, 'GET', '/api/v1/etl/runs');
    if (built && r.status === 200 && (r.body as EtlRuns).running === null) return;
    await sleep(200);
  }
}

/**
 * Waits until the servers are quiet (< 5 % of a core over a second): after a publication each
 * computes the unfiltered views ahead (its prewarm), which would otherwise overlap the next run.
 */
async function quiet(...servers: BenchServer[]): Promise<void> {
  for (;;) {
    const before = servers.map((s) => cpuMs(s.pid));
    await sleep(1000);
    // A server gone (null) is quiet.
    if (servers.every((s, i) => (cpuMs(s.pid) ?? 0) - (before[i] ?? 0) < 50)) return;
  }
}

async function timedRun(server: BenchServer, full: boolean): Promise<{ ms: number; run: EtlRun }> {
  const t0 = performance.now();
  const r = await api(server, 'POST', `/api/v1/etl/runs?wait=true&full=${full}`);
  const ms = performance.now() - t0;
  const run = r.body as EtlRun;
  if (r.status !== 200 || run.status !== 'succeeded') throw new Error(`ETL run failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { ms, run };
}

/** Polls `server` until its summary is on run `id`; ms from `since`. */
async function servedAfter(server: BenchServer, id: number, since: number): Promise<number> {
  for (;;) {
    const r = await api(server, 'GET', '/api/v1/stats/summary');
    if (r.status === 200 && (r.body as Summary).asOf.etlRunId >= id) return performance.now() - since;
    await sleep(20);
  }
}

async function touchOnePercent(): Promise<number> {
  return withClient(url, async (c) => {
    const n = Math.round(complaints / 100);
    const r = await c.query(
      `UPDATE complaints SET updated_at = updated_at WHERE id IN (SELECT id FROM complaints ORDER BY id DESC LIMIT ${n})`,
    );
    return r.rowCount ?? 0;
  });
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** One ETL run as measured: its wall time and, with a follower, how long after its answer B served it. */
interface Step {
  ms: number;
  lagMs: number | null;
  runId: number;
}
/** A mode's figures (no-op: the medians of its rounds). */
interface Mode {
  full: Step;
  noop: { ms: number; lagMs: number | null };
  onePercent: Step;
}

/** One mode: full, `rounds` no-op increments, one 1 % increment; `follower` polled after each run. */
async function measure(leader: BenchServer, follower: BenchServer | null): Promise<Mode> {
  const step = async (name: string, full: boolean): Promise<Step> => {
    await quiet(...(follower ? [leader, follower] : [leader]));
    const t0 = performance.now();
    const { ms, run } = await timedRun(leader, full);
    const lag = follower ? (await servedAfter(follower, run.id, t0)) - ms : null;
    log(`  ${name}: ${fmt(ms)} ms${lag !== null ? `, follower serves it ${fmt(Math.max(0, lag))} ms after the run's answer` : ''}`);
    return { ms, lagMs: lag === null ? null : Math.max(0, lag), runId: run.id };
  };
  const fullRun = await step('full', true);
  const noops: Step[] = [];
  for (let i = 0; i < rounds; i++) noops.push(await step(`incremental, nothing changed #${i + 1}`, false));
  const noop = { ms: median(noops.map((x) => x.ms)), lagMs: follower ? median(noops.map((x) => x.lagMs ?? NaN)) : null };
  const touched = await touchOnePercent();
  log(`  re-wrote ${fmt(touched)} complaints`);
  const onePercent = await step('incremental, 1 % changed', false);
  return { full: fullRun, noop, onePercent };
}

async function main(): Promise<void> {
  const machine = await machineInfo();
  await ensureAnalyticsDataset({ complaints, database, log });

  log(`\nbaseline: one instance, no SNAPSHOT_DIR`);
  const soloDir = mkdtempSync(path.join(tmpdir(), 'odr-bench-solo-'));
  const solo = await startServer({ databaseUrl: url, env: { DATA_DIR: soloDir }, label: 'scale-out-solo' });
  let baseline: Mode;
  try {
    await idle(solo);
    baseline = await measure(solo, null);
  } finally {
    await solo.stop();
    rmSync(soloDir, { recursive: true, force: true });
  }

  log(`\nshared: two instances, one SNAPSHOT_DIR, runs on A, B followed`);
  const dir = mkdtempSync(path.join(tmpdir(), 'odr-bench-shared-'));
  const env = { DATA_DIR: dir, SNAPSHOT_DIR: path.join(dir, 'snapshots') };
  const a = await startServer({ databaseUrl: url, env, label: 'scale-out-a' });
  let shared: Mode;
  let fileBytes: number;
  try {
    await idle(a);
    const b = await startServer({ databaseUrl: url, env, label: 'scale-out-b' });
    try {
      shared = await measure(a, b);
      const files = readdirSync(env.SNAPSHOT_DIR).filter((f) => f.endsWith('.duckdb'));
      fileBytes = Math.max(...files.map((f) => statSync(path.join(env.SNAPSHOT_DIR, f)).size));
    } finally {
      await b.stop();
    }
  } finally {
    await a.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  type Figures = Mode['noop'];
  const compared: [name: string, base: Figures, sh: Figures][] = [
    ['full run', baseline.full, shared.full],
    [`incremental, nothing changed (median of ${rounds})`, baseline.noop, shared.noop],
    ['incremental, 1 % changed', baseline.onePercent, shared.onePercent],
  ];
  const rows = compared.map(([name, base, sh]) => [
    name,
    `${fmt(base.ms)} ms`,
    `${fmt(sh.ms)} ms`,
    `${(sh.ms / base.ms).toFixed(2)}×`,
    `${sh.ms >= base.ms ? '+' : '−'}${fmt(Math.abs(sh.ms - base.ms))} ms`,
    `${fmt(sh.lagMs ?? NaN)} ms`,
  ]);
  log(`\n${complaints.toLocaleString('en')} complaints; snapshot file ${mib(fileBytes).toFixed(0)} MiB\n`);
  log(table(['ETL run (wall, POST wait=true)', 'one instance', 'shared', 'ratio', 'cost of publishing', 'B serves it after'], rows));
  const file = writeResult('scale-out', { machine, complaints, database, rounds, fileBytes, baseline, shared });
  log(`\nresult: ${path.relative(process.cwd(), file)}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
