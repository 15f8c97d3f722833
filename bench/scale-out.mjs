/**
 * bench/scale-out (issue 6): what shared snapshots (SNAPSHOT_DIR) cost against one instance.
 *
 *   node bench/scale-out.mjs [--complaints 1000000] [--database odr_bench_dashboard] [--rounds 3]
 *
 * On the generated store (bench/analytics-data.mjs, kept and reused), in one run:
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
import { ensureAnalyticsDataset } from './analytics-data.mjs';
import { api, cpuMs, dbUrl, fmt, machineInfo, mib, num, parseArgs, sleep, startServer, table, withClient, writeResult } from './lib.mjs';

const args = parseArgs(process.argv.slice(2));
const complaints = num(args.complaints, 1_000_000);
const rounds = num(args.rounds, 3);
const database = args.database ?? 'odr_bench_dashboard';
const log = (...m) => console.log(...m);
const url = dbUrl(database);

/** Waits until a snapshot is served (the start-up build has published) and no run is running. */
async function idle(server) {
  for (;;) {
    const built = (await api(server, 'GET', '/api/v1/stats/summary')).status === 200;
    const r = await api(server, 'GET', '/api/v1/etl/runs');
    if (built && r.status === 200 && r.body.running === null) return;
    await sleep(200);
  }
}

/**
 * Waits until the servers are quiet (< 5 % of a core over a second): after a publication each
 * computes the unfiltered views ahead (its prewarm), which would otherwise overlap the next run.
 */
async function quiet(...servers) {
  for (;;) {
    const before = servers.map((s) => cpuMs(s.pid));
    await sleep(1000);
    if (servers.every((s, i) => cpuMs(s.pid) - before[i] < 50)) return;
  }
}

async function timedRun(server, full) {
  const t0 = performance.now();
  const r = await api(server, 'POST', `/api/v1/etl/runs?wait=true&full=${full}`);
  const ms = performance.now() - t0;
  if (r.status !== 200 || r.body.status !== 'succeeded') throw new Error(`ETL run failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { ms, run: r.body };
}

/** Polls `server` until its summary is on run `id`; ms from `since`. */
async function servedAfter(server, id, since) {
  for (;;) {
    const r = await api(server, 'GET', '/api/v1/stats/summary');
    if (r.status === 200 && r.body.asOf.etlRunId >= id) return performance.now() - since;
    await sleep(20);
  }
}

async function touchOnePercent() {
  return withClient(url, async (c) => {
    const n = Math.round(complaints / 100);
    const r = await c.query(
      `UPDATE complaints SET updated_at = updated_at WHERE id IN (SELECT id FROM complaints ORDER BY id DESC LIMIT ${n})`,
    );
    return r.rowCount;
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One mode: full, `rounds` no-op increments, one 1 % increment; `follower` polled after each run. */
async function measure(leader, follower) {
  const out = {};
  const step = async (name, full) => {
    await quiet(...[leader, follower].filter(Boolean));
    const t0 = performance.now();
    const { ms, run } = await timedRun(leader, full);
    const lag = follower ? (await servedAfter(follower, run.id, t0)) - ms : null;
    log(`  ${name}: ${fmt(ms)} ms${lag !== null ? `, follower serves it ${fmt(Math.max(0, lag))} ms after the run's answer` : ''}`);
    return { ms, lagMs: lag === null ? null : Math.max(0, lag), runId: run.id };
  };
  out.full = await step('full', true);
  const noops = [];
  for (let i = 0; i < rounds; i++) noops.push(await step(`incremental, nothing changed #${i + 1}`, false));
  out.noop = { ms: median(noops.map((x) => x.ms)), lagMs: follower ? median(noops.map((x) => x.lagMs)) : null };
  const touched = await touchOnePercent();
  log(`  re-wrote ${fmt(touched)} complaints`);
  out.onePercent = await step('incremental, 1 % changed', false);
  return out;
}

async function main() {
  const machine = await machineInfo();
  await ensureAnalyticsDataset({ complaints, database, log });

  log(`\nbaseline: one instance, no SNAPSHOT_DIR`);
  const soloDir = mkdtempSync(path.join(tmpdir(), 'odr-bench-solo-'));
  const solo = await startServer({ databaseUrl: url, env: { DATA_DIR: soloDir }, label: 'scale-out-solo' });
  let baseline;
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
  let shared;
  let fileBytes;
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

  const rows = [
    ['full run', baseline.full, shared.full],
    [`incremental, nothing changed (median of ${rounds})`, baseline.noop, shared.noop],
    ['incremental, 1 % changed', baseline.onePercent, shared.onePercent],
  ].map(([name, base, sh]) => [
    name,
    `${fmt(base.ms)} ms`,
    `${fmt(sh.ms)} ms`,
    `${(sh.ms / base.ms).toFixed(2)}×`,
    `${sh.ms >= base.ms ? '+' : '−'}${fmt(Math.abs(sh.ms - base.ms))} ms`,
    `${fmt(sh.lagMs)} ms`,
  ]);
  log(`\n${complaints.toLocaleString('en')} complaints; snapshot file ${mib(fileBytes).toFixed(0)} MiB\n`);
  log(table(['ETL run (wall, POST wait=true)', 'one instance', 'shared', 'ratio', 'cost of publishing', 'B serves it after'], rows));
  const file = writeResult('scale-out', { machine, complaints, database, rounds, fileBytes, baseline, shared });
  log(`\nresult: ${path.relative(process.cwd(), file)}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
