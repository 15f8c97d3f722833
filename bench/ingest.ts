/**
 * Bulk-ingest benchmark (contract "Complaints (ingest)"): N generated complaints as one NDJSON
 * upload to POST /api/v1/complaints/bulk on the real server (child process, fresh PostgreSQL
 * database), against a raw COPY of the same lines into a plain (external_ref PK, doc jsonb)
 * table. Then the schema floor (bench/floor-copy.ts: the stored rows COPYed straight into copies
 * of the case store's tables, which bounds what any ingest path can reach), and the same file
 * again: the idempotent re-send path.
 *
 *   npm run bench -- ingest [--complaints 1000000] [--seed 1] [--no-baseline] [--no-floor]
 *                           [--no-resend] [--keep-db NAME] [--cpu-prof] [--no-preload] [--node-args="FLAGS"]
 *
 * The server runs with bench/server-preload.ts (Node's 300 s requestTimeout off, else a
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
  type BenchServer,
  type MachineInfo,
} from './lib.js';
import type { IngestSummary } from '../api/src/complaints/complaints.dto.js';
import { baselineCopy } from './baseline-copy.js';
import { floorCopy } from './floor-copy.js';

const GOAL_RATIO = 0.6;
/** The issue's 300 MB, in bytes (= 286.1 MiB; RSS is reported in MiB). */
const GOAL_RSS_BYTES = 300e6;

const args = parseArgs(process.argv.slice(2));
if (args.help) {
  console.log(
    'usage: npm run bench -- ingest [--complaints N] [--seed S] [--no-baseline] [--no-floor] [--no-resend] [--keep-db NAME] [--cpu-prof] [--no-preload]',
  );
  process.exit(0);
}
const complaints = num(args.complaints, 1_000_000);
const seed = num(args.seed, 1);
const keepDb = typeof args.keepDb === 'string' ? args.keepDb : null;
const database = keepDb ?? `bench_ingest_${process.pid}`;
const log = (...a: unknown[]): void => console.log(...a);

/** One POST /complaints/bulk as measured: the first upload, or the same file again. */
interface BulkRun {
  status: number;
  ms: number;
  uploadMs: number | null;
  rowsPerSec: number;
  received: number;
  inserted: number;
  updated: number;
  duplicates: number;
  phases: IngestSummary['phases'] | null;
  peakRssMiB: number;
  peakRssBytes: number;
  rssSamples: number;
  serverCpuMs: number;
  pgBackendCpuMs: number;
}

interface Goal {
  goal: string;
  value: number | null;
  met: boolean | null;
}

/** The JSON line under bench/out/ (fields filled in as the run goes). */
interface IngestResult {
  bench: 'ingest';
  at: string;
  loadavgStart: number[];
  complaints: number;
  seed: number;
  file: string;
  bytes: number;
  database: string | null;
  machine: MachineInfo;
  baseline?: { ms: number; rowsPerSec: number; clientCpuMs: number; pgBackendCpuMs: number; tableMiB: number };
  nodeArgs?: string[];
  requestTimeoutOff?: boolean;
  idleRssMiB?: number;
  ours?: BulkRun;
  floor?: { ms: number; complaintsMs: number; eventsMs: number; events: number; rowsPerSec: number; pgBackendCpuMs: number };
  resend?: BulkRun;
  cpuProfileDir?: string;
  loadavgEnd?: number[];
  ratio?: number | null;
  goals?: { ratio: Goal; peakRssMiB: Goal };
}

