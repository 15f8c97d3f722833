/**
 * The benchmarks' one harness (not a test, not part of `npm test`): argument parsing, throw-away
 * PostgreSQL databases, the cached NDJSON dataset, the real server as a child process with an
 * RSS/CPU sampler, streaming uploads, percentiles, tables and result files. Runs from dist/bench/
 * (`npm run build:bench`).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
  openSync,
} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import type { DemoAdrBody, DemoDataset, DemoTrader } from '../fixtures/generator.js';

/** The repository: this file runs as dist/bench/lib.js. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT_DIR = path.join(ROOT, 'bench', 'out');
export const DIST_MAIN = path.join(ROOT, 'dist', 'api', 'src', 'main.js');
/** The server entry of a checkout's build (`code`: a repository with its own dist/; default: this one). */
export const distMain = (code: string = ROOT): string => path.join(path.resolve(code), 'dist', 'api', 'src', 'main.js');
export const DIST_GENERATOR = path.join(ROOT, 'dist', 'fixtures', 'generator.js');
/** The dataset ends just before this instant (fixed, so the cached file is reproducible). */
export const DATASET_NOW = new Date('2026-11-24T00:00:00Z');

mkdirSync(OUT_DIR, { recursive: true });

/** Server children still running: killed if the bench process ends without stopping them. */
const CHILDREN = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of CHILDREN) c.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));

// ───────────────────────────── arguments ─────────────────────────────

/** Parsed command-line options: `--name value` / `--name=value` → string, `--flag` → true. */
export type Args = Record<string, string | true | undefined>;

/** `--name value`, `--name=value`, `--flag` → { name: value|true } (kebab-case → camelCase). */
export function parseArgs(argv: readonly string[], defaults: Args = {}): Args {
  const out: Args = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    let key = eq > 0 ? a.slice(2, eq) : a.slice(2);
    let value: string | true | undefined = eq > 0 ? a.slice(eq + 1) : undefined;
    if (value === undefined) {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        i++;
      } else value = true;
    }
    key = key.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
    out[key] = value;
  }
  return out;
}

/** A numeric option (`1_000_000` allowed), or `fallback` when it is absent. */
export function num(v: string | true | undefined, fallback: number): number;
export function num(v: string | true | undefined, fallback?: number): number | undefined;
export function num(v: string | true | undefined, fallback?: number): number | undefined {
  if (v === undefined || v === true) return fallback;
  const n = Number(String(v).replaceAll('_', ''));
  if (!Number.isFinite(n)) throw new Error(`not a number: ${v}`);
  return n;
}

/** A string option, or `fallback` when it is absent or given as a bare flag. */
export const str = (v: string | true | undefined, fallback: string): string => (typeof v === 'string' ? v : fallback);

// ───────────────────────────── PostgreSQL ─────────────────────────────

export const PG_BASE = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const dbUrl = (name: string): string => `${PG_BASE}/${name}`;

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'odr-bench' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createDatabase(name: string): Promise<void> {
  await withClient(dbUrl('postgres'), async (c) => {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  });
}

