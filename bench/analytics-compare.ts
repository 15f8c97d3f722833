/**
 * Old code against new (issue 18), back to back in one run on the analytics bench's dataset:
 * bench/analytics.ts's ETL and cold endpoint phases for the builds of two checkouts, and the
 * flat-table baseline a Rill or Evidence user would get (bench/analytics-flat.ts).
 *
 *   npm run bench -- analytics-compare --old DIR --new DIR [--complaints 10000000] [--database NAME]
 *                                      [--rounds 2] [--only summary,trend] [--change recent|random] [--no-flat]
 *                                      [--focus summary,trend,traders] [--label "issue 20's measures"]
 *
 * DIR: a checkout with its own dist/ (`npx tsc -p tsconfig.build.json` there); only its
 * dist/api/src/main.js is run (and the new one's bin/odr.js migrates). Each has its own DATA_DIR
 * and DuckDB file under bench/out/analytics-compare/ (old-N/, new-N/): the two never share a
 * store (each keeps its own watermark and schema version). Both servers stay up for the whole
 * run with ETL_CRON off; only one works at a time, the other idles (waitIdle after each step).
 *
 * Start: each server builds its new store at start-up (one after the other). Then per round,
 * old and new taking turns (round 1: old first; round 2: new first, so that neither always goes
 * first):
 *   1. ETL: `POST full=true`, then an increment with nothing changed, each in turn;
 *   2. 1 % of the complaints written once on PostgreSQL (`recent`: round r writes the r-th newest
 *      1 %), then each measures the increment of that same write: the same rows read by both
 *      (checked). The mix (new milestones or erasures) depends on what earlier runs already wrote
 *      there (the dataset is kept between runs), but it is the same for old and new;
 *   3. flat: the flat table extracted and loaded again (a change means a reload there);
 *   4. cold endpoints: one complaint touched, then an increment on each server (a new snapshot:
 *      the servers drop their kept answers) and its prewarm waited for; then for every endpoint
 *      and filter set, old's request, new's and the flat queries one right after the other, so
 *      that the three meet the same moment of a shared machine (after a warm-up of 10 filter
 *      sets each in round 1). Old's answers are checked against new's, and the flat figures
 *      against new's (overdue judged at new's snapshot instant), on everything both answer
 *      (answers-agree.ts): what only new's answers hold (a new measure, a zero-filled trend
 *      period) is named in the output, not compared.
 * No PostgreSQL baseline and no schedule phase (bench/analytics.ts has them).
 * Prints old / new / new÷old per measure (ETL, and cold p50/p95 per endpoint over 30 × rounds
 * requests) beside the flat baseline, then the --focus endpoints' new ÷ old in a table of their
 * own, "the cost of LABEL" with --label (old = 151358a, the code before issue 20's analytics
 * changes: the cost of the Kaplan–Meier quantiles, openShare and zero-filled trends), and writes
 * everything to bench/out/analytics-compare-….json (`focus` holds that table).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DATASET_END, type DatasetMarker, ensureAnalyticsDataset } from './analytics-data.js';
import {
  type AnalyticsTarget,
  ENDPOINTS,
  type Endpoint,
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
import { type Flat, type FlatTiming, loadFlat } from './analytics-flat.js';
import { type Agreement, agreement } from './answers-agree.js';
import {
  type BenchServer,
  type MachineInfo,
  OUT_DIR,
  ROOT,
  type Summary,
  dbUrl,
  distMain,
  fmt,
  machineInfo,
  mib,
  num,
  parseArgs,
  summarize,
  table,
  writeResult,
} from './lib.js';

const args = parseArgs(process.argv.slice(2));
const oldDir = args.old;
const newDir = args.new;
if (args.help || typeof oldDir !== 'string' || typeof newDir !== 'string') {
  console.log(
    'usage: npm run bench -- analytics-compare --old DIR --new DIR [--complaints 10000000] [--database NAME] [--rounds 2] [--only a,b] [--change recent|random] [--no-flat] [--focus summary,trend,traders] [--label TEXT]',
  );
  process.exit(args.help ? 0 : 2);
}
const complaints = num(args.complaints, 10_000_000);
const database = datasetName(complaints, args.database);
const rounds = num(args.rounds, 2);
const changeHow = args.change === 'random' ? 'random' : 'recent';
const only = typeof args.only === 'string' ? new Set(args.only.split(',')) : null;
const eps = only ? ENDPOINTS.filter((e) => only.has(e.name)) : ENDPOINTS;
/** Endpoints whose new ÷ old is repeated last, in a table of their own (e.g. those a change is about). */
const focus = (typeof args.focus === 'string' ? args.focus : 'summary,trend,traders').split(',').filter(Boolean);
/** What the old → new change is, to name the focus table: "the cost of LABEL". */
const label = typeof args.label === 'string' ? args.label : null;
const WORK = path.join(OUT_DIR, 'analytics-compare');
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

