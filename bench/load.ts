/**
 * bench/load (issue 6, "Load"): a mixed workload against one server on the 1-million-complaint
 * store for `--seconds` (60): bulk and single ingest, the case registry and the analytics, all at
 * once. Goal: 0 errors (429s are counted apart: the rate limit is raised for the test, not
 * removed, so the limiter stays in the request path), and every acknowledged ingest stored.
 *
 *   npm run bench -- load [--seconds 60] [--complaints 1000000] [--database odr_bench_dashboard]
 *                         [--registry 4] [--analytics 4] [--single 2] [--bulk 1] [--batch 500]
 *                         [--etl-cron '*\/30 * * * * *'] [--rate-limit 1000000] [--timeout 10]
 *                         [--bulk-timeout 60] [--seed 1] [--keep] [--only a,b]
 *                         [--ref-share 0.05] [--ref-via externalRef|q]
 *
 * One autocannon instance per endpoint class, all started together and run for the same time,
 * each with a few connections (the flags above) so that no class alone saturates the 2-core
 * machine (the server, PostgreSQL and this load generator share it):
 *   - single   POST /api/v1/complaints, one new complaint per request (unique externalRef);
 *   - bulk     POST /api/v1/complaints/bulk, NDJSON batches of `--batch` new complaints;
 *   - registry GET /api/v1/complaints with a varied filter, then its second page (nextCursor),
 *              then GET /api/v1/complaints/{id} of a case on that page;
 *   - analytics GET /api/v1/stats/* (the Overview's six, flows, overdue, the trader table, a
 *              trader benchmark, an ADR body report) with varied filters.
 * Ingest uses a token of role `ingest` bound to a source unique to the run (`load-bench-…`);
 * reads a `regulator` token. The complaints are valid by construction: traders, ADR bodies and
 * codes taken from the store and from the code lists (core/codes.ts).
 *
 * The store is the one bench/dashboard.ts uses (generated straight into PostgreSQL by
 * bench/analytics-data.ts, kept and reused). The server runs from dist/ (build first) on a fresh
 * DuckDB file, so it builds the snapshot at start-up (a full ETL); ETL_CRON runs the incremental
 * ETL every 30 s by default, so the analytics see the new complaints during the run.
 *
 * Afterwards: the complaints of the run's source in PostgreSQL are compared with those the API
 * acknowledged (2xx): every acknowledged one must be there ("nothing acknowledged lost"; a few
 * more may be, from requests cut by the end of the run after the server committed them); one more
 * ETL run, and the analytics must count them too. Then the run's complaints, their events and
 * batches are deleted and the tables vacuumed (the store stays as generated for the other benches;
 * `--keep` leaves them), as are those of an earlier run that stopped before its clean-up.
 *
 * Exit 1 and "FAIL" when any answer is neither 2xx nor 429, on a timeout or socket error, or
 * when an acknowledged complaint is missing.
 */
import autocannon from 'autocannon';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { COUNTRIES, PROBLEMS, PROBLEM_CODES, SECTOR_CODES } from '../core/codes.js';
import { ensureAnalyticsDataset } from './analytics-data.js';
import {
  type BenchServer,
  type MachineInfo,
  type SamplerFigures,
  type Summary,
  OUT_DIR,
  ROOT,
  dbUrl,
  fmt,
  machineInfo,
  num,
  parseArgs,
  sleep,
  startSampler,
  startServer,
  summarize,
  table,
  withClient,
  writeResult,
} from './lib.js';

const args = parseArgs(process.argv.slice(2));
if (args.help) {
  console.log(
    "usage: npm run bench -- load [--seconds 60] [--complaints 1000000] [--database odr_bench_dashboard] [--registry 4] [--analytics 4] [--single 2] [--bulk 1] [--batch 500] [--etl-cron '*/30 * * * * *'] [--rate-limit 1000000] [--timeout 10] [--bulk-timeout 60] [--seed 1] [--keep] [--only single,bulk,registry,analytics] [--ref-share 0.05]",
  );
  process.exit(0);
}
const seconds = num(args.seconds, 60);
const complaints = num(args.complaints, 1_000_000);
const database = typeof args.database === 'string' ? args.database : 'odr_bench_dashboard';
const connections: Record<Klass, number> = {
  single: num(args.single, 2),
  bulk: num(args.bulk, 1),
  registry: num(args.registry, 4),
  analytics: num(args.analytics, 4),
};
const batchSize = num(args.batch, 500);
const etlCron = typeof args.etlCron === 'string' ? args.etlCron : '*/30 * * * * *';
const rateLimit = typeof args.rateLimit === 'string' ? args.rateLimit : '1000000';
const timeoutS = num(args.timeout, 10);
const bulkTimeoutS = num(args.bulkTimeout, 60);
const keep = Boolean(args.keep);
/** Share of the registry's first pages that look a case up by its reference. */
const refShare = num(args.refShare, 0.05);
/**
 * How: the `externalRef` filter (an index lookup, the default) or free text `q`, which also
 * matches trader names and descriptions as substrings and so reads the whole store (~2 s at 1 M).
 */
const refVia: 'q' | 'externalRef' = args.refVia === 'q' ? 'q' : 'externalRef';
const CLASSES = ['single', 'bulk', 'registry', 'analytics'] as const;
type Klass = (typeof CLASSES)[number];
const isKlass = (k: string): k is Klass => (CLASSES as readonly string[]).includes(k);
/** `--only registry,analytics`: some classes alone (what one class sustains without the others). */
const only = typeof args.only === 'string' ? new Set(args.only.split(',')) : null;
if (only && [...only].some((k) => !isKlass(k))) throw new Error(`--only takes ${CLASSES.join(', ')}`);
const log = (...m: unknown[]): void => console.log(...m);

/** The run's feed: every complaint the bench ingests carries it, so the check and clean-up find them. */
const SOURCE_PREFIX = 'load-bench-';
const runTag = `${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}Z-${process.pid}`;
const source = `${SOURCE_PREFIX}${runTag}`;

// ───────────────────────────── randomness ─────────────────────────────

/** mulberry32: a seeded generator, so two runs send the same mix of filters and complaints. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rnd = prng(num(args.seed, 1));
// The lists are never empty: code lists, and samples of a generated store.
const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;

// ───────────────────────────── what the store holds ─────────────────────────────

interface StoreTrader {
  id: string;
  name: string;
  country: string;
  sector: string;
}

interface StoreCase {
  id: string;
  external_ref: string;
}

/** What the bench samples of the store. */
interface Store {
  traders: StoreTrader[];
  adrBodies: string[];
  cases: StoreCase[];
  bigTraders: string[];
  stored: number;
  years: number[];
}

