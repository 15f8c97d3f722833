/**
 * Case-registry benchmark (contract "Case registry"): GET /api/v1/complaints latency on a store
 * of N complaints, per filter scenario, sequential requests after a warm-up, against the same
 * filter as plain SQL on PostgreSQL through `pg` (no HTTP, no Nest): the page
 * `SELECT … ORDER BY filed_at DESC, id DESC LIMIT 50` plus `count(*)`.
 *
 *   npm run bench -- registry [--database NAME] [--drop] [--complaints 1000000] [--seed 1]
 *                             [--requests 200] [--warmup 20] [--only name,name] [--vacuum]
 *                             [--changed 1000] [--slow-requests 20] [--slow-ms 250]
 *
 * --database NAME reuses a store that holds the dataset (e.g. `npm run bench -- ingest --keep-db
 * NAME`); without it a fresh database is loaded through POST /complaints/bulk and dropped at the
 * end (--drop drops a reused one too). Before measuring: ANALYZE complaints (as autovacuum would
 * soon after a load), or with --vacuum a VACUUM (ANALYZE), which also fills the visibility map
 * that index-only count scans rely on. The server builds its analytics snapshot at start-up, in a
 * DATA_DIR of its own emptied first (bench/out/registry/NAME: a snapshot left by an earlier run
 * would miss the writes made since, and one of another database is not this store's, so every
 * total would be counted in PostgreSQL); the bench waits for it and for the server's prewarm.
 * Its exact `total` counts the unchanged cases there; then --changed N cases (default 1 000)
 * are changed, as writes between two ETL runs would, so that each total also counts those in
 * PostgreSQL. Goal (issue 20): p95 ≤ 100 ms per scenario, with `total` exact.
 *
 * --slow-requests N (for 10 M complaints, where free text scans for seconds and the baseline's
 * count(*) takes a second or more): each side of a scenario (the API, the SQL baseline) whose
 * first 3 warm-up requests take more than --slow-ms (default 250) at the median stops its
 * warm-up there and is measured over N requests instead of --requests; the table names the
 * requests measured. A side that slow misses the goal by far, so fewer samples hide nothing.
 */
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { waitIdle } from './analytics-common.js';
import {
  OUT_DIR,
  ROOT,
  createDatabase,
  databaseExists,
  dbUrl,
  dropDatabase,
  ensureDataset,
  fmt,
  machineInfo,
  num,
  parseArgs,
  postFile,
  sleep,
  putReferenceData,
  startServer,
  summarize,
  table,
  whereSql,
  writeResult,
  type BenchServer,
  type MachineInfo,
  type Summary,
  type Where,
} from './lib.js';
import type { CasePage } from '../api/src/registry/registry.dto.js';

const GOAL_P95_MS = 100;
const PAGE = 50;
const COUNT_CAP = 10_000;

const args = parseArgs(process.argv.slice(2));
if (args.help) {
  console.log(
    'usage: npm run bench -- registry [--database NAME] [--drop] [--complaints N] [--requests 200] [--warmup 20] [--only a,b] [--vacuum] [--changed 1000] [--slow-requests 20] [--slow-ms 250]',
  );
  process.exit(0);
}
const complaints = num(args.complaints, 1_000_000);
const seed = num(args.seed, 1);
const requests = num(args.requests, 200);
const warmup = num(args.warmup, 20);
const changed = num(args.changed, 1000);
/** Requests for a slow side of a scenario (null: every side gets --requests). */
const slowRequests = num(args.slowRequests) ?? null;
const slowMs = num(args.slowMs, 250);
/** Warm-up requests timed before a side may be judged slow. */
const SLOW_PROBE = 3;
const only = typeof args.only === 'string' ? new Set(args.only.split(',')) : null;
const reuse = typeof args.database === 'string' ? args.database : null;
const database = reuse ?? `bench_registry_${process.pid}`;
const log = (...a: unknown[]): void => console.log(...a);