/** One ETL run as measured from outside. */
interface EtlStep {
  ms: number;
  runMs: number;
  kind: string;
  rowsRead: number | null;
  extractMs: number | null;
  publishMs: number | null;
  prewarmMs: number | null;
}
/** One round's runs of one code. */
interface EtlRound {
  full: EtlStep;
  noop: EtlStep;
  duckdbMiB: number;
  inc: EtlStep;
}
interface Startup {
  ms: number;
  runMs: number;
  extractMs: number | null;
  rowsRead: number | null;
  prewarmMs: number | null;
  duckdbMiB: number;
}
type Label = 'old' | 'new';

/** A checkout under test: its build, its store, its server once started, and what it measured. */
interface CodeUnderTest {
  label: Label;
  dir: string;
  commit: string;
  target: AnalyticsTarget;
  server: BenchServer | null;
  startup: Startup | null;
  /** Per round. */
  etl: EtlRound[];
  /** Per endpoint: per round, ms by filter set. */
  cold: Map<string, number[][]>;
  /** The last cold round's answers: Map name → by filter set. */
  answers: Map<string, unknown[]>;
}

/** old and new: each checkout's build, its store, its server once started, and what it measured. */
function codeUnderTest(label: Label, dirArg: string): CodeUnderTest {
  const dir = path.resolve(dirArg);
  const dataDir = path.join(WORK, `${label}-${complaints}`);
  return {
    label,
    dir,
    commit: gitCommit(dir),
    target: analyticsTarget({ code: dir, database, dataDir, duckdbPath: path.join(dataDir, 'analytics.duckdb') }),
    server: null,
    startup: null,
    etl: [],
    cold: new Map(eps.map((e) => [e.name, []])),
    answers: new Map(),
  };
}
const OLD = codeUnderTest('old', oldDir);
const NEW = codeUnderTest('new', newDir);
const codes = [OLD, NEW] as const;
const orderOf = (r: number): CodeUnderTest[] => (r % 2 === 0 ? [OLD, NEW] : [NEW, OLD]);
/** Its server (started by startWithBuild before any step). */
function serverOf(c: CodeUnderTest): BenchServer {
  if (!c.server) throw new Error(`${c.label}: the server is not running`);
  return c.server;
}

// ───────────────────────────── steps ─────────────────────────────

/** A run of `c`'s server, watched from outside; then its background prewarm waited for. */
async function etlRun(c: CodeUnderTest, full: boolean): Promise<EtlStep> {
  const server = serverOf(c);
  const x = await watchRun(c.target, () => postRun(server, { full }));
  const prewarmMs = await waitIdle(server);
  return {
    ms: Math.round(x.ms),
    runMs: runMs(x.run),
    kind: x.run.kind,
    rowsRead: x.run.rowsRead,
    extractMs: x.extractMs === null ? null : Math.round(x.extractMs),
    publishMs: x.extractEndMs === null ? null : Math.round(x.ms - x.extractEndMs),
    prewarmMs: prewarmMs === null ? null : Math.round(prewarmMs),
  };
}

async function startWithBuild(c: CodeUnderTest): Promise<void> {
  rmSync(c.target.dataDir, { recursive: true, force: true });
  mkdirSync(c.target.dataDir, { recursive: true });
  const before = await lastRunId(pgq);
  const x = await watchRun(c.target, async () => {
    const server = await c.target.start({}, `analytics-compare-${c.label}`);
    c.server = server;
    const up = performance.now();
    const r = await waitStartupRun(server, before);
    return { ...r, fromUpMs: performance.now() - up };
  });
  const prewarmMs = await waitIdle(serverOf(c));
  const startup: Startup = {
    ms: Math.round(x.fromUpMs),
    runMs: runMs(x.run),
    extractMs: x.extractMs === null ? null : Math.round(x.extractMs),
    rowsRead: x.run.rowsRead,
    prewarmMs,
    duckdbMiB: Math.round(mib(duckdbBytes(c.target))),
  };
  c.startup = startup;
  log(
    `  ${c.label}: start-up build ${s1(startup.ms)} s (extract ≈ ${s1(startup.extractMs ?? NaN)} s), DuckDB ${fmt(startup.duckdbMiB)} MiB; prewarm ≈ ${s1(prewarmMs ?? NaN)} s`,
  );
}

