#!/usr/bin/env node
/**
 * Bulk-ingest benchmark (contract "Complaints (ingest)"): N generated complaints as one NDJSON
 * upload to POST /api/v1/complaints/bulk on the real server (child process, fresh PostgreSQL
 * database), against a raw COPY of the same lines into a plain (external_ref PK, doc jsonb)
 * table. Then the schema floor (bench/floor-copy.mjs: the stored rows COPYed straight into copies
 * of the case store's tables, which bounds what any ingest path can reach), and the same file
 * again: the idempotent re-send path.
 *
 *   node bench/ingest.mjs [--complaints 1000000] [--seed 1] [--no-baseline] [--no-floor]
 *                         [--no-resend] [--keep-db NAME] [--cpu-prof] [--no-preload] [--node-args="FLAGS"]
 *
 * The server runs with bench/server-preload.mjs (Node's 300 s requestTimeout off, else a
 * long upload is cut with 408); --no-preload runs it exactly as shipped.
 * Goals: ours/baseline rows/s ≥ 0.6; server peak RSS < 300 MB.
 */
import os from 'node:os';
import path from 'node:path';
import {
  ROOT,
  OUT_DIR,
  checkpoint,
  createDatabase,
  dbUrl,
  dropDatabase,
  ensureDataset,
  fmt,
  machineInfo,
  mib,
  num,
  parseArgs,
  postFile,
  putReferenceData,
  rssBytes,
  startSampler,
  startServer,
  table,
  tail,
  writeResult,
} from './lib.mjs';
import { baselineCopy } from './baseline-copy.mjs';
import { floorCopy } from './floor-copy.mjs';

const GOAL_RATIO = 0.6;
/** The issue's 300 MB, in bytes (= 286.1 MiB; RSS is reported in MiB). */
const GOAL_RSS_BYTES = 300e6;

const args = parseArgs(process.argv.slice(2));
if (args.help) {
  console.log(
    'usage: node bench/ingest.mjs [--complaints N] [--seed S] [--no-baseline] [--no-floor] [--no-resend] [--keep-db NAME] [--cpu-prof] [--no-preload]',
  );
  process.exit(0);
}
const complaints = num(args.complaints, 1_000_000);
const seed = num(args.seed, 1);
const keepDb = typeof args.keepDb === 'string' ? args.keepDb : null;
const database = keepDb ?? `bench_ingest_${process.pid}`;
const log = (...a) => console.log(...a);