// ───────────────────────────── the store ─────────────────────────────

async function prepareStore(): Promise<number> {
  if (reuse) {
    if (!(await databaseExists(reuse)))
      throw new Error(`database ${reuse} does not exist (run npm run bench -- ingest --keep-db ${reuse}, or omit --database)`);
    const n = await withPg((c) => c.query<{ n: number }>('SELECT count(*)::int AS n FROM complaints')).then((r) => r.rows[0]!.n);
    log(`reusing database ${reuse}: ${fmt(n)} complaints`);
    return n;
  }
  const dataset = await ensureDataset({ complaints, seed, log });
  await createDatabase(database);
  log(`database ${database}: loading ${fmt(complaints)} complaints through POST /complaints/bulk …`);
  const server = await startServer({ databaseUrl: dbUrl(database), label: 'registry-load', preload: !args.noPreload });
  try {
    await putReferenceData(server, dataset);
    const r = await postFile(server, dataset.file);
    if (r.status !== 200) throw new Error(`loading failed: ${r.status} ${JSON.stringify(r.body).slice(0, 1000)}`);
    log(`  loaded in ${fmt(r.ms / 1000, 1)} s`);
  } finally {
    await server.stop();
  }
  return complaints;
}

/** One connection for the whole run (the scenarios' picks and the SQL baseline), opened on first use. */
let pgClient: pg.Client | null = null;
async function pgConnection(): Promise<pg.Client> {
  if (!pgClient) {
    pgClient = new pg.Client({ connectionString: dbUrl(database), application_name: 'odr-bench-registry' });
    await pgClient.connect();
  }
  return pgClient;
}
async function withPg<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  return fn(await pgConnection());
}

// ───────────────────────────── scenarios ─────────────────────────────

/** A registry query string (as the API takes it) and the same condition for the SQL baseline. */
type Scenario = { name: string; query: Record<string, string>; where: Where } & (
  | { kind: 'filter' | 'cursor' }
  /** `q` = one of `refs` (exact references sampled from the store), in turn. */
  | { kind: 'q'; refs: string[] }
);

/** Request i's reference in a `q` scenario (they take turns). */
function refOf(s: { refs: string[] }, i: number): string {
  const ref = s.refs[i % s.refs.length];
  if (ref === undefined) throw new Error('q = exact reference: no reference sampled from the store');
  return ref;
}

/**
 * Picks the filter values from the data (big/small trader, busiest ADR body, a month …) so the
 * scenarios mean the same on any dataset. Each scenario: the query string of the API and the
 * equivalent SQL condition for the baseline.
 */