/** A new snapshot for each server (one complaint touched, then an increment each): the servers drop their kept answers. */
async function newSnapshots(order: readonly CodeUnderTest[]): Promise<void> {
  await pgq(`UPDATE complaints SET updated_at = now() WHERE id = (SELECT max(id) FROM complaints WHERE source <> 'bench-freshness')`);
  for (const c of order) {
    const t0 = performance.now();
    await postRun(serverOf(c), { full: false });
    const runWall = performance.now() - t0;
    const prewarm = await waitIdle(serverOf(c));
    log(`  ${c.label}: new snapshot (increment ${fmt(runWall)} ms, prewarm ≈ ${s1(prewarm ?? NaN)} s)`);
  }
}

/**
 * The cold requests of round r: for every endpoint and filter set, old's request, new's and the
 * flat table's queries one right after the other (in the round's order, flat last), so that
 * the three meet the same moment of a shared machine. Each answer is kept for the checks.
 */
/** The flat table's answer to endpoint `ep` for filter set `s`. */
type FlatRun = (ep: Endpoint, s: FilterSet) => Promise<unknown>;

async function coldRound(
  order: readonly CodeUnderTest[],
  sets: readonly FilterSet[],
  r: number,
  flatRun: FlatRun | null,
): Promise<Map<string, FlatTiming>> {
  const flatRes = new Map<string, FlatTiming>();
  for (const c of codes) c.answers = new Map();
  for (const ep of eps) {
    const f: FlatTiming = { ms: [], answers: [] };
    for (const c of codes) {
      c.cold.get(ep.name)![r] = [];
      c.answers.set(ep.name, []);
    }
    for (const s of sets) {
      for (const c of order) {
        const a = await request(serverOf(c), ep, s);
        c.cold.get(ep.name)![r]![s.index] = a.ms;
        c.answers.get(ep.name)![s.index] = a.body;
      }
      if (flatRun) {
        const t0 = performance.now();
        f.answers[s.index] = await flatRun(ep, s);
        f.ms[s.index] = performance.now() - t0;
      }
    }
    flatRes.set(ep.name, f);
  }
  return flatRes;
}

/** The API answers of old and new that differ (asOf left out; overdue moves with each snapshot's instant). */
interface Differing {
  endpoint: string;
  set: string;
  differences: string[];
}
/** Per endpoint, what only the newer answers held (answers-agree.ts): listed, not compared. */
interface NotCompared {
  /** Paths, rows written [] ('items[].openShare'). */
  fields: string[];
  /** Trend periods without complaints that the older answers leave out, over all filter sets. */
  emptyPeriods: number;
}
interface Check {
  compared: number;
  differing: Differing[];
  notCompared: Record<string, NotCompared>;
}

/** Adds one pair's agreement to a check. */
function tally(check: Check, ep: Endpoint, s: FilterSet, a: Agreement, keep: (d: string) => boolean = () => true): void {
  check.compared++;
  const d = a.differences.filter(keep);
  if (d.length) check.differing.push({ endpoint: ep.name, set: s.name, differences: d.slice(0, 5) });
  const nc = (check.notCompared[ep.name] ??= { fields: [], emptyPeriods: 0 });
  for (const f of a.newerOnly) if (!nc.fields.includes(f)) nc.fields.push(f);
  nc.emptyPeriods += a.emptyPeriods;
}

/** "summary: openShare, …; trend: items[].openShare, … and 12 periods without complaints" (what was not compared). */
function notComparedText(nc: Record<string, NotCompared>): string {
  return Object.entries(nc)
    .filter(([, x]) => x.fields.length || x.emptyPeriods)
    .map(
      ([name, x]) =>
        `${name}: ${[...x.fields, ...(x.emptyPeriods ? [`${fmt(x.emptyPeriods)} trend periods without complaints (over all filter sets)`] : [])].join(', ')}`,
    )
    .join('; ');
}

/** An answer without its asOf. */
const strip = (b: unknown): unknown =>
  b !== null && typeof b === 'object' ? Object.fromEntries(Object.entries(b).filter(([k]) => k !== 'asOf')) : b;
/** The snapshot instant an answer reports (undefined: none). */
const finishedAtOf = (b: unknown): string | undefined => (b as { asOf?: { finishedAt?: string } } | null | undefined)?.asOf?.finishedAt;