/** Traders, ADR bodies, case ids and references from the store, so requests name real things. */
async function sampleStore(): Promise<Store> {
  return withClient(dbUrl(database), async (c) => {
    const q = async <R extends object>(sql: string): Promise<R[]> => (await c.query<R>(sql)).rows;
    const traders = await q<StoreTrader>(
      `SELECT id, name, country, sector FROM traders WHERE sector IS NOT NULL ORDER BY random() LIMIT 2000`,
    );
    const adrBodies = (await q<{ id: string }>(`SELECT id FROM adr_bodies ORDER BY id`)).map((r) => r.id);
    const cases = await q<StoreCase>(`SELECT id::text AS id, external_ref FROM complaints TABLESAMPLE SYSTEM (1) LIMIT 2000`);
    // Traders with many cases (the registry's and the benchmark's interesting ones) and a few small ones.
    const bigTraders = (await q<{ id: string }>(`SELECT trader_id AS id FROM complaints GROUP BY 1 ORDER BY count(*) DESC LIMIT 100`)).map(
      (r) => r.id,
    );
    // Aggregates without GROUP BY: always one row.
    const { n } = (await q<{ n: number }>(`SELECT count(*)::int AS n FROM complaints`))[0]!;
    const { first, last } = (
      await q<{ first: number; last: number }>(
        `SELECT extract(year FROM min(filed_at))::int AS first, extract(year FROM max(filed_at))::int AS last FROM complaints`,
      )
    )[0]!;
    return { traders, adrBodies, cases, bigTraders, stored: n, years: Array.from({ length: last - first + 1 }, (_, i) => first + i) };
  });
}

/** Complaints of earlier runs that ended before their clean-up, and the run's own at the end. */
interface Deleted {
  complaints: number | null;
  events: number | null;
  batches: number | null;
}

async function deleteIngested(sourcePattern: string): Promise<Deleted> {
  return withClient(dbUrl(database), async (c) => {
    await c.query('BEGIN');
    try {
      // complaint_events is append-only (a trigger refuses DELETE): replica mode skips ordinary
      // triggers for this transaction (and the foreign keys, hence events before their complaints).
      await c.query(`SET LOCAL session_replication_role = replica`);
      const ev = await c.query(`DELETE FROM complaint_events e USING complaints c WHERE c.id = e.complaint_id AND c.source LIKE $1`, [
        sourcePattern,
      ]);
      const cs = await c.query(`DELETE FROM complaints WHERE source LIKE $1`, [sourcePattern]);
      const bs = await c.query(`DELETE FROM ingest_batches WHERE source LIKE $1`, [sourcePattern]);
      await c.query('COMMIT');
      return { complaints: cs.rowCount, events: ev.rowCount, batches: bs.rowCount };
    } catch (err) {
      await c.query('ROLLBACK');
      throw err;
    }
  });
}

// ───────────────────────────── request bodies ─────────────────────────────

const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString();

/** A lifecycle event of an ingested complaint. */
type IngestEvent = { type: string; at: string } & Record<string, string>;

/**
 * One valid complaint (contract "Complaints (ingest)"): a trader of the store with its own
 * name, country and sector, a consumer at home or abroad, filed in the last 30 days, and a
 * lifecycle prefix that domain.md §1 allows (sent → replied → ADR agreed → accepted → outcome,
 * or settled / withdrawn), never later than now.
 */
function complaintOf(ref: string, store: Store): Record<string, unknown> {
  const now = Date.now() - 60_000;
  const t = pick(store.traders);
  const consumerCountry = rnd() < 0.5 ? t.country : pick(COUNTRIES);
  const problem = pick(PROBLEM_CODES);
  const details: readonly string[] = PROBLEMS[problem].details;
  const filed = now - (1 + rnd() * 29) * DAY;
  const events: IngestEvent[] = [];
  let at = filed + 5 * 60_000;
  const add = (type: string, extra: Record<string, string> = {}, gapDays = 0): boolean => {
    at += gapDays * DAY;
    if (at > now) return false;
    events.push({ type, at: iso(at), ...extra });
    return true;
  };
  if (add('sent_to_trader') && rnd() < 0.6) {
    const decision = pick(['proposes_adr', 'declines', 'direct_talks']);
    if (add('trader_replied', { decision }, rnd() * 8)) {
      if (decision === 'proposes_adr' && rnd() < 0.5) {
        if (
          add('adr_body_agreed', { adrBodyId: pick(store.adrBodies) }, 1 + rnd() * 3) &&
          rnd() < 0.7 &&
          add('adr_accepted', {}, 1 + rnd() * 5) &&
          rnd() < 0.5
        ) {
          add('adr_outcome', { result: pick(['in_favour_of_consumer', 'in_favour_of_trader', 'amicable']) }, 2 + rnd() * 10);
        }
      } else if (rnd() < 0.3) add(rnd() < 0.7 ? 'settled_directly' : 'withdrawn', {}, rnd() * 5);
    }
  }
  const n = ref.length;
  return {
    externalRef: ref,
    filedAt: iso(filed),
    complainant: 'consumer',
    consumer: { country: consumerCountry, name: `Load Tester ${n}`, email: `load${n}@example.org` },
    trader: { id: t.id, name: t.name, country: t.country },
    sector: (SECTOR_CODES as readonly string[]).includes(t.sector) ? t.sector : 'other',
    problem,
    ...(details.length && rnd() < 0.7 ? { problemDetail: pick(details) } : {}),
    orderedOnline: true,
    price: { amount: (5 + rnd() * 300).toFixed(2), currency: 'EUR' },
    purchasedAt: iso(filed - (1 + rnd() * 20) * DAY).slice(0, 10),
    contactedTrader: rnd() < 0.75,
    description: `Load test complaint ${ref}.`,
    events,
  };
}

// ───────────────────────────── query strings ─────────────────────────────

type Query = Record<string, string>;