export async function dropDatabase(name: string): Promise<void> {
  await withClient(dbUrl('postgres'), (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
}

export async function databaseExists(name: string): Promise<boolean> {
  return withClient(
    dbUrl('postgres'),
    async (c) => ((await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount ?? 0) > 0,
  );
}

export async function checkpoint(name: string): Promise<void> {
  await withClient(dbUrl(name), (c) => c.query('CHECKPOINT'));
}

// ───────────────────────────── machine ─────────────────────────────

export interface MachineInfo {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  postgres: string;
  pgSettings: Record<string, string>;
}

export async function machineInfo(): Promise<MachineInfo> {
  const cpu = /model name\s*:\s*(.*)/.exec(safeRead('/proc/cpuinfo'))?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  const pgVersion = await withClient(
    dbUrl('postgres'),
    async (c) => (await c.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? 'unknown',
  ).catch(() => 'unknown');
  const settings = await withClient(dbUrl('postgres'), async (c) =>
    Object.fromEntries(
      (
        await c.query<{ name: string; v: string }>(
          `SELECT name, setting || coalesce(unit, '') AS v FROM pg_settings WHERE name IN ('shared_buffers','work_mem','maintenance_work_mem','temp_buffers','synchronous_commit','max_wal_size')`,
        )
      ).rows.map((r) => [r.name, r.v]),
    ),
  ).catch((): Record<string, string> => ({}));
  return {
    cpu,
    cores: os.availableParallelism(),
    ramGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    postgres: pgVersion,
    pgSettings: settings,
  };
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

// ───────────────────────────── dataset ─────────────────────────────

export function assertBuilt(code: string = ROOT): void {
  if (path.resolve(code) !== ROOT) {
    if (!existsSync(distMain(code)))
      throw new Error(`${distMain(code)} is missing: build that checkout first (\`npx tsc -p tsconfig.build.json\` in ${code})`);
    return;
  }
  if (!existsSync(DIST_MAIN) || !existsSync(DIST_GENERATOR)) {
    throw new Error('dist/ is missing: run `npm run build:bench` (or `npm run bench`, which builds first)');
  }
}

/**
 * The NDJSON file of `complaints` generated complaints (seed, fixed `now`), written once under
 * bench/out/ and reused while the generator's build is unchanged. Returns the file, its size,
 * and the reference data (traders, ADR bodies) that has to be PUT before ingesting it.
 */
export interface Dataset {
  file: string;
  bytes: number;
  complaints: number;
  seed: number;
  genHash: string;
  traders: readonly DemoTrader[];
  adrBodies: readonly DemoAdrBody[];
}

export async function ensureDataset({
  complaints,
  seed = 1,
  log = console.log,
}: {
  complaints: number;
  seed?: number;
  log?: (line: string) => void;
}): Promise<Dataset> {
  assertBuilt();
  const genHash = createHash('sha1').update(readFileSync(DIST_GENERATOR)).digest('hex').slice(0, 8);
  const base = path.join(OUT_DIR, `complaints-${complaints}-s${seed}-${genHash}`);
  const file = `${base}.ndjson`;
  const { generateDemo } = (await import(pathToFileURL(DIST_GENERATOR).href)) as typeof import('../fixtures/generator.js');
  const data: DemoDataset = generateDemo({ complaints, seed, now: DATASET_NOW });
  if (!existsSync(file)) {
    const t0 = performance.now();
    log(`generating ${complaints.toLocaleString('en')} complaints → ${path.relative(ROOT, file)} …`);
    const tmp = `${file}.tmp-${process.pid}`;
    const out = createWriteStream(tmp);
    let buf = '';
    let n = 0;
    for (const c of data.complaints()) {
      buf += JSON.stringify(c) + '\n';
      if (++n % 2000 === 0) {
        if (!out.write(buf)) await new Promise<void>((r) => out.once('drain', () => r()));
        buf = '';
      }
    }
    if (buf) out.write(buf);
    await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    renameSync(tmp, file);
    log(`  generated in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  return { file, bytes: statSync(file).size, complaints, seed, genHash, traders: data.traders, adrBodies: data.adrBodies };
}

// ───────────────────────────── the server ─────────────────────────────

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts `node dist/api/src/main.js` against `databaseUrl` (null: the embedded store in DATA_DIR)
 * (no demo data, warn logs, no ETL schedule, no rate limit, a bulk limit of 8 GiB). Resolves once /api/health answers 200.
 * `preload` (default) loads bench/server-preload.ts: Node's requestTimeout off (see there).
 * `code`: the checkout whose build runs (its dist/api/src/main.js, started in that directory);
 * default: this repository.
 */
export const PRELOAD = path.join(ROOT, 'dist', 'bench', 'server-preload.js');

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A server under test, as `startServer` started it. */
export interface BenchServer {
  url: string;
  pid: number;
  preload: boolean;
  token: string;
  logFile: string;
  headers: Record<string, string>;
  readonly exited: ServerExit | null;
  stop(): Promise<ServerExit>;
}

export interface ServerOptions {
  databaseUrl: string | null;
  nodeArgs?: readonly string[];
  env?: Record<string, string>;
  label?: string;
  preload?: boolean;
  code?: string;
  /**
   * A command the server is started through, its own arguments first: it must end by exec'ing
   * the rest (so the pid it started with stays the server's), e.g. one that joins a cgroup first.
   */
  wrapper?: readonly string[];
}

export async function startServer({
  databaseUrl,
  nodeArgs = [],
  env = {},
  label = 'server',
  preload = true,
  code = ROOT,
  wrapper = [],
}: ServerOptions): Promise<BenchServer> {
  assertBuilt(code);
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  mkdirSync(path.join(OUT_DIR, 'logs'), { recursive: true });
  const logFile = path.join(OUT_DIR, 'logs', `${label}-${stamp()}.log`);
  const fd = openSync(logFile, 'a');
  const command = [process.execPath, ...(preload ? ['--import', pathToFileURL(PRELOAD).href] : []), ...nodeArgs, distMain(code)];
  const [file, ...argv] = [...wrapper, ...command];
  const child = spawn(file!, argv, {
    cwd: path.resolve(code),
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      // undefined: left out of the child's environment (spawn skips it), even if this shell has one.
      DATABASE_URL: databaseUrl ?? undefined,
      DATA_DIR: path.join(OUT_DIR, 'data'),
      DEMO: 'false',
      LOG_LEVEL: 'warn',
      ETL_CRON: 'off',
      RATE_LIMIT_PER_MINUTE: 'off',
      BULK_BODY_LIMIT_MB: '8192',
      ADMIN_TOKEN: token,
      ...env,
    },
    stdio: ['ignore', fd, fd],
  });
  CHILDREN.add(child);
  let exited: ServerExit | null = null;
  child.on('exit', () => CHILDREN.delete(child));
  const exitPromise = new Promise<ServerExit>((resolve) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`the server exited during start-up (${JSON.stringify(exited)}); log: ${logFile}\n${tail(logFile)}`);
    try {
      const r = await fetch(`${url}/api/health`);
      if (r.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the server did not answer /api/health within 60 s; log: ${logFile}\n${tail(logFile)}`);
    }
    await sleep(100);
  }
  return {
    url,
    pid: child.pid!,
    preload,
    token,
    logFile,
    headers: { authorization: `Bearer ${token}` },
    get exited() {
      return exited;
    },
    async stop() {
      if (exited) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      const r = await exitPromise;
      clearTimeout(timer);
      return r;
    },
  };
}

export function tail(file: string, lines = 20): string {
  return safeRead(file).trimEnd().split('\n').slice(-lines).join('\n');
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** utime + stime of a process in ms, or null when it is gone. */
export function cpuMs(pid: number): number | null {
  const stat = safeRead(`/proc/${pid}/stat`);
  if (!stat) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

export function rssBytes(pid: number): number | null {
  const m = /VmRSS:\s+(\d+) kB/.exec(safeRead(`/proc/${pid}/status`));
  return m ? Number(m[1]) * 1024 : null;
}

/** VmHWM (peak RSS) and VmRSS of a process in bytes, or null when it is gone. */
export function vmStatus(pid: number): { hwm: number; rss: number } | null {
  const text = safeRead(`/proc/${pid}/status`);
  if (!text) return null;
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;
  return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
}

/** A process's peak RSS followed over phases (watchPeak). */
export interface PeakWatch {
  /** VmHWM since the start, or since the last reset. */
  peak(): number;
  /** Over the process's life, resets or not (the last seen once it is gone). */
  lifetime(): number;
  /** VmHWM starts over from the current RSS (Linux ≥ 4.0: `5` into /proc/PID/clear_refs); false where not allowed. */
  reset(): boolean;
  stop(): void;
}

/**
 * Follows a process's VmHWM, read every 100 ms so that the last figure before it is killed (OOM)
 * is known; VmHWM itself is the kernel's, so no peak between two reads is missed.
 */
export function watchPeak(pid: number): PeakWatch {
  let peak = vmStatus(pid)?.hwm ?? 0;
  let lifetime = peak;
  const sample = (): number => {
    const v = vmStatus(pid);
    if (v && v.hwm > peak) peak = v.hwm;
    if (peak > lifetime) lifetime = peak;
    return peak;
  };
  const timer = setInterval(sample, 100);
  timer.unref();
  return {
    peak: sample,
    lifetime: () => (sample(), lifetime),
    reset(): boolean {
      sample();
      try {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        peak = vmStatus(pid)?.hwm ?? 0;
        return true;
      } catch {
        return false;
      }
    },
    stop: () => clearInterval(timer),
  };
}

/**
 * Samples the server's RSS every `everyMs` and the CPU time of the server and of the PostgreSQL
 * backends serving it (found through pg_stat_activity) so a run can say who was busy.
 */
export interface SamplerFigures {
  peakRssBytes: number;
  lastRssBytes: number;
  samples: number;
  serverCpuMs: number;
  pgBackendCpuMs: number;
}

export function startSampler({ pid, databaseName, everyMs = 100 }: { pid: number; databaseName: string; everyMs?: number }): {
  stop(): Promise<SamplerFigures>;
} {
  let peak = 0;
  let samples = 0;
  let last = rssBytes(pid) ?? 0;
  const serverCpu0 = cpuMs(pid) ?? 0;
  const backends = new Map<number, { first: number; last: number }>();
  const timer = setInterval(() => {
    const rss = rssBytes(pid);
    if (rss !== null) {
      last = rss;
      if (rss > peak) peak = rss;
      samples++;
    }
    for (const [bpid, b] of backends) {
      const c = cpuMs(bpid);
      if (c !== null) b.last = c;
    }
  }, everyMs);
  timer.unref();
  // Backends come and go with the pool: look them up once a second.
  let client: pg.Client | null = null;
  let stopped = false;
  const lookup = async () => {
    try {
      if (stopped) return;
      if (!client) {
        client = new pg.Client({ connectionString: dbUrl(databaseName), application_name: 'odr-bench-sampler' });
        // The database may be dropped (FORCE) under it: never crash the bench for a sampler.
        client.on('error', () => {});
        await client.connect();
        if (stopped) {
          await client.end().catch(() => {});
          return;
        }
      }
      const { rows } = await client.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'odr-observatory'`,
        [databaseName],
      );
      for (const { pid: bpid } of rows) {
        if (!backends.has(bpid)) {
          const c = cpuMs(bpid);
          if (c !== null) backends.set(bpid, { first: c, last: c });
        }
      }
    } catch {
      /* best effort */
    }
  };
  void lookup();
  const lookupTimer = setInterval(lookup, 1000);
  lookupTimer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      clearInterval(lookupTimer);
      const rss = rssBytes(pid);
      if (rss !== null && rss > peak) peak = rss;
      for (const [bpid, b] of backends) {
        const c = cpuMs(bpid);
        if (c !== null) b.last = c;
      }
      if (client) await (client as pg.Client).end().catch(() => {});
      const serverCpu = (cpuMs(pid) ?? serverCpu0) - serverCpu0;
      let pgCpu = 0;
      for (const b of backends.values()) pgCpu += b.last - b.first;
      return { peakRssBytes: peak, lastRssBytes: last, samples, serverCpuMs: Math.round(serverCpu), pgBackendCpuMs: Math.round(pgCpu) };
    },
  };
}

// ───────────────────────────── SQL ─────────────────────────────

/** `[['x = $', v], ['y <> z']]` → { sql: 'x = $1 AND y <> z', params: [v] } (numbering after `params`). */
export type Where = readonly (readonly [string, ...unknown[]])[];

export function whereSql(where: Where, params: unknown[] = []): { sql: string; params: unknown[] } {
  const parts = where.map(([expr, ...vals]) => {
    let out = expr;
    for (const v of vals) {
      params.push(v);
      out = out.replace('$', `$${params.length}`);
    }
    return out;
  });
  return { sql: parts.length ? parts.join(' AND ') : 'true', params };
}

// ───────────────────────────── HTTP ─────────────────────────────

export async function api(
  server: Pick<BenchServer, 'url' | 'headers'>,
  method: string,
  urlPath: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const r = await fetch(`${server.url}${urlPath}`, {
    method,
    headers: { ...server.headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: r.status, body: json };
}

/** PUT the dataset's ADR bodies and traders (a few in parallel). */
export async function putReferenceData(
  server: BenchServer,
  dataset: Pick<Dataset, 'adrBodies' | 'traders'>,
  concurrency = 8,
): Promise<number> {
  const jobs: [string, string, unknown][] = [
    ...dataset.adrBodies.map((b): [string, string, unknown] => [
      'PUT',
      `/api/v1/adr-bodies/${encodeURIComponent(b.id)}`,
      { name: b.name, country: b.country, sectors: b.sectors },
    ]),
    ...dataset.traders.map((t): [string, string, unknown] => [
      'PUT',
      `/api/v1/traders/${encodeURIComponent(t.id)}`,
      { name: t.name, country: t.country, website: t.website, sector: t.sector },
    ]),
  ];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const [method, p, body] = jobs[next++]!;
      const r = await api(server, method, p, body);
      if (r.status !== 200 && r.status !== 201) throw new Error(`${method} ${p} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return jobs.length;
}

/**
 * POST a file to the bulk endpoint, streamed from disk (http.request, Content-Length set).
 * Resolves with the status, the parsed answer and the wall time from the first byte sent to
 * the last byte of the answer.
 */
export interface PostFileAnswer {
  status: number;
  body: unknown;
  ms: number;
  uploadMs: number | null;
}

export function postFile(
  server: BenchServer,
  file: string,
  { contentType = 'application/x-ndjson', urlPath = '/api/v1/complaints/bulk' }: { contentType?: string; urlPath?: string } = {},
): Promise<PostFileAnswer> {
  const size = statSync(file).size;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let uploadedAt: number | null = null;
    const req = http.request(
      `${server.url}${urlPath}`,
      {
        method: 'POST',
        headers: { ...server.headers, 'content-type': contentType, 'content-length': String(size) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const ms = performance.now() - t0;
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
          resolve({ status: res.statusCode ?? 0, body, ms, uploadMs: uploadedAt === null ? null : uploadedAt - t0 });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(0);
    req.on('error', reject);
    const rs = createReadStream(file, { highWaterMark: 1 << 20 });
    rs.on('error', reject);
    rs.on('end', () => {
      uploadedAt = performance.now();
    });
    rs.pipe(req);
  });
}

// ───────────────────────────── figures ─────────────────────────────

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export interface Summary {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(ms: readonly number[]): Summary {
  const s = [...ms].sort((a, b) => a - b);
  return {
    n: s.length,
    p50: percentile(s, 50),
    p95: percentile(s, 95),
    p99: percentile(s, 99),
    max: s.at(-1) ?? NaN,
    mean: s.reduce((a, b) => a + b, 0) / (s.length || 1),
  };
}

export const fmt = (n: number, digits = 0): string =>
  Number.isFinite(n) ? n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : String(n);
export const mib = (bytes: number): number => bytes / 2 ** 20;

export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const w = headers.map((_, i) => Math.max(...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ');
  return [line(cells[0]!), w.map((x) => '─'.repeat(x)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export function stamp(): string {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

export function writeResult(name: string, result: unknown): string {
  const file = path.join(OUT_DIR, `${name}-${stamp()}.json`);
  writeFileSync(file, JSON.stringify(result) + '\n');
  return file;
}