/**
 * Old's answers against new's on everything both hold (answers-agree.ts): fields and rows only
 * new has (a new measure, a zero-filled trend period) are listed in notCompared.
 */
function answerDifferences(sets: readonly FilterSet[]): Check {
  const check: Check = { compared: 0, differing: [], notCompared: {} };
  for (const ep of eps) {
    for (const s of sets) {
      const a = OLD.answers.get(ep.name)?.[s.index];
      const b = NEW.answers.get(ep.name)?.[s.index];
      // Two snapshots taken moments apart: a deadline passing in between moves overdue (and the set overdue=true).
      const sameInstant = finishedAtOf(a) === finishedAtOf(b);
      if (!sameInstant && s.query.overdue && !ep.noFilters) continue;
      tally(check, ep, s, agreement(strip(b), strip(a)), (x) => sameInstant || !/overdue|incomplete/i.test(x.split(':')[0] ?? ''));
    }
  }
  return check;
}

// ───────────────────────────── main ─────────────────────────────

async function main() {
  const load0 = os.loadavg();
  const machine = await machineInfo();
  for (const c of codes)
    if (!existsSync(distMain(c.dir)))
      throw new Error(`${distMain(c.dir)} is missing: build ${c.dir} first (npx tsc -p tsconfig.build.json)`);
  const ds = await ensureAnalyticsDataset({ complaints, database, log, code: NEW.dir });
  const stored = (await pgq<{ n: number }>('SELECT count(*)::int AS n FROM complaints')).rows[0]!;
  log(`database ${database}: ${fmt(stored.n)} complaints`);
  for (const c of codes) log(`${c.label}: ${c.dir} at ${c.commit}`);
  const sets = await filterSets(pgq);
  const result: CompareResult = {
    bench: 'analytics-compare',
    at: new Date().toISOString(),
    complaints: stored.n,
    database,
    datasetEnd: DATASET_END,
    dataset: ds.marker,
    machine,
    rounds,
    changeHow,
    benchCommit: gitCommit(ROOT),
    codes: codes.map((c) => ({ label: c.label, dir: c.dir, commit: c.commit })),
    filterSets: sets.map((s) => ({ name: s.name, query: s.query })),
    roundsLog: [],
    flat: [],
    checks: [],
  };

  try {
    log('\nstart-up: each server builds its own new DuckDB store, one after the other');
    for (const c of codes) await startWithBuild(c);

    for (let r = 0; r < rounds; r++) {
      const order = orderOf(r);
      log(`\nround ${r + 1} of ${rounds} (${order.map((c) => c.label).join(', ')}):`);
      const roundLog: RoundLog = { round: r + 1, order: order.map((c) => c.label), loadavg: os.loadavg() };

      // 1. full, then nothing changed
      const firstRuns = new Map<CodeUnderTest, Omit<EtlRound, 'inc'>>();
      for (const c of order) {
        const full = await etlRun(c, true);
        const noop = await etlRun(c, false);
        firstRuns.set(c, { full, noop, duckdbMiB: Math.round(mib(duckdbBytes(c.target))) });
        log(
          `  ${c.label}: full ${s1(full.ms)} s (extract ≈ ${s1(full.extractMs ?? NaN)} s, publish ≈ ${s1(full.publishMs ?? NaN)} s, ${fmt(full.rowsRead ?? NaN)} rows), nothing changed ${fmt(noop.ms)} ms`,
        );
      }

      // 2. one write of 1 %, the increment measured by each
      const n = Math.round(stored.n / 100);
      const change = await changeOnePercent(pgq, n, changeHow, { skip: r * n });
      roundLog.change = {
        rows: change.rows,
        milestones: change.rows - change.erasures,
        erasures: change.erasures,
        ms: Math.round(change.ms),
      };
      log(
        `  1 % written (${changeHow}${changeHow === 'recent' ? `, the ${r + 1}. newest` : ''}): ${fmt(change.rows)} complaints, ${fmt(change.rows - change.erasures)} new milestones, ${fmt(change.erasures)} erasures, ${s1(change.ms)} s`,
      );
      for (const c of order) {
        const inc = await etlRun(c, false);
        if (inc.kind !== 'incremental') throw new Error(`${c.label}: expected an incremental run, got ${inc.kind}`);
        c.etl[r] = { ...firstRuns.get(c)!, inc };
        log(`  ${c.label}: incremental, 1 % changed ${s1(inc.ms)} s (${fmt(inc.rowsRead ?? NaN)} rows read)`);
      }
      const oldInc = OLD.etl[r]!.inc;
      const newInc = NEW.etl[r]!.inc;
      if (oldInc.rowsRead !== newInc.rowsRead)
        log(`  WARNING: the increments read ${oldInc.rowsRead} (old) and ${newInc.rowsRead} (new) rows`);

      // 3. the flat table loaded again (what a change costs there), from the same data
      const flat: Flat | null = args.noFlat ? null : await loadFlat({ database, dir: path.join(WORK, `flat-${complaints}`) });
      if (flat) {
        log(
          `  flat: extract ${s1(flat.extractMs)} s (${fmt(mib(flat.csvBytes))} MiB CSV) + DuckDB load ${s1(flat.loadMs)} s (${fmt(flat.rows)} rows, ${fmt(mib(flat.duckdbBytes))} MiB)`,
        );
      }
      try {
        // 4. cold endpoints: old, new and flat request by request
        await newSnapshots(order);
        // Overdue on the flat table judged at the new code's snapshot instant, so that its answers compare.
        const asOf = ((await timeGet(serverOf(NEW), '/api/v1/stats/summary', {})).body as SummaryAnswer).asOf.finishedAt;
        const flatRun: FlatRun | null = flat && ((ep, s) => flat.run(ep, s, asOf));
        if (r === 0) {
          for (const ep of eps) {
            for (const s of sets.slice(0, 10)) {
              for (const c of codes) await request(serverOf(c), ep, s);
              await flatRun?.(ep, s);
            }
          }
        }
        const t0 = performance.now();
        const flatRes = await coldRound(order, sets, r, flatRun);
        log(
          `  ${eps.length} × ${sets.length} cold requests each${flat ? ' (and the flat queries, in process)' : ''} in ${s1(performance.now() - t0)} s`,
        );
        const same = answerDifferences(sets);
        const check: RoundCheck = { round: r + 1, oldVsNew: same };
        result.checks.push(check);
        log(
          `  answers: old and new ${same.differing.length ? `DIFFER on ${same.differing.length}` : 'agree on all'} of ${same.compared} (endpoint, filter set) pairs, on what both answer`,
        );
        for (const d of same.differing.slice(0, 5)) log(`    ${d.endpoint} / ${d.set}: ${d.differences.join('; ')}`);
        if (flat) {
          const flatCheck: Check = { compared: 0, differing: [], notCompared: {} };
          for (const ep of eps)
            for (const s of sets)
              tally(
                flatCheck,
                ep,
                s,
                agreement(NEW.answers.get(ep.name)?.[s.index], flatRes.get(ep.name)?.answers[s.index], { newer: 'new', older: 'flat' }),
              );
          const flatDiff = flatCheck.differing;
          result.flat.push({
            round: r + 1,
            rows: flat.rows,
            extractMs: Math.round(flat.extractMs),
            loadMs: Math.round(flat.loadMs),
            csvMiB: Math.round(mib(flat.csvBytes)),
            duckdbMiB: Math.round(mib(flat.duckdbBytes)),
            ms: Object.fromEntries(eps.map((e) => [e.name, (flatRes.get(e.name)?.ms ?? []).map((x) => Math.round(x * 100) / 100)])),
          });
          check.flatVsNew = flatCheck;
          if (flatDiff.length) {
            log(
              `  WARNING: the flat figures differ from the new code's answers on ${flatDiff.length} of ${eps.length * sets.length} (endpoint, filter set) pairs:`,
            );
            for (const d of flatDiff.slice(0, 8)) log(`    ${d.endpoint} / ${d.set}: ${d.differences.join('; ')}`);
          } else
            // What the flat queries do not compute (the KM quantiles, labels …) is in the JSON: flatVsNew.notCompared.
            log(
              `  flat figures agree with the new code's answers on all ${eps.length * sets.length} (endpoint, filter set) pairs, on what both answer`,
            );
        }
      } finally {
        flat?.close();
      }
      result.roundsLog.push(roundLog);
    }
  } finally {
    for (const c of codes) await c.server?.stop().catch(() => {});
  }
  await pgClient?.end().catch(() => {});
  const figures = (c: CodeUnderTest): CodeFigures => {
    if (!c.startup) throw new Error(`${c.label}: no start-up build measured`);
    return {
      startup: c.startup,
      etl: c.etl,
      cold: Object.fromEntries([...c.cold].map(([k, v]) => [k, v.map((byRound) => byRound.map((x) => Math.round(x * 100) / 100))])),
    };
  };
  report({ ...result, loadavg: { start: load0, end: os.loadavg() }, old: figures(OLD), new: figures(NEW) });
}