/** A registry or analytics filter: none, one, or two of the registry's filters. */
function filterOf(store: Store, { registry }: { registry: boolean }): Query {
  const one = (): Query => {
    const k = Math.floor(rnd() * (registry ? 12 : 9));
    const y = pick(store.years);
    switch (k) {
      case 0:
        return { consumerCountry: pick(COUNTRIES) };
      case 1:
        return { traderCountry: pick(COUNTRIES) };
      case 2:
        return { sector: pick(SECTOR_CODES) };
      case 3:
        return { problem: pick(PROBLEM_CODES) };
      case 4:
        return { crossBorder: 'true' };
      case 5:
        return { from: `${y}-01-01`, to: `${y + 1}-01-01` };
      case 6:
        return { from: `${y}-${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}-01` };
      case 7:
        return { traderId: pick(store.bigTraders) };
      case 8:
        return { adrBodyId: pick(store.adrBodies) };
      case 9:
        return { stage: pick(['filed', 'with_trader', 'trader_replied', 'at_adr_body', 'adr_in_progress', 'closed']) };
      case 10:
        return { status: pick(['open', 'closed']) };
      default:
        return { overdue: 'true' };
    }
  };
  const r = rnd();
  if (r < 0.2) return {};
  const a = one();
  if (r < 0.75) return a;
  // Two filters on different things (two periods could make `from` after `to`: a 400, rightly).
  const dates = (f: Query) => 'from' in f || 'to' in f;
  for (;;) {
    const b = one();
    if (!Object.keys(b).some((k) => k in a) && !(dates(a) && dates(b))) return { ...a, ...b };
  }
}
const qs = (o: Query): string => new URLSearchParams(o).toString();

/** The analytics endpoints, with the share of requests each gets (the Overview's six lead). */
function analyticsPath(store: Store): [endpoint: string, path: string] {
  const f = filterOf(store, { registry: false });
  const r = rnd();
  if (r < 0.14) return ['GET /stats/summary', `/api/v1/stats/summary?${qs(f)}`];
  if (r < 0.26) return ['GET /stats/trend', `/api/v1/stats/trend?${qs({ ...f, interval: pick(['month', 'month', 'quarter', 'year']) })}`];
  if (r < 0.38) return ['GET /stats/countries', `/api/v1/stats/countries?${qs({ ...f, side: pick(['consumer', 'trader']) })}`];
  if (r < 0.48) return ['GET /stats/sectors', `/api/v1/stats/sectors?${qs(f)}`];
  if (r < 0.58) return ['GET /stats/problems', `/api/v1/stats/problems?${qs(f)}`];
  if (r < 0.68) return ['GET /stats/outcomes', `/api/v1/stats/outcomes?${qs(f)}`];
  if (r < 0.75) return ['GET /stats/flows', `/api/v1/stats/flows?${qs(f)}`];
  if (r < 0.82) return ['GET /stats/overdue', `/api/v1/stats/overdue?${qs(f)}`];
  if (r < 0.89) return ['GET /stats/traders', `/api/v1/stats/traders?${qs({ ...f, limit: '50' })}`];
  if (r < 0.95)
    return [
      'GET /stats/traders/{id}/benchmark',
      `/api/v1/stats/traders/${encodeURIComponent(pick(store.bigTraders))}/benchmark?year=${pick(store.years)}`,
    ];
  return [
    'GET /stats/adr-bodies/{id}/report',
    `/api/v1/stats/adr-bodies/${encodeURIComponent(pick(store.adrBodies))}/report?year=${pick(store.years)}`,
  ];
}

// ───────────────────────────── recording ─────────────────────────────

interface ErrorSample {
  status: number;
  body: string;
}

interface SlowAnswer {
  ms: number;
  status: number;
  path: string | undefined;
  atS: number;
}

interface EndpointStats {
  name: string;
  klass: Klass;
  ms: number[];
  status: Record<number, number>;
  errorSamples: ErrorSample[];
  slowest: SlowAnswer[];
}

/** Per endpoint: latencies of every answer and the count per status. */
const endpoints = new Map<string, EndpointStats>();
function endpointStats(name: string, klass: Klass): EndpointStats {
  let e = endpoints.get(name);
  if (!e) endpoints.set(name, (e = { name, klass, ms: [], status: {}, errorSamples: [], slowest: [] }));
  return e;
}

/**
 * autocannon calls a request's onResponse(status, body, context) and, synchronously right after,
 * emits the instance's 'response' event with the latency (see autocannon's httpClient.js:
 * recordBody, then emit('response')). onResponse says which endpoint answered, the event how
 * long it took: `answered` carries the one to the other.
 */
let answered: { name: string; klass: Klass; status: number; urlPath: string } | null = null;
/** Per class: completed answers per second of the run (the timeline shows what the ETL costs). */
const perSecond: Record<Klass, number[]> = { single: [], bulk: [], registry: [], analytics: [] };
let runStartedAt = 0;

/** Acknowledged ingests: references the API answered 2xx for. */
const acked = {
  single: [] as string[],
  bulkBatches: [] as string[],
  bulkComplaints: 0,
  bulkInserted: 0,
  bulkDuplicates: 0,
  bulkUpdated: 0,
};

function onAnswer(name: string, klass: Klass, status: number, body: string, urlPath: string): void {
  answered = { name, klass, status, urlPath };
  if ((status < 200 || status >= 300) && status !== 429) {
    const e = endpointStats(name, klass);
    if (e.errorSamples.length < 5) e.errorSamples.push({ status, body: String(body).slice(0, 500) });
  }
}

/** Records the instance's answers; returns the first request errors (timeouts, sockets). */
function trackInstance(instance: autocannon.Instance, klass: Klass): string[] {
  instance.on('response', (_client, status, _bytes, ms) => {
    const a = answered;
    answered = null;
    const e = endpointStats(a && a.klass === klass ? a.name : `${klass} (unattributed)`, klass);
    e.ms.push(ms);
    e.status[status] = (e.status[status] ?? 0) + 1;
    // The five slowest answers and what was asked, to say what the p99 is made of.
    const fifth = e.slowest[4];
    if (!fifth || ms > fifth.ms) {
      e.slowest.push({ ms: Math.round(ms), status, path: a?.urlPath, atS: Math.round((performance.now() - runStartedAt) / 100) / 10 });
      e.slowest.sort((x, y) => y.ms - x.ms);
      e.slowest.length = Math.min(5, e.slowest.length);
    }
    const s = Math.floor((performance.now() - runStartedAt) / 1000);
    perSecond[klass][s] = (perSecond[klass][s] ?? 0) + 1;
  });
  const errors: string[] = [];
  instance.on('reqError', (err) => {
    if (errors.length < 5) errors.push(String(err?.message ?? err));
  });
  return errors;
}

// ───────────────────────────── the four classes ─────────────────────────────

// A connection's context: set by a step's setupRequest, read by its onResponse.
interface SingleContext {
  ref: string;
  path: string;
}

interface BulkContext {
  prefix: string;
}