async function scenarios(): Promise<{ list: Scenario[]; picked: Picked }> {
  const all = async <R extends pg.QueryResultRow>(text: string): Promise<R[]> => (await withPg((c) => c.query<R>(text))).rows;
  /** The first row; the picks below that are not optional need the store to have one. */
  const one = async <R extends pg.QueryResultRow>(text: string): Promise<R | undefined> => (await all<R>(text))[0];
  const needed = <R>(row: R | undefined, what: string): R => {
    if (row === undefined) throw new Error(`the store has no ${what} to build a scenario on`);
    return row;
  };
  type Count = { id: string; n: number };
  type Value = { v: string; n: number };
  const big = needed(
    await one<Count>(`SELECT trader_id AS id, count(*)::int AS n FROM complaints GROUP BY 1 ORDER BY 2 DESC LIMIT 1`),
    'trader',
  );
  const small = await one<Count>(
    `SELECT trader_id AS id, count(*)::int AS n FROM complaints GROUP BY 1 HAVING count(*) BETWEEN 3 AND 50 ORDER BY 2 DESC, 1 LIMIT 1`,
  );
  const adr = await one<Count>(
    `SELECT adr_body_id AS id, count(*)::int AS n FROM complaints WHERE adr_body_id IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
  );
  const sector = needed(
    await one<Value>(`SELECT sector AS v, count(*)::int AS n FROM complaints GROUP BY 1 ORDER BY 2 DESC LIMIT 1`),
    'sector',
  );
  const problem = needed(
    await one<Value>(`SELECT problem AS v, count(*)::int AS n FROM complaints GROUP BY 1 ORDER BY 2 DESC LIMIT 1`),
    'problem',
  );
  const stage = needed(
    await one<Value>(`SELECT stage AS v, count(*)::int AS n FROM complaints WHERE stage <> 'closed' GROUP BY 1 ORDER BY 2 DESC LIMIT 1`),
    'open stage',
  );
  const closure = await one<Value>(
    `SELECT closure AS v, count(*)::int AS n FROM complaints WHERE closure IS NOT NULL GROUP BY 1 ORDER BY 2 DESC LIMIT 1`,
  );
  const lastFiled = (await one<{ last: Date | null }>(`SELECT max(filed_at) AS last FROM complaints`))?.last ?? undefined;
  // A whole calendar month, the one before the last full month of the data.
  const last = new Date(needed(lastFiled, 'complaint'));
  const monthFrom = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - 2, 1)).toISOString().slice(0, 10);
  const monthTo = new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - 1, 1)).toISOString().slice(0, 10);
  const refs = (await all<{ external_ref: string }>(`SELECT external_ref FROM complaints TABLESAMPLE SYSTEM (1) LIMIT 1000`)).map(
    (r) => r.external_ref,
  );

  const filters: [name: string, query: Record<string, string>, where: Where][] = [
    ['none', {}, []],
    [`stage=${stage.v}`, { stage: stage.v }, [['stage = $', stage.v]]],
    ['status=open', { status: 'open' }, [['status = $', 'open']]],
    ['overdue=true', { overdue: 'true' }, [["status = 'open' AND due_at < now()"]]],
    ['consumerCountry=DE', { consumerCountry: 'DE' }, [['consumer_country = $', 'DE']]],
    ['consumerCountry=LI (rare)', { consumerCountry: 'LI' }, [['consumer_country = $', 'LI']]],
    ['traderCountry=FR', { traderCountry: 'FR' }, [['trader_country = $', 'FR']]],
    [`sector=${sector.v}`, { sector: sector.v }, [['sector = $', sector.v]]],
    [`problem=${problem.v}`, { problem: problem.v }, [['problem = $', problem.v]]],
    [`traderId big (${fmt(big.n)} cases)`, { traderId: big.id }, [['trader_id = $', big.id]]],
    [`traderId small (${small?.n ?? 0} cases)`, { traderId: small?.id ?? big.id }, [['trader_id = $', small?.id ?? big.id]]],
    [`adrBodyId (${fmt(adr?.n ?? 0)} cases)`, { adrBodyId: adr?.id ?? 'none' }, [['adr_body_id = $', adr?.id ?? 'none']]],
    ['crossBorder=true', { crossBorder: 'true' }, [['consumer_country <> trader_country']]],
    [
      `from/to one month (${monthFrom.slice(0, 7)})`,
      { from: monthFrom, to: monthTo },
      [
        ['filed_at >= $::timestamptz', `${monthFrom}T00:00:00Z`],
        ['filed_at < $::timestamptz', `${monthTo}T00:00:00Z`],
      ],
    ],
    [
      `consumerCountry=DE & sector`,
      { consumerCountry: 'DE', sector: sector.v },
      [
        ['consumer_country = $', 'DE'],
        ['sector = $', sector.v],
      ],
    ],
    [
      'status=open & traderCountry=DE',
      { status: 'open', traderCountry: 'DE' },
      [
        ['status = $', 'open'],
        ['trader_country = $', 'DE'],
      ],
    ],
    [
      `crossBorder & problem & month`,
      { crossBorder: 'true', problem: problem.v, from: monthFrom, to: monthTo },
      [
        ['consumer_country <> trader_country'],
        ['problem = $', problem.v],
        ['filed_at >= $::timestamptz', `${monthFrom}T00:00:00Z`],
        ['filed_at < $::timestamptz', `${monthTo}T00:00:00Z`],
      ],
    ],
    [
      `closure=${closure?.v} & traderCountry=IT & from`,
      { closure: closure?.v ?? 'withdrawn', traderCountry: 'IT', from: monthFrom },
      [
        ['closure = $', closure?.v ?? 'withdrawn'],
        ['trader_country = $', 'IT'],
        ['filed_at >= $::timestamptz', `${monthFrom}T00:00:00Z`],
      ],
    ],
  ];
  const list: Scenario[] = filters.map(([name, query, where]) => ({ name, kind: 'filter', query, where }));
  list.push({ name: 'deep pages (20 × nextCursor, no filter)', kind: 'cursor', query: {}, where: [] });
  list.push({
    name: `deep pages (20 × nextCursor, sector)`,
    kind: 'cursor',
    query: { sector: sector.v },
    where: [['sector = $', sector.v]],
  });
  list.push({ name: 'q = exact reference', kind: 'q', query: {}, where: [], refs });
  const picked: Picked = {
    bigTrader: big,
    smallTrader: small,
    adrBody: adr,
    sector: sector.v,
    problem: problem.v,
    stage: stage.v,
    closure: closure?.v,
    month: [monthFrom, monthTo],
  };
  return { list: only ? list.filter((s) => [...only].some((o) => s.name.startsWith(o))) : list, picked };
}

/** The values the scenarios were built on (in the result file). */
interface Picked {
  bigTrader: { id: string; n: number };
  smallTrader: { id: string; n: number } | undefined;
  adrBody: { id: string; n: number } | undefined;
  sector: string;
  problem: string;
  stage: string;
  closure: string | undefined;
  month: [from: string, to: string];
}

// ───────────────────────────── measuring ─────────────────────────────

async function timeHttp(server: BenchServer, query: Record<string, string>): Promise<{ ms: number; body: CasePage }> {
  const qs = new URLSearchParams(query).toString();
  const t0 = performance.now();
  const r = await fetch(`${server.url}/api/v1/complaints${qs ? `?${qs}` : ''}`, { headers: server.headers });
  const body: unknown = await r.json();
  const ms = performance.now() - t0;
  if (r.status !== 200) throw new Error(`GET /api/v1/complaints?${qs} → ${r.status} ${JSON.stringify(body).slice(0, 500)}`);
  return { ms, body: body as CasePage };
}

/** The middle of the timings (NaN for none). */
function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)]! : NaN;
}

/**
 * One side of a scenario: the warm-up (cut short when its first SLOW_PROBE requests are slow,
 * with --slow-requests), then the measured requests. `oneRequest(i, into)` makes request i,
 * pushes its timings into `into` and returns how many it pushed.
 */
async function measure(
  oneRequest: (i: number, into: number[]) => Promise<number>,
): Promise<{ ms: number[]; slow: boolean; wallS: number }> {
  const t0 = performance.now();
  const warm: number[] = [];
  const isSlow = () => slowRequests !== null && warm.length >= SLOW_PROBE && median(warm) > slowMs;
  const timed = async (i: number, into: number[]): Promise<number> => {
    const n = await oneRequest(i, into);
    if (n === 0) throw new Error('a request timed nothing (a chain of pages without a next page?)');
    return n;
  };
  for (let i = 0; warm.length < warmup && !isSlow();) i += await timed(i, warm);
  const slow = isSlow();
  const target = slow ? slowRequests! : requests;
  const ms: number[] = [];
  for (let i = 0; ms.length < target; i++) await timed(i, ms);
  return { ms, slow, wallS: (performance.now() - t0) / 1000 };
}

/** Runs one scenario against the API; returns latencies (ms) and a sample answer. */
async function runApi(server: BenchServer, s: Scenario): Promise<{ ms: number[]; slow: boolean; wallS: number; sample: CasePage | null }> {
  let sample: CasePage | null = null;
  const oneRequest = async (i: number, into: number[]): Promise<number> => {
    if (s.kind === 'q') {
      const ref = refOf(s, i);
      const r = await timeHttp(server, { q: ref });
      into.push(r.ms);
      sample ??= r.body;
      if (!r.body.items.some((it) => it.externalRef === ref)) throw new Error(`q=${ref}: the reference is not in the answer`);
      return 1;
    }
    if (s.kind === 'cursor') {
      // One chain: the first page (not counted), then 20 pages by nextCursor (counted).
      let r = await timeHttp(server, { ...s.query, limit: String(PAGE) });
      let n = 0;
      for (let p = 0; p < 20 && r.body.nextCursor; p++) {
        r = await timeHttp(server, { ...s.query, limit: String(PAGE), cursor: r.body.nextCursor });
        into.push(r.ms);
        sample ??= r.body;
        n++;
      }
      return n;
    }
    const r = await timeHttp(server, { ...s.query, limit: String(PAGE) });
    into.push(r.ms);
    sample ??= r.body;
    return 1;
  };
  const m = await measure(oneRequest);
  return { ms: m.ms, slow: m.slow, wallS: m.wallS, sample };
}

/**
 * The same scenario as plain SQL: the page, then count(*) — the full count as the brief's
 * baseline, and (reported beside it) the count capped at 10 001 as the contract allows.
 */
async function runSql(s: Scenario): Promise<{ full: number[]; capped: number[]; slow: boolean; wallS: number }> {
  const client = await pgConnection();
  // Page + capped count, kept beside each list of full figures (warm-up, measured) it goes with.
  const cappedOf = new Map<number[], number[]>();
  const now = new Date().toISOString();
  const oneRequest = async (i: number, full: number[]): Promise<number> => {
    const params: unknown[] = [];
    let where: { sql: string; params: unknown[] };
    let cursorWhere = '';
    if (s.kind === 'q') {
      where = whereSql([['external_ref = $', refOf(s, i)]], params);
    } else {
      where = whereSql(
        s.where.map(([e, ...v]): [string, ...unknown[]] => [e.replace('now()', `'${now}'::timestamptz`), ...v]),
        params,
      );
    }
    const filterParams = params.length;
    if (s.kind === 'cursor') {
      // Deep keyset page: after the (filed_at, id) of a row ~ (i % 20 + 1) pages in.
      const depth = ((i % 20) + 1) * PAGE;
      const key = (
        await client.query<{ filed_at: Date; id: string }>(
          `SELECT filed_at, id FROM complaints WHERE ${where.sql} ORDER BY filed_at DESC, id DESC OFFSET ${depth - 1} LIMIT 1`,
          params,
        )
      ).rows[0];
      if (key) {
        params.push(key.filed_at, key.id);
        cursorWhere = ` AND (filed_at, id) < ($${params.length - 1}, $${params.length})`;
      }
    }
    const page = `SELECT * FROM complaints WHERE ${where.sql}${cursorWhere} ORDER BY filed_at DESC, id DESC LIMIT ${PAGE}`;
    const t0 = performance.now();
    await client.query(page, params);
    const t1 = performance.now();
    const countParams = params.slice(0, filterParams);
    await client.query(`SELECT count(*) FROM complaints WHERE ${where.sql}`, countParams);
    const t2 = performance.now();
    await client.query(`SELECT count(*) FROM (SELECT 1 FROM complaints WHERE ${where.sql} LIMIT ${COUNT_CAP + 1}) m`, countParams);
    const t3 = performance.now();
    full.push(t2 - t0);
    if (!cappedOf.has(full)) cappedOf.set(full, []);
    cappedOf.get(full)!.push(t1 - t0 + (t3 - t2));
    return 1;
  };
  const m = await measure(oneRequest);
  return { full: m.ms, capped: cappedOf.get(m.ms) ?? [], slow: m.slow, wallS: m.wallS };
}

// ───────────────────────────── main ─────────────────────────────

interface ScenarioResult {
  name: string;
  query: Record<string, string>;
  api: Summary;
  baseline: Summary;
  baselineCapped: Summary;
  ratioP50: number;
  ratioP50Capped: number;
  /** Measured with --slow-requests (its first warm-ups over --slow-ms): the API, the baseline. */
  slow: { api: boolean; baseline: boolean };
  /** Wall time of each side, warm-up included (s). */
  wallS: { api: number; baseline: number };
  total: number | undefined;
  totalExact: boolean | undefined;
  items: number | undefined;
}

/** The JSON line under bench/out/ (fields filled in as the run goes). */
interface RegistryResult {
  bench: 'registry';
  at: string;
  complaints: number;
  database: string;
  requests: number;
  warmup: number;
  slowRequests: number | null;
  slowMs: number;
  machine: MachineInfo;
  autovacuum: string;
  prepared: string;
  snapshotReadyS?: number;
  changedSinceSnapshot?: number;
  scenarios: ScenarioResult[];
  picked?: Picked;
  overall?: { api: Summary; baseline: Summary; ratioP50: number; apiWithoutQ: Summary };
  samplesMs?: Record<string, number[]>;
  goals?: { p95: { goal: string; value: number; met: boolean }; scenariosMissing: string[] };
  loadavg?: { start: number[]; end: number[] };
  /** The whole run, and its parts (s). */
  wallS?: { total: number; snapshot: number; api: number; baseline: number };
}

/** Waits for the start-up ETL run's snapshot (stats answer 200); its wait in seconds. */
async function snapshotBuilt(server: BenchServer): Promise<number> {
  const t0 = performance.now();
  for (;;) {
    const r = await fetch(`${server.url}/api/v1/stats/summary`, { headers: server.headers });
    await r.arrayBuffer();
    if (r.status === 200) return (performance.now() - t0) / 1000;
    if (performance.now() - t0 > 600_000) throw new Error(`no analytics snapshot after 10 min (stats answer ${r.status})`);
    await sleep(250);
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  const machine = await machineInfo();
  const load0 = os.loadavg();
  const stored = await prepareStore();
  await withPg(async () => {});
  // Statistics as the planner would have them once autovacuum has seen the load (this bench's
  // PostgreSQL may run with autovacuum off); --vacuum also sets the visibility map, which the
  // index-only count scans need to skip the heap.
  const autovacuum = await withPg((c) => c.query<{ autovacuum: string }>('SHOW autovacuum')).then((r) => r.rows[0]!.autovacuum);
  if (args.vacuum) await withPg((c) => c.query('VACUUM (ANALYZE) complaints, complaint_events, traders'));
  else await withPg((c) => c.query('ANALYZE complaints'));
  const dataDir = path.join(OUT_DIR, 'registry', database);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const server = await startServer({
    databaseUrl: dbUrl(database),
    label: 'registry-server',
    preload: !args.noPreload,
    env: { DATA_DIR: dataDir },
  });
  const result: RegistryResult = {
    bench: 'registry',
    at: new Date().toISOString(),
    complaints: stored,
    database,
    requests,
    warmup,
    slowRequests,
    slowMs,
    machine,
    autovacuum,
    prepared: args.vacuum ? 'VACUUM (ANALYZE)' : 'ANALYZE complaints',
    scenarios: [],
  };
  try {
    const probe = await fetch(`${server.url}/api/v1/complaints?limit=1`, { headers: server.headers });
    if (probe.status !== 200) throw new Error(`GET /api/v1/complaints answers ${probe.status}: the registry endpoint is not there yet`);
    result.snapshotReadyS = await snapshotBuilt(server);
    // After a publication the server computes the unfiltered answers in the background.
    const prewarmMs = await waitIdle(server);
    log(
      `analytics snapshot built in ${fmt(result.snapshotReadyS, 1)} s, then the server's prewarm ≈ ${fmt((prewarmMs ?? NaN) / 1000, 1)} s`,
    );
    if (changed > 0) {
      // The trigger stamps changed_xid: these cases now count in PostgreSQL, the rest in the snapshot.
      await withPg((c) =>
        c.query(`UPDATE complaints SET updated_at = updated_at WHERE id IN (SELECT id FROM complaints ORDER BY random() LIMIT $1)`, [
          changed,
        ]),
      );
      log(`${fmt(changed)} cases changed since the snapshot`);
    }
    result.changedSinceSnapshot = changed;
    const { list, picked } = await scenarios();
    result.picked = picked;
    log(`server pid ${server.pid} on ${server.url}; ${list.length} scenarios × ${requests} requests (after ${warmup} warm-up), sequential`);
    const all: number[] = [];
    const allBase: number[] = [];
    const samples: [Scenario, number[]][] = [];
    const rows: string[][] = [];
    for (const s of list) {
      const api = await runApi(server, s);
      const base = await runSql(s);
      const a = summarize(api.ms);
      const b = summarize(base.full);
      const bc = summarize(base.capped);
      all.push(...api.ms);
      samples.push([s, api.ms]);
      allBase.push(...base.full);
      const entry: ScenarioResult = {
        name: s.name,
        query: s.kind === 'q' ? { q: '<reference>' } : s.kind === 'cursor' ? { ...s.query, cursor: '<20 deep>' } : s.query,
        api: round(a),
        baseline: round(b),
        baselineCapped: round(bc),
        ratioP50: a.p50 / b.p50,
        ratioP50Capped: a.p50 / bc.p50,
        slow: { api: api.slow, baseline: base.slow },
        wallS: { api: Math.round(api.wallS * 10) / 10, baseline: Math.round(base.wallS * 10) / 10 },
        total: api.sample?.total,
        totalExact: api.sample?.totalExact,
        items: api.sample?.items.length,
      };
      result.scenarios.push(entry);
      rows.push([
        s.name,
        fmt(a.p50, 1),
        fmt(a.p95, 1),
        fmt(a.p99, 1),
        fmt(b.p50, 1),
        fmt(bc.p50, 1),
        fmt(entry.ratioP50, 2),
        fmt(entry.ratioP50Capped, 2),
        entry.total === undefined ? '?' : `${fmt(entry.total)}${entry.totalExact ? '' : '~'}`,
        `${a.n}${api.slow ? '*' : ''} / ${b.n}${base.slow ? '*' : ''}`,
        a.p95 <= GOAL_P95_MS ? 'ok' : 'MISS',
      ]);
      log(
        `  ${s.name}: p50 ${fmt(a.p50, 1)} ms, p95 ${fmt(a.p95, 1)} ms over ${a.n}${api.slow ? ' (slow)' : ''} (SQL page+count(*) p50 ${fmt(b.p50, 1)} ms, capped ${fmt(bc.p50, 1)} ms, over ${b.n}${base.slow ? ' (slow)' : ''}); ${fmt(api.wallS + base.wallS, 0)} s`,
      );
    }
    const o = summarize(all);
    const noQ = summarize(samples.flatMap(([s, ms]) => (s.kind === 'q' ? [] : ms)));
    const ob = summarize(allBase);
    const overall = { api: round(o), baseline: round(ob), ratioP50: o.p50 / ob.p50, apiWithoutQ: round(noQ) };
    result.overall = overall;
    result.samplesMs = Object.fromEntries(samples.map(([s, ms]) => [s.name, ms.map((x) => Math.round(x * 100) / 100)]));
    const goals = {
      p95: { goal: `<= ${GOAL_P95_MS} ms`, value: o.p95, met: o.p95 <= GOAL_P95_MS },
      scenariosMissing: result.scenarios.filter((s) => s.api.p95 > GOAL_P95_MS).map((s) => s.name),
    };
    result.goals = goals;
    result.loadavg = { start: load0, end: os.loadavg() };
    const sumOf = (side: 'api' | 'baseline') => Math.round(result.scenarios.reduce((t, x) => t + x.wallS[side], 0));
    result.wallS = {
      total: Math.round((performance.now() - started) / 1000),
      snapshot: Math.round(result.snapshotReadyS),
      api: sumOf('api'),
      baseline: sumOf('baseline'),
    };
    log('');
    log(
      `registry benchmark — ${fmt(stored)} complaints, after ${result.prepared} (autovacuum ${autovacuum}) — ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, PostgreSQL ${machine.postgres}; load average ${load0.map((x) => x.toFixed(1)).join(' ')}`,
    );
    log(
      table(
        [
          'scenario (limit 50)',
          'p50',
          'p95',
          'p99',
          'SQL p50',
          'SQL cap p50',
          'ratio',
          'ratio cap',
          'total',
          'n API / SQL',
          `p95≤${GOAL_P95_MS}`,
        ],
        [
          ...rows,
          [
            'overall',
            fmt(o.p50, 1),
            fmt(o.p95, 1),
            fmt(o.p99, 1),
            fmt(ob.p50, 1),
            '',
            fmt(overall.ratioP50, 2),
            '',
            '',
            '',
            o.p95 <= GOAL_P95_MS ? 'ok' : 'MISS',
          ],
          [
            'overall without q',
            fmt(noQ.p50, 1),
            fmt(noQ.p95, 1),
            fmt(noQ.p99, 1),
            '',
            '',
            '',
            '',
            '',
            '',
            noQ.p95 <= GOAL_P95_MS ? 'ok' : 'MISS',
          ],
        ],
      ),
    );
    log(
      `(ms; SQL = page + count(*) over pg; SQL cap = page + count capped at 10 001; ratio = API p50 / SQL p50; ~ = estimate or lower bound; n = requests measured${slowRequests === null ? '' : `, * = slow: its first ${SLOW_PROBE} warm-ups took over ${fmt(slowMs)} ms at the median, so measured over --slow-requests ${slowRequests}`})`,
    );
    log(
      `goal overall p95 ≤ ${GOAL_P95_MS} ms: ${fmt(o.p95, 1)} ms — ${goals.p95.met ? 'met' : `MISSED by ${fmt(o.p95 - GOAL_P95_MS, 1)} ms`}${goals.scenariosMissing.length ? `; scenarios over: ${goals.scenariosMissing.join('; ')}` : ''}`,
    );
    const w = result.wallS;
    log(
      `run time ${fmt(w.total / 60, 1)} min: the start-up snapshot ${fmt(w.snapshot)} s, the API's requests ${fmt(w.api)} s, the SQL baseline's ${fmt(w.baseline)} s (warm-ups included)`,
    );
    const file = writeResult('registry', result);
    log(`result: ${path.relative(ROOT, file)}`);
  } finally {
    await server.stop().catch(() => {});
    if (pgClient) await pgClient.end().catch(() => {});
    if (!reuse || args.drop)
      await dropDatabase(database).catch((e: unknown) =>
        console.error(`could not drop ${database}: ${e instanceof Error ? e.message : String(e)}`),
      );
  }
}

/** The figures to 0.01 ms (the count stays whole). */
function round(s: Summary): Summary {
  const r = (v: number): number => Math.round(v * 100) / 100;
  return { n: s.n, p50: r(s.p50), p95: r(s.p95), p99: r(s.p99), max: r(s.max), mean: r(s.mean) };
}

main().catch((err: unknown) => {
  console.error(`registry bench failed: ${(err instanceof Error ? err.stack : undefined) ?? String(err)}`);
  process.exit(1);
});