// ───────────────────────────── the result ─────────────────────────────

interface RoundLog {
  round: number;
  order: Label[];
  loadavg: number[];
  change?: { rows: number; milestones: number; erasures: number; ms: number };
}
interface RoundCheck {
  round: number;
  oldVsNew: Check;
  flatVsNew?: Check;
}
interface FlatRound {
  round: number;
  rows: number;
  extractMs: number;
  loadMs: number;
  csvMiB: number;
  duckdbMiB: number;
  /** Per endpoint: ms by filter set. */
  ms: Record<string, number[]>;
}
interface CodeFigures {
  startup: Startup;
  etl: EtlRound[];
  /** Per endpoint: per round, ms by filter set. */
  cold: Record<string, number[][]>;
}
interface EndpointFigures {
  name: string;
  old: Summary;
  new: Summary;
  p50Ratio: number;
  p95Ratio: number;
  pairedRatio: number;
  roundsNoise: number;
  flat: Summary | null;
}
interface FocusFigures {
  name: string;
  requests: number;
  oldP50: number;
  newP50: number;
  p50Ratio: number;
  oldP95: number;
  newP95: number;
  p95Ratio: number;
  pairedRatio: number;
  roundsNoise: number;
}
interface CompareResult {
  bench: 'analytics-compare';
  at: string;
  complaints: number;
  database: string;
  datasetEnd: string;
  dataset: DatasetMarker;
  machine: MachineInfo;
  rounds: number;
  changeHow: 'recent' | 'random';
  benchCommit: string;
  codes: { label: Label; dir: string; commit: string }[];
  filterSets: { name: string; query: Record<string, string> }[];
  roundsLog: RoundLog[];
  flat: FlatRound[];
  checks: RoundCheck[];
}
/** The result as reported: every round done, both codes' figures in. */
interface CompareReport extends CompareResult {
  loadavg: { start: number[]; end: number[] };
  old: CodeFigures;
  new: CodeFigures;
  endpoints?: EndpointFigures[];
  summary?: { full: number; incremental: number; coldP50: number; coldP95: number };
  /** --focus's endpoints' new ÷ old (default summary, trend, traders), named by --label. */
  focus?: { label: string | null; endpoints: FocusFigures[] };
}