interface RegistryContext {
  filter: Query;
  endpoint: string;
  path: string;
  cursor?: string | null;
  ids?: string[];
}

interface AnalyticsContext {
  endpoint: string;
  path: string;
}

/** The bulk endpoint's answer, as far as the bench reads it. */
interface BulkAnswer {
  received: number;
  inserted: number;
  updated: number;
  duplicates: number;
}

/** A registry page, as far as the bench reads it. */
interface RegistryPage {
  items: { id: string }[];
  nextCursor?: string | null;
}

function singleIngest(server: BenchServer, token: string, store: Store): autocannon.Instance {
  let n = 0;
  return autocannon<SingleContext>({
    url: server.url,
    connections: connections.single,
    duration: seconds,
    timeout: timeoutS,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        setupRequest(req, context) {
          context.ref = `LB-${runTag}-S${String(++n).padStart(7, '0')}`;
          context.path = '/api/v1/complaints';
          return { ...req, path: context.path, body: JSON.stringify(complaintOf(context.ref, store)) };
        },
        onResponse(status, body, context) {
          onAnswer('POST /complaints', 'single', status, body, context.ref);
          if (status === 201 || status === 200) acked.single.push(context.ref);
        },
      },
    ],
  });
}

function bulkIngest(server: BenchServer, token: string, store: Store): autocannon.Instance {
  let b = 0;
  return autocannon<BulkContext>({
    url: server.url,
    connections: connections.bulk,
    duration: seconds,
    timeout: bulkTimeoutS,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    requests: [
      {
        method: 'POST',
        setupRequest(req, context) {
          context.prefix = `LB-${runTag}-B${String(++b).padStart(5, '0')}-`;
          let body = '';
          for (let i = 0; i < batchSize; i++)
            body += JSON.stringify(complaintOf(`${context.prefix}${String(i).padStart(4, '0')}`, store)) + '\n';
          return { ...req, path: '/api/v1/complaints/bulk', body };
        },
        onResponse(status, body, context) {
          onAnswer('POST /complaints/bulk', 'bulk', status, body, `${context.prefix}*`);
          if (status !== 200) return;
          const r = JSON.parse(body) as BulkAnswer;
          acked.bulkBatches.push(context.prefix);
          acked.bulkComplaints += r.received;
          acked.bulkInserted += r.inserted;
          acked.bulkUpdated += r.updated;
          acked.bulkDuplicates += r.duplicates;
        },
      },
    ],
  });
}

/** A chain per cycle: a first page, its second page by nextCursor, one case of it in detail. */
function registry(server: BenchServer, token: string, store: Store): autocannon.Instance {
  const firstPage = (req: autocannon.Request, context: RegistryContext): autocannon.Request => {
    // 5 %: a case looked up by its reference, reported as its own row (`--ref-via`).
    const byRef = rnd() < refShare;
    const f: Query = byRef ? { [refVia]: pick(store.cases).external_ref } : filterOf(store, { registry: true });
    if (rnd() < 0.1) f.sort = 'filedAt';
    context.filter = f;
    context.endpoint = byRef ? `GET /complaints?${refVia}=<reference>` : 'GET /complaints';
    context.path = `/api/v1/complaints?${qs({ ...f, limit: '50' })}`;
    return { ...req, path: context.path };
  };
  return autocannon<RegistryContext>({
    url: server.url,
    connections: connections.registry,
    duration: seconds,
    timeout: timeoutS,
    headers: { authorization: `Bearer ${token}` },
    requests: [
      {
        setupRequest: firstPage,
        onResponse(status, body, context) {
          onAnswer(context.endpoint, 'registry', status, body, context.path);
          if (status !== 200) return;
          const r = JSON.parse(body) as RegistryPage;
          context.cursor = r.nextCursor;
          context.ids = r.items.map((it) => it.id);
        },
      },
      {
        setupRequest(req, context) {
          // No second page (a filter with ≤ 50 matches, or the first page failed): another first page.
          if (!context.cursor) return firstPage(req, context);
          context.endpoint = 'GET /complaints (cursor page)';
          context.path = `/api/v1/complaints?${qs({ ...context.filter, limit: '50', cursor: context.cursor })}`;
          return { ...req, path: context.path };
        },
        onResponse(status, body, context) {
          onAnswer(context.endpoint, 'registry', status, body, context.path);
          if (status !== 200) return;
          const r = JSON.parse(body) as RegistryPage;
          if (r.items.length) context.ids = r.items.map((it) => it.id);
        },
      },
      {
        setupRequest(req, context) {
          const id = context.ids?.length ? pick(context.ids) : pick(store.cases).id;
          context.path = `/api/v1/complaints/${encodeURIComponent(id)}`;
          return { ...req, path: context.path };
        },
        onResponse(status, body, context) {
          onAnswer('GET /complaints/{id}', 'registry', status, body, context.path);
        },
      },
    ],
  });
}

function analytics(server: BenchServer, token: string, store: Store): autocannon.Instance {
  return autocannon<AnalyticsContext>({
    url: server.url,
    connections: connections.analytics,
    duration: seconds,
    timeout: timeoutS,
    headers: { authorization: `Bearer ${token}` },
    requests: [
      {
        setupRequest(req, context) {
          const [endpoint, p] = analyticsPath(store);
          context.endpoint = endpoint;
          context.path = p;
          return { ...req, path: p };
        },
        onResponse(status, body, context) {
          onAnswer(context.endpoint, 'analytics', status, body, context.path);
        },
      },
    ],
  });
}

// ───────────────────────────── helpers ─────────────────────────────

/** An API answer: the parsed JSON (the text when it is not JSON), typed as the caller reads it. */
interface CallAnswer<T> {
  status: number;
  body: T;
}