async function main() {
  const machine = await machineInfo();
  const dataset = await ensureDataset({ complaints, seed, log });
  log(
    `dataset: ${path.relative(ROOT, dataset.file)} (${fmt(mib(dataset.bytes), 0)} MiB, ${fmt(complaints)} complaints, ${dataset.traders.length} traders, ${dataset.adrBodies.length} ADR bodies)`,
  );
  await createDatabase(database);
  log(`database: ${database}`);
  const result = {
    bench: 'ingest',
    at: new Date().toISOString(),
    loadavgStart: os.loadavg(),
    complaints,
    seed,
    file: path.relative(ROOT, dataset.file),
    bytes: dataset.bytes,
    database: keepDb ? database : null,
    machine,
  };
  let server;
  let ok = false;
  try {
    // ── baseline: raw COPY of the same lines ──
    if (!args.noBaseline) {
      await checkpoint(database);
      log('baseline: COPY into (external_ref text primary key, doc jsonb) …');
      const b = await baselineCopy({ url: dbUrl(database), file: dataset.file });
      if (b.stored !== complaints) throw new Error(`baseline stored ${b.stored} rows, expected ${complaints}`);
      result.baseline = {
        ms: Math.round(b.ms),
        rowsPerSec: Math.round(b.rowsPerSec),
        clientCpuMs: b.clientCpuMs,
        pgBackendCpuMs: b.pgBackendCpuMs,
        tableMiB: Math.round(mib(b.tableBytes)),
      };
      log(`  ${fmt(b.ms / 1000, 1)} s, ${fmt(b.rowsPerSec)} rows/s`);
    }

    // ── ours: the real server ──
    const nodeArgs = [
      ...(args.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.join(OUT_DIR, 'prof')}`] : []),
      // What-ifs on the server's Node flags, e.g. --node-args=--max-semi-space-size=4
      ...(typeof args.nodeArgs === 'string' ? args.nodeArgs.split(' ').filter(Boolean) : []),
    ];
    result.nodeArgs = nodeArgs;
    server = await startServer({ databaseUrl: dbUrl(database), nodeArgs, label: 'ingest-server', preload: !args.noPreload });
    result.requestTimeoutOff = server.preload;
    const tRef = performance.now();
    const refs = await putReferenceData(server, dataset);
    result.idleRssMiB = Math.round(mib(rssBytes(server.pid) ?? 0));
    log(
      `server pid ${server.pid} on ${server.url}; ${refs} reference records PUT in ${fmt(performance.now() - tRef)} ms; idle RSS ${result.idleRssMiB} MiB`,
    );

    const runBulk = async (label) => {
      await checkpoint(database);
      log(`${label}: POST /api/v1/complaints/bulk (${fmt(mib(dataset.bytes))} MiB NDJSON, streamed) …`);
      const sampler = startSampler({ pid: server.pid, databaseName: database });
      const r = await postFile(server, dataset.file);
      const s = await sampler.stop();
      if (r.status !== 200) {
        throw new Error(
          `${label}: ${r.status} after ${fmt(r.ms / 1000, 1)} s (body sent: ${r.uploadMs === null ? 'not all' : `${fmt(r.uploadMs / 1000, 1)} s`}) ${JSON.stringify(r.body).slice(0, 2000)}\nserver log tail:\n${tail(server.logFile)}`,
        );
      }
      const out = {
        status: r.status,
        ms: Math.round(r.ms),
        uploadMs: r.uploadMs === null ? null : Math.round(r.uploadMs),
        rowsPerSec: Math.round(complaints / (r.ms / 1000)),
        received: r.body.received,
        inserted: r.body.inserted,
        updated: r.body.updated,
        duplicates: r.body.duplicates,
        phases: r.body.phases ?? null,
        peakRssMiB: Math.round(mib(s.peakRssBytes)),
        peakRssBytes: s.peakRssBytes,
        rssSamples: s.samples,
        serverCpuMs: s.serverCpuMs,
        pgBackendCpuMs: s.pgBackendCpuMs,
      };
      log(
        `  ${r.status} in ${fmt(r.ms / 1000, 1)} s, ${fmt(out.rowsPerSec)} rows/s; received ${fmt(out.received)}, inserted ${fmt(out.inserted)}, duplicates ${fmt(out.duplicates)}; peak RSS ${out.peakRssMiB} MiB`,
      );
      return out;
    };

    result.ours = await runBulk('ours');
    if (result.ours.inserted !== complaints) throw new Error(`inserted ${result.ours.inserted}, expected ${complaints}`);
    if (!args.noFloor) {
      log('floor: the stored rows COPYed (binary) into copies of complaints + complaint_events, same indexes and keys …');
      const f = await floorCopy({ url: dbUrl(database), dir: OUT_DIR });
      if (f.complaints !== complaints) throw new Error(`floor: ${f.complaints} complaints stored, expected ${complaints}`);
      result.floor = {
        ms: Math.round(f.ms),
        complaintsMs: Math.round(f.complaintsMs),
        eventsMs: Math.round(f.eventsMs),
        events: f.events,
        rowsPerSec: Math.round(complaints / (f.ms / 1000)),
        pgBackendCpuMs: f.pgBackendCpuMs,
      };
      log(
        `  ${fmt(f.ms / 1000, 1)} s (complaints ${fmt(f.complaintsMs / 1000, 1)} s, ${fmt(f.events)} events ${fmt(f.eventsMs / 1000, 1)} s)`,
      );
    }
    if (!args.noResend) {
      result.resend = await runBulk('re-send');
      if (result.resend.inserted !== 0) throw new Error(`re-send inserted ${result.resend.inserted}, expected 0`);
    }
    await server.stop();
    server = null;
    if (args.cpuProf) result.cpuProfileDir = path.relative(ROOT, path.join(OUT_DIR, 'prof'));
    ok = true;
  } finally {
    if (server) await server.stop().catch(() => {});
    if (!keepDb) await dropDatabase(database).catch((e) => console.error(`could not drop ${database}: ${e.message}`));
    else if (!ok) await dropDatabase(database).catch(() => {});
  }

  // ── report ──
  result.loadavgEnd = os.loadavg();
  const o = result.ours;
  const b = result.baseline;
  result.ratio = b ? o.rowsPerSec / b.rowsPerSec : null;
  result.goals = {
    ratio: { goal: `>= ${GOAL_RATIO}`, value: result.ratio, met: result.ratio === null ? null : result.ratio >= GOAL_RATIO },
    peakRssMiB: {
      goal: `< ${fmt(mib(GOAL_RSS_BYTES), 1)} MiB (300 MB)`,
      value: Math.max(o.peakRssMiB, result.resend?.peakRssMiB ?? 0),
      met: Math.max(o.peakRssBytes, result.resend?.peakRssBytes ?? 0) < GOAL_RSS_BYTES,
    },
  };
  log('');
  log(
    `ingest benchmark — ${fmt(complaints)} complaints, ${fmt(mib(dataset.bytes))} MiB NDJSON — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, PostgreSQL ${machine.postgres}; load average ${result.loadavgStart.map((x) => x.toFixed(1)).join(' ')} → ${result.loadavgEnd.map((x) => x.toFixed(1)).join(' ')}${server === null && result.requestTimeoutOff ? '; server requestTimeout off (bench/server-preload.mjs)' : ''}`,
  );
  const rows = [];
  if (b)
    rows.push([
      'baseline: raw COPY (ref PK, doc jsonb)',
      fmt(b.ms / 1000, 1),
      fmt(b.rowsPerSec),
      '—',
      '—',
      fmt(b.clientCpuMs / 1000, 1),
      fmt(b.pgBackendCpuMs / 1000, 1),
    ]);
  if (result.floor) {
    const f = result.floor;
    rows.push([
      'floor: stored rows COPYed into the same tables',
      fmt(f.ms / 1000, 1),
      fmt(f.rowsPerSec),
      b ? fmt(f.rowsPerSec / b.rowsPerSec, 2) : '—',
      '—',
      '—',
      fmt(f.pgBackendCpuMs / 1000, 1),
    ]);
  }
  rows.push([
    'ours: POST /complaints/bulk',
    fmt(o.ms / 1000, 1),
    fmt(o.rowsPerSec),
    b ? fmt(result.ratio, 2) : '—',
    `${o.peakRssMiB}`,
    fmt(o.serverCpuMs / 1000, 1),
    fmt(o.pgBackendCpuMs / 1000, 1),
  ]);
  if (result.resend) {
    const r = result.resend;
    rows.push([
      're-send (all duplicates)',
      fmt(r.ms / 1000, 1),
      fmt(r.rowsPerSec),
      b ? fmt(r.rowsPerSec / b.rowsPerSec, 2) : '—',
      `${r.peakRssMiB}`,
      fmt(r.serverCpuMs / 1000, 1),
      fmt(r.pgBackendCpuMs / 1000, 1),
    ]);
  }
  log(table(['run', 'wall s', 'rows/s', 'ratio', 'peak RSS MiB', 'client/server CPU s', 'PG backend CPU s'], rows));
  log('');
  const phaseRows = [];
  for (const [name, r] of [
    ['ours', o],
    ['re-send', result.resend],
  ]) {
    if (!r?.phases) continue;
    const p = r.phases;
    const total = r.ms;
    phaseRows.push([
      name,
      ...['parseMs', 'validateMs', 'copyMs', 'mergeMs'].map((k) => `${fmt(p[k] / 1000, 1)} s (${fmt((100 * p[k]) / total)} %)`),
      fmt(r.received),
      fmt(r.inserted),
      fmt(r.duplicates),
    ]);
  }
  if (phaseRows.length) log(table(['phases', 'parse', 'validate', 'copy', 'merge', 'received', 'inserted', 'duplicates'], phaseRows));
  log('');
  if (result.floor && b)
    log(
      `schema floor: PostgreSQL alone needs ${fmt(result.floor.ms / 1000, 1)} s to write these rows into the case store's tables and indexes, so no ingest path can exceed a ratio of ${fmt(result.floor.rowsPerSec / b.rowsPerSec, 2)} here; ours reaches ${fmt((100 * o.rowsPerSec) / result.floor.rowsPerSec)} % of that floor's speed`,
    );
  log(
    `goal ratio ≥ ${GOAL_RATIO}: ${result.ratio === null ? 'n/a (no baseline)' : `${fmt(result.ratio, 2)} — ${result.goals.ratio.met ? 'met' : `MISSED (${fmt((1 - result.ratio / GOAL_RATIO) * 100)} % short)`}`}`,
  );
  log(
    `goal peak RSS < 300 MB (${fmt(mib(GOAL_RSS_BYTES), 1)} MiB): ${result.goals.peakRssMiB.value} MiB = ${fmt(Math.max(o.peakRssBytes, result.resend?.peakRssBytes ?? 0) / 1e6)} MB (idle before the upload: ${result.idleRssMiB} MiB) — ${result.goals.peakRssMiB.met ? 'met' : 'MISSED'}`,
  );
  const file = writeResult('ingest', result);
  log(`result: ${path.relative(ROOT, file)}`);
}

main().catch((err) => {
  console.error(`ingest bench failed: ${err.stack ?? err}`);
  process.exit(1);
});