// ───────────────────────────── report ─────────────────────────────

const median = (xs: readonly number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  // The middle indexes of a non-empty list.
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ratio = (a: number, b: number): number => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN);
const x2 = (r: number): string => (Number.isFinite(r) ? `${fmt(r, 2)}×` : '');
/** Largest relative difference between the rounds' values (the round-to-round noise). */
const spread = (xs: readonly number[]): number => (xs.length < 2 ? NaN : (Math.max(...xs) - Math.min(...xs)) / median(xs));
const pct = (r: number): string => (Number.isFinite(r) ? `${fmt(r * 100, 0)} %` : '');
const geomean = (xs: readonly number[]): number => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
/** "new is 12 % faster" / "slower" from new÷old. */
const verdict = (r: number): string =>
  !Number.isFinite(r) ? '?' : r <= 1 ? `new ${fmt((1 - r) * 100, 1)} % faster` : `new ${fmt((r - 1) * 100, 1)} % slower`;

function report(r: CompareReport): void {
  log('');
  log(
    `analytics, old against new — ${fmt(r.complaints)} complaints — ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}; load average ${r.loadavg.start.map((x) => x.toFixed(1)).join(' ')} → ${r.loadavg.end.map((x) => x.toFixed(1)).join(' ')}`,
  );
  log(
    `old: ${OLD.dir} at ${OLD.commit}; new: ${NEW.dir} at ${NEW.commit}; ${r.rounds} round(s) (order ${r.roundsLog.map((x) => x.order.join('→')).join(', ')})`,
  );
  const etl = (label: Label, pick: (x: EtlRound) => number): number[] => r[label].etl.map(pick);
  const row = (name: string, pick: (x: EtlRound) => number, flat = ''): string[] => {
    const o = etl('old', pick);
    const n = etl('new', pick);
    const ms = (xs: number[]) => `${s1(median(xs))}${xs.length > 1 ? ` (${xs.map(s1).join(', ')})` : ''}`;
    return [name, ms(o), ms(n), x2(ratio(median(n), median(o))), pct(Math.max(spread(o), spread(n))), flat];
  };
  const flatLoad = r.flat.length
    ? `${s1(median(r.flat.map((f) => f.extractMs + f.loadMs)))} (extract ${s1(median(r.flat.map((f) => f.extractMs)))} + load ${s1(median(r.flat.map((f) => f.loadMs)))})`
    : '';
  const etlRows = [
    [
      'full, start-up build (round 1 only)',
      s1(r.old.startup.ms),
      s1(r.new.startup.ms),
      x2(ratio(r.new.startup.ms, r.old.startup.ms)),
      '',
      '',
    ],
    row('full, POST full=true', (x) => x.full.ms, flatLoad),
    row('  of which extract (COPY seen on PostgreSQL)', (x) => x.full.extractMs ?? NaN),
    row('  of which publish (DuckDB)', (x) => x.full.publishMs ?? NaN),
    row('incremental, nothing changed', (x) => x.noop.ms, 'a reload'),
    row('incremental, 1 % changed (same write)', (x) => x.inc.ms, 'a reload'),
    [
      'DuckDB file, MiB',
      fmt(median(etl('old', (x) => x.duckdbMiB))),
      fmt(median(etl('new', (x) => x.duckdbMiB))),
      x2(ratio(median(etl('new', (x) => x.duckdbMiB)), median(etl('old', (x) => x.duckdbMiB)))),
      '',
      r.flat[0] ? fmt(r.flat[0].duckdbMiB) : '',
    ],
  ];
  log(table(['ETL, s (median; each round)', 'old', 'new', 'new÷old', 'rounds Δ', 'flat table'], etlRows));
  log(
    `(wall from outside: POST …/etl/runs?wait=true to its answer; extract = the server's COPY seen active on PostgreSQL, polled every 50 ms; publish = from its end to the answer; rounds Δ = the larger of old's and new's spread between rounds, (max − min) / median: what noise is here; flat = COPY (SELECT … FROM complaints JOIN traders) TO STDOUT as CSV, then CREATE TABLE AS … read_csv in DuckDB; it has no increment: a change means a reload)`,
  );
  log('');

  const rows: string[][] = [];
  const p50Ratios: number[] = [];
  const p95Ratios: number[] = [];
  const endpoints: EndpointFigures[] = [];
  r.endpoints = endpoints;
  const coldOf = (label: Label, name: string): number[][] => r[label].cold[name] ?? [];
  for (const name of Object.keys(r.new.cold)) {
    const all = (label: Label) => coldOf(label, name).flat();
    const so = summarize(all('old'));
    const sn = summarize(all('new'));
    // Paired: new ÷ old for the same filter set in the same round, geometric mean.
    const pairs = coldOf('new', name).flatMap((byRound, k) => byRound.map((ms, i) => ms / (coldOf('old', name)[k]?.[i] ?? NaN)));
    const perRoundP50 = (label: Label) => coldOf(label, name).map((byRound) => summarize(byRound).p50);
    const noise = Math.max(spread(perRoundP50('old')), spread(perRoundP50('new')));
    const sf = r.flat.length ? summarize(r.flat.flatMap((f) => f.ms[name] ?? [])) : null;
    const e: EndpointFigures = {
      name,
      old: round(so),
      new: round(sn),
      p50Ratio: sn.p50 / so.p50,
      p95Ratio: sn.p95 / so.p95,
      pairedRatio: geomean(pairs),
      roundsNoise: noise,
      flat: sf ? round(sf) : null,
    };
    endpoints.push(e);
    p50Ratios.push(e.p50Ratio);
    p95Ratios.push(e.p95Ratio);
    rows.push([
      name,
      fmt(so.p50, 1),
      fmt(sn.p50, 1),
      x2(e.p50Ratio),
      fmt(so.p95, 1),
      fmt(sn.p95, 1),
      x2(e.p95Ratio),
      x2(e.pairedRatio),
      pct(noise),
      sf ? fmt(sf.p50, 1) : '',
      sf ? fmt(sf.p95, 1) : '',
      sf ? x2(sf.p50 / sn.p50) : '',
    ]);
  }
  log(
    table(
      [
        'endpoint, cold ms',
        'old p50',
        'new p50',
        'p50 new÷old',
        'old p95',
        'new p95',
        'p95 new÷old',
        'paired',
        'rounds Δ',
        'flat p50',
        'flat p95',
        'flat÷new p50',
      ],
      rows,
    ),
  );
  const n = endpoints[0] ? coldOf('old', endpoints[0].name).flat().length : 0;
  log(
    `(cold = each filter set's first request on a new snapshot, ${n} per endpoint and code: ${r.filterSets.length} filter sets × ${r.rounds} round(s), over HTTP, old's, new's${r.flat.length ? ' and the flat queries' : ''} interleaved request by request; paired = geometric mean of new ÷ old for the same filter set in the same round; rounds Δ = the larger of old's and new's spread of p50 between rounds${r.flat.length ? `; flat = the same figures as plain GROUP BY queries on one flat DuckDB table, in process through @duckdb/node-api (no HTTP, no answer cache), ${r.flat.length} × ${r.filterSets.length} per endpoint` : ''})`,
  );
  const summary = {
    full: ratio(median(r.new.etl.map((x) => x.full.ms)), median(r.old.etl.map((x) => x.full.ms))),
    incremental: ratio(median(r.new.etl.map((x) => x.inc.ms)), median(r.old.etl.map((x) => x.inc.ms))),
    coldP50: geomean(p50Ratios),
    coldP95: geomean(p95Ratios),
  };
  r.summary = summary;
  log('');
  log(
    `new ÷ old: full ETL ${x2(summary.full)} (${verdict(summary.full)}); incremental 1 % ${x2(summary.incremental)} (${verdict(summary.incremental)}); cold p50 over the endpoints (geometric mean) ${x2(summary.coldP50)} (${verdict(summary.coldP50)}), p95 ${x2(summary.coldP95)} (${verdict(summary.coldP95)})`,
  );
  const diffs = r.checks.reduce((n, c) => n + c.oldVsNew.differing.length, 0);
  const flatDiffs = r.checks.reduce((n, c) => n + (c.flatVsNew?.differing.length ?? 0), 0);
  log(
    `answers: old and new ${diffs ? `differ on ${diffs}` : 'agree on every'} (endpoint, filter set) pair${diffs ? 's' : ''} over ${r.rounds} round(s) on what both answer (asOf left out)${r.flat.length ? `; the flat figures ${flatDiffs ? `DIFFER from the new code's on ${flatDiffs}` : "agree with the new code's on every one"}` : ''}`,
  );
  const onlyNew = notComparedText(r.checks.at(-1)?.oldVsNew.notCompared ?? {});
  if (onlyNew) log(`not compared, only in new's answers: ${onlyNew}`);
  reportFocus(r, endpoints);
  const file = writeResult('analytics-compare', r);
  log(`result: ${path.relative(ROOT, file)}`);
}