async function main(): Promise<void> {
  const machine = await machineInfo();
  const dataset = await ensureDataset({ complaints, seed, log });
  log(
    `dataset: ${path.relative(ROOT, dataset.file)} (${fmt(mib(dataset.bytes), 0)} MiB, ${fmt(complaints)} complaints, ${dataset.traders.length} traders, ${dataset.adrBodies.length} ADR bodies)`,
  );
  await createDatabase(database);
  log(`database: ${database}`);
  const result: IngestResult = {
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
  let server: BenchServer | null = null;
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

    const runBulk = async (srv: BenchServer, label: string): Promise<BulkRun> => {
      await checkpoint(database);
      log(`${label}: POST /api/v1/complaints/bulk (${fmt(mib(dataset.bytes))} MiB NDJSON, streamed) …`);
      const sampler = startSampler({ pid: srv.pid, databaseName: database });
      const r = await postFile(srv, dataset.file);
      const s = await sampler.stop();
      if (r.status !== 200) {
        throw new Error(
          `${label}: ${r.status} after ${fmt(r.ms / 1000, 1)} s (body sent: ${r.uploadMs === null ? 'not all' : `${fmt(r.uploadMs / 1000, 1)} s`}) ${JSON.stringify(r.body).slice(0, 2000)}\nserver log tail:\n${tail(srv.logFile)}`,
        );
      }
      const answer = r.body as IngestSummary;
      const out: BulkRun = {
        status: r.status,
        ms: Math.round(r.ms),
        uploadMs: r.uploadMs === null ? null : Math.round(r.uploadMs),
        rowsPerSec: Math.round(complaints / (r.ms / 1000)),
        received: answer.received,
        inserted: answer.inserted,
        updated: answer.updated,
        duplicates: answer.duplicates,
        phases: answer.phases ?? null,
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

    const ours = await runBulk(server, 'ours');
    result.ours = ours;
    if (ours.inserted !== complaints) throw new Error(`inserted ${result.ours.inserted}, expected ${complaints}`);
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
      const resend = await runBulk(server, 're-send');
      result.resend = resend;
      if (resend.inserted !== 0) throw new Error(`re-send inserted ${resend.inserted}, expected 0`);
    }
    await server.stop();
    server = null;
    if (args.cpuProf) result.cpuProfileDir = path.relative(ROOT, path.join(OUT_DIR, 'prof'));
    ok = true;
  } finally {
    if (server) await server.stop().catch(() => {});
    if (!keepDb)
      await dropDatabase(database).catch((e: unknown) =>
        console.error(`could not drop ${database}: ${e instanceof Error ? e.message : String(e)}`),
      );
    else if (!ok) await dropDatabase(database).catch(() => {});
  }

  // ── report ──
  result.loadavgEnd = os.loadavg();
  const o = result.ours;
  const b = result.baseline;
  const ratio = b ? o.rowsPerSec / b.rowsPerSec : null;
  result.ratio = ratio;
  const goals = {
    ratio: { goal: `>= ${GOAL_RATIO}`, value: ratio, met: ratio === null ? null : ratio >= GOAL_RATIO },
    peakRssMiB: {
      goal: `< ${fmt(mib(GOAL_RSS_BYTES), 1)} MiB (300 MB)`,
      value: Math.max(o.peakRssMiB, result.resend?.peakRssMiB ?? 0),
      met: Math.max(o.peakRssBytes, result.resend?.peakRssBytes ?? 0) < GOAL_RSS_BYTES,
    },
  };
  result.goals = goals;
  log('');
  log(
    `ingest benchmark — ${fmt(complaints)} complaints, ${fmt(mib(dataset.bytes))} MiB NDJSON — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, PostgreSQL ${machine.postgres}; load average ${result.loadavgStart.map((x) => x.toFixed(1)).join(' ')} → ${result.loadavgEnd.map((x) => x.toFixed(1)).join(' ')}${server === null && result.requestTimeoutOff ? '; server requestTimeout off (bench/server-preload.ts)' : ''}`,
  );
  const rows: string[][] = [];
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
    ratio === null ? '—' : fmt(ratio, 2),
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
  const phaseRows: string[][] = [];
  const runs: [string, BulkRun | undefined][] = [
    ['ours', o],
    ['re-send', result.resend],
  ];
  for (const [name, r] of runs) {
    if (!r?.phases) continue;
    const p = r.phases;
    const total = r.ms;
    phaseRows.push([
      name,
      ...(['parseMs', 'validateMs', 'copyMs', 'mergeMs'] as const).map((k) => `${fmt(p[k] / 1000, 1)} s (${fmt((100 * p[k]) / total)} %)`),
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
    `goal ratio ≥ ${GOAL_RATIO}: ${ratio === null ? 'n/a (no baseline)' : `${fmt(ratio, 2)} — ${goals.ratio.met ? 'met' : `MISSED (${fmt((1 - ratio / GOAL_RATIO) * 100)} % short)`}`}`,
  );
  log(
    `goal peak RSS < 300 MB (${fmt(mib(GOAL_RSS_BYTES), 1)} MiB): ${goals.peakRssMiB.value} MiB = ${fmt(Math.max(o.peakRssBytes, result.resend?.peakRssBytes ?? 0) / 1e6)} MB (idle before the upload: ${result.idleRssMiB} MiB) — ${goals.peakRssMiB.met ? 'met' : 'MISSED'}`,
  );
  const file = writeResult('ingest', result);
  log(`result: ${path.relative(ROOT, file)}`);
}

main().catch((err: unknown) => {
  console.error(`ingest bench failed: ${(err instanceof Error ? err.stack : undefined) ?? String(err)}`);
  process.exit(1);
});