async function call<T = unknown>(
  server: BenchServer,
  token: string,
  method: string,
  urlPath: string,
  body?: Record<string, unknown>,
): Promise<CallAnswer<T>> {
  const r = await fetch(`${server.url}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: r.status, body: json as T };
}

async function issueToken(server: BenchServer, body: { role: string; source?: string; label: string }): Promise<string> {
  const r = await call<{ token: string }>(server, server.token, 'POST', '/api/v1/tokens', body);
  if (r.status !== 201) throw new Error(`could not issue a ${body.role} token: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}

async function storedOfSource(): Promise<number> {
  return withClient(
    dbUrl(database),
    async (c) => (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM complaints WHERE source = $1`, [source])).rows[0]!.n,
  );
}

/** The server's log lines at level error or above (pino: 50 error, 60 fatal), grouped by message. */
interface LogError {
  message: string;
  count: number;
  first: string;
}

/** A pino log record, as far as the bench reads it. */
interface LogRecord {
  level?: number;
  msg?: string;
  err?: { message?: string } | string;
}

function serverErrors(logFile: string): LogError[] {
  const out = new Map<string, LogError>();
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return [];
  }
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    let rec: LogRecord;
    try {
      rec = JSON.parse(line) as LogRecord;
    } catch {
      continue;
    }
    if ((rec.level ?? 0) < 50) continue;
    const err = typeof rec.err === 'object' ? (rec.err.message ?? rec.err) : rec.err;
    const key = `${rec.msg ?? ''} ${String(err ?? '')}`.trim().slice(0, 300);
    const e = out.get(key) ?? { message: key, count: 0, first: line.slice(0, 1000) };
    e.count++;
    out.set(key, e);
  }
  return [...out.values()];
}

/**
 * CPU time of every process on the machine (/proc), and the machine's busy time (/proc/stat):
 * the difference over the run says who else used the two cores (another engineer's tests run on
 * this machine too), not only the server, PostgreSQL and this load generator.
 */
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;
const tickMs = (t: number): number => (t * 1000) / CLK_TCK;

interface ProcCpu {
  ppid: string;
  /** Its own CPU, ms. */
  own: number;
  /** CPU of its children that exited and were waited for, ms. */
  kids: number;
  cmd: string;
}

interface CpuSnapshot {
  procs: Map<string, ProcCpu>;
  busyMs: number;
  at: number;
}

function cpuSnapshot(): CpuSnapshot {
  const procs = new Map<string, ProcCpu>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string | undefined;
    let cmd = '';
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    } catch {
      if (!stat) continue;
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After the command: state ppid … utime(11) stime(12) cutime(13) cstime(14): the last two
    // are the CPU of children that have exited and been waited for.
    procs.set(pid, {
      ppid: f[1] ?? '',
      own: tickMs(Number(f[11]) + Number(f[12])),
      kids: tickMs(Number(f[13]) + Number(f[14])),
      cmd: cmd || `[${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}]`,
    });
  }
  // cpu user nice system idle iowait irq softirq steal: busy = all but idle and iowait.
  const [, user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .map(Number);
  return { procs, busyMs: tickMs(user + nice + system + irq + softirq + steal), at: performance.now() };
}

/**
 * Snapshots every 2 s over the run; each process gets its own CPU interval by interval plus that
 * of its children that exited in between (PostgreSQL's parallel workers, a test runner's
 * workers), less what those children were already counted for while they were seen.
 */
interface ProcWatch {
  first: CpuSnapshot;
  last: CpuSnapshot;
  /** pid → CPU within the run (ms) and command line. */
  perPid: Map<string, { ms: number; cmd: string | undefined }>;
}

function startProcWatch(everyMs = 2000): { stop(): ProcWatch } {
  const first = cpuSnapshot();
  let prev = first;
  const perPid: ProcWatch['perPid'] = new Map();
  const add = (pid: string, ms: number, cmd?: string) => {
    const e = perPid.get(pid) ?? { ms: 0, cmd };
    e.ms += ms;
    if (cmd) e.cmd = cmd;
    perPid.set(pid, e);
  };
  const step = () => {
    const now = cpuSnapshot();
    for (const [pid, p] of now.procs) {
      // A pid not in the previous snapshot was born since: all its CPU is within the run.
      const before = prev.procs.get(pid);
      add(pid, p.own - (before?.own ?? 0) + (p.kids - (before?.kids ?? 0)), p.cmd);
    }
    for (const [pid, p] of prev.procs) {
      // Gone (waited for): its whole CPU moved into the parent's `kids`; what was seen of it
      // already counts under its own pid.
      if (!now.procs.has(pid) && now.procs.has(p.ppid)) add(p.ppid, -(p.own + p.kids));
    }
    prev = now;
  };
  const timer = setInterval(step, everyMs);
  timer.unref?.();
  return {
    stop() {
      clearInterval(timer);
      step();
      return { first, last: prev, perPid };
    },
  };
}

interface MachineCpu {
  wallMs: number;
  machineBusyMs: number;
  serverMs: number;
  postgresMs: number;
  pgBackendMs: number;
  postgresOtherMs: number;
  benchMs: number;
  otherMs: number;
  topOthers: { ms: number; cmd: string }[];
}

function cpuDiff({ first: a, last: b, perPid }: ProcWatch, serverPid: number): MachineCpu {
  type Proc = { pid: number; ms: number; cmd: string };
  const per: Proc[] = [...perPid].map(([pid, p]) => ({ pid: Number(pid), ms: Math.max(0, p.ms), cmd: p.cmd ?? '' }));
  const isServer = (p: Proc) => p.pid === serverPid;
  const isBench = (p: Proc) => p.pid === process.pid;
  const isPg = (p: Proc) => p.cmd.startsWith('postgres:') || p.cmd.includes('/postgresql/');
  // PostgreSQL's backends for the bench database (those seen by a snapshot); the rest of
  // PostgreSQL is the postmaster with its exited children (parallel workers, closed backends),
  // its background processes and other databases' backends (another engineer's tests).
  const isOurBackend = (p: Proc) => isPg(p) && p.cmd.includes(` ${database} `);
  const sum = (f: (p: Proc) => boolean) => Math.round(per.filter(f).reduce((s, p) => s + p.ms, 0));
  const others = per.filter((p) => !isServer(p) && !isBench(p) && !isPg(p) && p.ms > 0).sort((x, y) => y.ms - x.ms);
  const machineBusyMs = Math.round(b.busyMs - a.busyMs);
  const serverMs = sum(isServer);
  const benchMs = sum(isBench);
  const postgresMs = sum(isPg);
  const pgBackendMs = sum(isOurBackend);
  return {
    wallMs: Math.round(b.at - a.at),
    machineBusyMs,
    serverMs,
    postgresMs,
    pgBackendMs,
    postgresOtherMs: postgresMs - pgBackendMs,
    benchMs,
    // The rest: kernel threads, other users' work, orphans: the machine's busy time less the above.
    otherMs: Math.max(0, machineBusyMs - serverMs - postgresMs - benchMs),
    topOthers: others.slice(0, 5).map((p) => ({ ms: Math.round(p.ms), cmd: p.cmd.slice(0, 120) })),
  };
}

const ms1 = (v: number): string => (Number.isFinite(v) ? fmt(v, v < 10 ? 1 : 0) : '–');

// ───────────────────────────── the result file ─────────────────────────────

/** An ETL run as GET /api/v1/etl/runs lists it, as far as the bench reads it. */
interface EtlRun {
  id: number;
  kind: string;
  status: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  rowsRead?: number | null;
}

interface Verification {
  ackedSingle: number;
  ackedBulkBatches: number;
  ackedBulkComplaints: number;
  bulkInserted: number;
  bulkUpdated: number;
  bulkDuplicates: number;
  acked: number;
  stored: number;
  missing: number;
  missingSample: string[];
  storedNotAcked: number;
  finalEtl?: { status: number; run: unknown };
  /** The count, or the failed answer. */
  analyticsComplaints?: number | string;
  analyticsSeeAll?: boolean;
}

type Hist = Pick<autocannon.Histogram, 'average' | 'p50' | 'p99' | 'max' | 'min'>;

interface EndpointFigures {
  name: string;
  requests: number;
  reqPerS: number;
  latencyMs: Summary;
  statusCodes: Record<number, number>;
  rateLimited: number;
  otherNon2xx: number;
  errorSamples: ErrorSample[];
  slowest: SlowAnswer[];
}

interface ClassFigures {
  connections: number;
  requests: number;
  reqPerS: number;
  durationS: number;
  statusCodes: Record<string, number>;
  rateLimited: number;
  otherNon2xx: number;
  errors: number;
  timeouts: number;
  socketErrors: number;
  reqErrorSamples: string[];
  latencyMs: Summary;
  autocannon: { latency: Hist | null; requestsPerSecond: Hist | null; non2xx: number; resets: number };
  perSecond: number[];
  endpoints: EndpointFigures[];
}

interface CleanUp extends Partial<Deleted> {
  error?: string;
  vacuumError?: string;
  vacuumS?: number;
}

interface LoadResult {
  bench: 'load';
  at: string;
  complaints: number;
  database: string;
  source: string;
  seconds: number;
  connections: Record<Klass, number>;
  only: string[] | null;
  refShare: number;
  refVia: string;
  batchSize: number;
  etlCron: string;
  rateLimit: string;
  timeoutS: number;
  bulkTimeoutS: number;
  machine: MachineInfo;
  storeBefore: number;
  snapshotReadyS?: number;
  wallS?: number;
  classes?: Partial<Record<Klass, ClassFigures>>;
  verification?: Verification;
  etlRunsDuringLoad?: EtlRun[];
  serverLogErrors?: LogError[];
  serverLog?: string;
  usage?: SamplerFigures & { benchCpuMs: number; cpuSecondsAvailable: number };
  machineCpu?: MachineCpu;
  loadavg?: { start: number[]; end: number[] };
  verdict?: 'ok' | 'FAIL';
  cleanedUp?: CleanUp | false;
}

/** GET /api/health's answer, as far as the bench reads it. */
interface HealthAnswer {
  analytics?: { status?: string };
}

// ───────────────────────────── main ─────────────────────────────

const machine = await machineInfo();
log(
  `bench/load: ${seconds} s mixed workload on ${fmt(complaints)} complaints; connections single ${connections.single}, bulk ${connections.bulk} (× ${batchSize} complaints), registry ${connections.registry}, analytics ${connections.analytics}; ETL_CRON ${etlCron}, RATE_LIMIT_PER_MINUTE ${rateLimit}`,
);
log(`${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB, Node ${machine.node}, PostgreSQL ${machine.postgres}`);

await ensureAnalyticsDataset({ complaints, database, log });
const leftovers = await deleteIngested(`${SOURCE_PREFIX}%`);
if (leftovers.complaints)
  log(`deleted ${fmt(leftovers.complaints)} complaints left by an earlier load run that stopped before its clean-up`);
const store = await sampleStore();
log(`store ${database}: ${fmt(store.stored)} complaints; source of this run: ${source}`);

const work = path.join(OUT_DIR, 'load-data');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
log('starting the server (first ETL into a new DuckDB file) …');
const tStart = performance.now();
const server = await startServer({
  databaseUrl: dbUrl(database),
  label: 'load',
  env: { DATA_DIR: work, DUCKDB_PATH: path.join(work, 'analytics.duckdb'), ETL_CRON: etlCron, RATE_LIMIT_PER_MINUTE: rateLimit },
});
let failed: boolean;
const result: LoadResult = {
  bench: 'load',
  at: new Date().toISOString(),
  complaints,
  database,
  source,
  seconds,
  connections,
  only: only ? [...only] : null,
  refShare,
  refVia,
  batchSize,
  etlCron,
  rateLimit,
  timeoutS,
  bulkTimeoutS,
  machine,
  storeBefore: store.stored,
};
try {
  const ingestToken = await issueToken(server, { role: 'ingest', source, label: `bench/load ${runTag}` });
  const readerToken = await issueToken(server, { role: 'regulator', label: `bench/load ${runTag}` });
  for (;;) {
    const h = (await (await fetch(`${server.url}/api/health`, { headers: server.headers })).json()) as HealthAnswer;
    if (h.analytics?.status === 'up') break;
    if (performance.now() - tStart > 600_000) throw new Error(`no analytics snapshot after 10 min: ${JSON.stringify(h)}`);
    await sleep(500);
  }
  const snapshotReadyS = (performance.now() - tStart) / 1000;
  result.snapshotReadyS = snapshotReadyS;
  log(`  snapshot ready after ${fmt(snapshotReadyS, 1)} s; letting the prewarm of the unfiltered views finish …`);
  await sleep(5000);

  // ── the run ──
  const load0 = os.loadavg();
  const sampler = startSampler({ pid: server.pid, databaseName: database, everyMs: 250 });
  const benchCpu0 = process.cpuUsage();
  const procWatch = startProcWatch();
  const etlBefore = (await call<{ items: EtlRun[] }>(server, server.token, 'GET', '/api/v1/etl/runs')).body.items.map((r) => r.id);
  log(`running ${seconds} s …`);
  runStartedAt = performance.now();
  const start: Record<Klass, (server: BenchServer, token: string, store: Store) => autocannon.Instance> = {
    single: singleIngest,
    bulk: bulkIngest,
    registry,
    analytics,
  };
  const instances = CLASSES.filter((k) => !only || only.has(k)).map(
    (k) => [k, start[k](server, k === 'single' || k === 'bulk' ? ingestToken : readerToken, store)] as const,
  );
  const reqErrors: Partial<Record<Klass, string[]>> = Object.fromEntries(instances.map(([k, inst]) => [k, trackInstance(inst, k)]));
  const progress = setInterval(() => {
    const s = Math.floor((performance.now() - runStartedAt) / 1000);
    const last = instances.map(([k]) => `${k} ${perSecond[k][s - 1] ?? 0}/s`).join(', ');
    log(`  ${s} s: ${last}`);
  }, 10_000);
  const classResults: Partial<Record<Klass, autocannon.Result>> = Object.fromEntries(
    await Promise.all(instances.map(async ([k, inst]) => [k, await inst] as const)),
  );
  clearInterval(progress);
  const wallS = (performance.now() - runStartedAt) / 1000;
  const procs = procWatch.stop();
  const usage = await sampler.stop();
  const machineCpu = cpuDiff(procs, server.pid);
  const benchCpu = process.cpuUsage(benchCpu0);
  const load1 = os.loadavg();

  // ── nothing acknowledged lost ──
  // Requests cut by the end of the run may still be committing: wait until the count is stable.
  let stored = await storedOfSource();
  for (let i = 0; i < 30; i++) {
    await sleep(1000);
    const again = await storedOfSource();
    if (again === stored) break;
    stored = again;
  }
  const storedRefs = await withClient(
    dbUrl(database),
    async (c) =>
      new Set(
        (await c.query<{ external_ref: string }>(`SELECT external_ref FROM complaints WHERE source = $1`, [source])).rows.map(
          (r) => r.external_ref,
        ),
      ),
  );
  const missing: string[] = [];
  for (const ref of acked.single) if (!storedRefs.has(ref)) missing.push(ref);
  for (const prefix of acked.bulkBatches) {
    for (let i = 0; i < batchSize; i++) {
      const ref = `${prefix}${String(i).padStart(4, '0')}`;
      if (!storedRefs.has(ref)) missing.push(ref);
    }
  }
  const ackedComplaints = acked.single.length + acked.bulkComplaints;
  const verification: Verification = {
    ackedSingle: acked.single.length,
    ackedBulkBatches: acked.bulkBatches.length,
    ackedBulkComplaints: acked.bulkComplaints,
    bulkInserted: acked.bulkInserted,
    bulkUpdated: acked.bulkUpdated,
    bulkDuplicates: acked.bulkDuplicates,
    acked: ackedComplaints,
    stored: storedRefs.size,
    missing: missing.length,
    missingSample: missing.slice(0, 10),
    storedNotAcked: storedRefs.size - (ackedComplaints - missing.length),
  };

  // ── the analytics see them after one more ETL run ──
  const etlDuring = (await call<{ items: EtlRun[] }>(server, server.token, 'GET', '/api/v1/etl/runs')).body.items.filter(
    (r) => !etlBefore.includes(r.id),
  );
  // At most 120 tries, a second apart, while another ETL run holds the lock (409).
  let etl = await call(server, server.token, 'POST', '/api/v1/etl/runs?wait=true');
  for (let i = 1; i < 120 && etl.status === 409; i++) {
    await sleep(1000);
    etl = await call(server, server.token, 'POST', '/api/v1/etl/runs?wait=true');
  }
  const summary = await call<{ complaints: number }>(server, readerToken, 'GET', `/api/v1/stats/summary?${qs({ source })}`);
  verification.finalEtl = { status: etl.status, run: etl.body };
  verification.analyticsComplaints =
    summary.status === 200 ? summary.body.complaints : `${summary.status} ${JSON.stringify(summary.body).slice(0, 300)}`;
  verification.analyticsSeeAll = summary.status === 200 && summary.body.complaints === storedRefs.size;

  // ── figures ──
  const rows: string[][] = [];
  const classes: Partial<Record<Klass, ClassFigures>> = {};
  let errorsTotal = 0;
  let limited = 0;
  for (const klass of CLASSES) {
    const r = classResults[klass];
    if (!r) continue;
    const codes: Record<string, number> = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]));
    const n429 = codes[429] ?? 0;
    const otherNon2xx = Object.entries(codes)
      .filter(([k]) => !k.startsWith('2') && k !== '429')
      .reduce((s, [, v]) => s + v, 0);
    const eps = [...endpoints.values()].filter((e) => e.klass === klass).sort((a, b) => b.ms.length - a.ms.length);
    const all = summarize(eps.flatMap((e) => e.ms));
    const c: ClassFigures = {
      connections: connections[klass],
      requests: all.n,
      reqPerS: all.n / r.duration,
      durationS: r.duration,
      statusCodes: codes,
      rateLimited: n429,
      otherNon2xx,
      errors: r.errors,
      timeouts: r.timeouts,
      socketErrors: r.errors - r.timeouts,
      reqErrorSamples: reqErrors[klass] ?? [],
      latencyMs: round(all),
      autocannon: { latency: pickHist(r.latency), requestsPerSecond: pickHist(r.requests), non2xx: r.non2xx, resets: r.resets },
      perSecond: Array.from({ length: Math.ceil(r.duration) }, (_, i) => perSecond[klass][i] ?? 0),
      endpoints: eps.map((e): EndpointFigures => {
        const s = summarize(e.ms);
        const e429 = e.status[429] ?? 0;
        const eOther = Object.entries(e.status)
          .filter(([k]) => !k.startsWith('2') && k !== '429')
          .reduce((x, [, v]) => x + v, 0);
        return {
          name: e.name,
          requests: s.n,
          reqPerS: s.n / r.duration,
          latencyMs: round(s),
          statusCodes: e.status,
          rateLimited: e429,
          otherNon2xx: eOther,
          errorSamples: e.errorSamples,
          slowest: e.slowest,
        };
      }),
    };
    classes[klass] = c;
    errorsTotal += c.otherNon2xx + c.errors;
    limited += n429;
    const unit = klass === 'bulk' ? ` (${fmt(acked.bulkComplaints / r.duration)} complaints/s)` : '';
    rows.push([
      `${klass} (${c.connections} conn.)`,
      fmt(c.requests),
      `${fmt(c.reqPerS, 1)}${unit}`,
      ms1(c.latencyMs.p50),
      ms1(c.latencyMs.p99),
      ms1(c.latencyMs.max),
      fmt(c.otherNon2xx),
      fmt(c.errors),
      fmt(n429),
    ]);
    if (eps.length > 1) {
      for (const e of c.endpoints)
        rows.push([
          `  ${e.name}`,
          fmt(e.requests),
          fmt(e.reqPerS, 1),
          ms1(e.latencyMs.p50),
          ms1(e.latencyMs.p99),
          ms1(e.latencyMs.max),
          fmt(e.otherNon2xx),
          '',
          fmt(e.rateLimited),
        ]);
    }
  }
  const total = summarize([...endpoints.values()].flatMap((e) => e.ms));
  const sum = (k: 'otherNon2xx' | 'errors') => Object.values(classes).reduce((s, c) => s + c[k], 0);
  rows.push([
    'all',
    fmt(total.n),
    fmt(total.n / wallS, 1),
    ms1(total.p50),
    ms1(total.p99),
    ms1(total.max),
    fmt(sum('otherNon2xx')),
    fmt(sum('errors')),
    fmt(limited),
  ]);

  const logErrors = serverErrors(server.logFile);
  Object.assign(result, {
    wallS,
    classes,
    verification,
    etlRunsDuringLoad: etlDuring,
    serverLogErrors: logErrors,
    serverLog: path.relative(ROOT, server.logFile),
    usage: { ...usage, benchCpuMs: Math.round((benchCpu.user + benchCpu.system) / 1000), cpuSecondsAvailable: wallS * machine.cores },
    machineCpu,
    loadavg: { start: load0, end: load1 },
  } satisfies Partial<LoadResult>);
  failed = errorsTotal > 0 || missing.length > 0;
  result.verdict = failed ? 'FAIL' : 'ok';

  log('');
  log(
    `load benchmark — ${fmt(store.stored)} complaints (+ this run's), ${fmt(wallS, 1)} s; ${machine.cpu}, ${machine.cores} cores; load average ${load0.map((x) => x.toFixed(1)).join(' ')} → ${load1.map((x) => x.toFixed(1)).join(' ')}`,
  );
  log(table(['endpoint', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'non-2xx (not 429)', 'timeouts/socket', '429'], rows));
  const cs = (v: number) => `${fmt(v / 1000, 1)} s`;
  log(
    `CPU over the run (${cs(machineCpu.wallMs * machine.cores)} on ${machine.cores} cores): busy ${cs(machineCpu.machineBusyMs)} = server ${cs(machineCpu.serverMs)} + PostgreSQL ${cs(machineCpu.postgresMs)} (backends of ${database} ${cs(machineCpu.pgBackendMs)}, parallel workers and the rest ${cs(machineCpu.postgresOtherMs)}) + this load generator ${cs(machineCpu.benchMs)} + other processes ${cs(machineCpu.otherMs)}; server peak RSS ${fmt(usage.peakRssBytes / 2 ** 20)} MiB`,
  );
  if (machineCpu.topOthers.length)
    log(`  other processes: ${machineCpu.topOthers.map((p) => `${cs(p.ms)} ${p.cmd.slice(0, 70)}`).join(' | ')}`);
  log(
    `ETL runs during the load: ${etlDuring.length ? etlDuring.map((r) => `#${r.id} ${r.kind} ${r.status} ${r.finishedAt && r.startedAt ? `${fmt((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000, 1)} s` : ''} (${fmt(r.rowsRead ?? 0)} rows)`).join(', ') : 'none'}`,
  );
  log(
    `acknowledged: ${fmt(acked.single.length)} single + ${fmt(acked.bulkComplaints)} in ${fmt(acked.bulkBatches.length)} batches = ${fmt(ackedComplaints)}; stored for ${source}: ${fmt(storedRefs.size)}; missing: ${fmt(missing.length)}${verification.storedNotAcked ? ` (stored but not acknowledged: ${verification.storedNotAcked}, requests cut by the end of the run)` : ''}`,
  );
  log(
    `analytics after one more ETL run: ${verification.analyticsComplaints} complaints of ${source} (${verification.analyticsSeeAll ? 'all of them' : 'NOT all of them'})`,
  );
  for (const [klass, c] of Object.entries(classes)) {
    const slow = c.endpoints
      .flatMap((e) => e.slowest)
      .sort((x, y) => y.ms - x.ms)
      .slice(0, 3);
    log(`slowest ${klass}: ${slow.map((s) => `${fmt(s.ms)} ms at ${s.atS} s ${s.path}`).join(' | ')}`);
  }
  if (logErrors.length) log(`server log, error lines: ${logErrors.map((e) => `${e.count} × ${e.message}`).join('; ')}`);
  for (const c of Object.values(classes)) {
    for (const e of c.endpoints) for (const s of e.errorSamples) log(`  ${e.name} → ${s.status} ${s.body}`);
    for (const s of c.reqErrorSamples) log(`  socket/timeout: ${s}`);
  }
  log(
    failed
      ? `FAIL: ${errorsTotal} errors (not counting ${limited} × 429), ${missing.length} acknowledged complaints missing`
      : `ok: 0 errors (${limited} × 429), nothing acknowledged lost`,
  );
} finally {
  await server.stop().catch(() => {});
  if (keep) {
    log(`kept the run's complaints (source ${source}) in ${database}`);
    result.cleanedUp = false;
  } else {
    const removed: CleanUp = await deleteIngested(source).catch((err: unknown) => ({ error: messageOf(err) }));
    // Leave the shared store as it was generated (no dead rows, visibility map set: the registry
    // bench's index-only counts and the dashboard bench read it next).
    if (!removed.error) {
      const t = performance.now();
      await withClient(dbUrl(database), (c) => c.query('VACUUM (ANALYZE) complaints, complaint_events, ingest_batches')).catch(
        (err: unknown) => {
          removed.vacuumError = messageOf(err);
        },
      );
      removed.vacuumS = (performance.now() - t) / 1000;
    }
    result.cleanedUp = removed;
    log(
      `deleted the run's ${removed.error ? `complaints: FAILED (${removed.error})` : `${fmt(removed.complaints ?? 0)} complaints, ${fmt(removed.events ?? 0)} events, ${fmt(removed.batches ?? 0)} batches`} from ${database}${removed.vacuumS ? `; VACUUM (ANALYZE) ${fmt(removed.vacuumS, 1)} s` : ''}`,
    );
  }
  const file = writeResult('load', result);
  log(`result: ${path.relative(ROOT, file)}`);
}
process.exit(failed ? 1 : 0);

/** The figures to 0.01 ms (the count as it is). */
function round(s: Summary): Summary {
  const r = (v: number) => Math.round(v * 100) / 100;
  return { n: s.n, p50: r(s.p50), p95: r(s.p95), p99: r(s.p99), max: r(s.max), mean: r(s.mean) };
}

function pickHist(h: autocannon.Histogram | undefined): Hist | null {
  return h ? { average: h.average, p50: h.p50, p99: h.p99, max: h.max, min: h.min } : null;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