/** The focus endpoints' new ÷ old, last (e.g. with old = the code before issue 20: the cost of its measures). */
function reportFocus(r: CompareReport, endpoints: readonly EndpointFigures[]): void {
  const picked = focus.flatMap((name) => endpoints.filter((e) => e.name === name));
  if (!picked.length) return;
  r.focus = {
    label,
    endpoints: picked.map((e) => ({
      name: e.name,
      requests: e.new.n,
      oldP50: e.old.p50,
      newP50: e.new.p50,
      p50Ratio: e.p50Ratio,
      oldP95: e.old.p95,
      newP95: e.new.p95,
      p95Ratio: e.p95Ratio,
      pairedRatio: e.pairedRatio,
      roundsNoise: e.roundsNoise,
    })),
  };
  log('');
  log(
    `${label ? `the cost of ${label}` : picked.map((e) => e.name).join(', ')}: new ÷ old, cold, per endpoint (old ${OLD.commit}, new ${NEW.commit})`,
  );
  log(
    table(
      ['endpoint', 'p50 new÷old', 'old → new p50 ms', 'p95 new÷old', 'old → new p95 ms', 'paired', 'rounds Δ'],
      r.focus.endpoints.map((e) => [
        e.name,
        x2(e.p50Ratio),
        `${fmt(e.oldP50, 1)} → ${fmt(e.newP50, 1)}`,
        x2(e.p95Ratio),
        `${fmt(e.oldP95, 1)} → ${fmt(e.newP95, 1)}`,
        x2(e.pairedRatio),
        pct(e.roundsNoise),
      ]),
    ),
  );
  log(
    `(${r.focus.endpoints[0]!.requests} cold requests per endpoint and code; above 1× new is slower; rounds Δ: the noise between rounds)`,
  );
}

main().catch(async (err: unknown) => {
  console.error(`analytics compare failed: ${err instanceof Error ? (err.stack ?? err) : err}`);
  for (const c of codes) await c.server?.stop().catch(() => {});
  await pgClient?.end().catch(() => {});
  process.exit(1);
});
