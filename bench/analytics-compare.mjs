#!/usr/bin/env node
/**
 * Old code against new (issue 18), back to back in one run on the analytics bench's dataset:
 * bench/analytics.mjs's ETL and cold endpoint phases for the builds of two checkouts, and the
 * flat-table baseline a Rill or Evidence user would get (bench/analytics-flat.mjs).
 *
 *   node bench/analytics-compare.mjs --old DIR --new DIR [--complaints 10000000] [--database NAME]
 *                                    [--rounds 2] [--only summary,trend] [--change recent|random] [--no-flat]
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
 *      against new's (overdue judged at new's snapshot instant).
 * No PostgreSQL baseline and no schedule phase (bench/analytics.mjs has them).
 * Prints old / new / new÷old per measure (ETL, and cold p50/p95 per endpoint over 30 × rounds
 * requests) beside the flat baseline, and writes everything to bench/out/analytics-compare-….json.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DATASET_END, ensureAnalyticsDataset } from './analytics-data.mjs';
import {
  ENDPOINTS,
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
} from './analytics-common.mjs';
import { differences, loadFlat } from './analytics-flat.mjs';
import { OUT_DIR, ROOT, dbUrl, distMain, fmt, machineInfo, mib, num, parseArgs, summarize, table, writeResult } from './lib.mjs';

const args = parseArgs(process.argv.slice(2));
if (args.help || typeof args.old !== 'string' || typeof args.new !== 'string') {
  console.log(
    'usage: node bench/analytics-compare.mjs --old DIR --new DIR [--complaints 10000000] [--database NAME] [--rounds 2] [--only a,b] [--change recent|random] [--no-flat]',
  );
  process.exit(args.help ? 0 : 2);
}
const complaints = num(args.complaints, 10_000_000);
const database = datasetName(complaints, args.database);
const rounds = num(args.rounds, 2);
const changeHow = args.change === 'random' ? 'random' : 'recent';
const only = typeof args.only === 'string' ? new Set(args.only.split(',')) : null;
const eps = only ? ENDPOINTS.filter((e) => only.has(e.name)) : ENDPOINTS;
const WORK = path.join(OUT_DIR, 'analytics-compare');
const log = (...a) => console.log(...a);
const s1 = (ms) => fmt(ms / 1000, 1);

let pgClient = null;
async function pgq(text, params) {
  if (!pgClient) {
    pgClient = new pg.Client({ connectionString: dbUrl(database), application_name: 'odr-bench-analytics' });
    await pgClient.connect();
  }
  return pgClient.query(text, params);
}

/** old and new: each checkout's build, its store, its server once started, and what it measured. */
const codes = ['old', 'new'].map((label) => {
  const dir = path.resolve(args[label]);
  const dataDir = path.join(WORK, `${label}-${complaints}`);
  return {
    label,
    dir,
    commit: gitCommit(dir),
    target: analyticsTarget({ code: dir, database, dataDir, duckdbPath: path.join(dataDir, 'analytics.duckdb') }),
    server: null,
    startup: null,
    etl: [], // per round: { full, noop, inc }
    cold: new Map(eps.map((e) => [e.name, []])), // per endpoint: per round, ms by filter set
    answers: null, // the last cold round's answers: Map name → by filter set
  };
});
const [OLD, NEW] = codes;
const orderOf = (r) => (r % 2 === 0 ? [OLD, NEW] : [NEW, OLD]);

// ───────────────────────────── steps ─────────────────────────────

/** A run of `c`'s server, watched from outside; then its background prewarm waited for. */
async function etlRun(c, full) {
  const x = await watchRun(c.target, () => postRun(c.server, { full }));
  const prewarmMs = await waitIdle(c.server);
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

async function startWithBuild(c) {
  rmSync(c.target.dataDir, { recursive: true, force: true });
  mkdirSync(c.target.dataDir, { recursive: true });
  const before = await lastRunId(pgq);
  const x = await watchRun(c.target, async () => {
    c.server = await c.target.start({}, `analytics-compare-${c.label}`);
    const up = performance.now();
    const r = await waitStartupRun(c.server, before);
    return { ...r, fromUpMs: performance.now() - up };
  });
  const prewarmMs = await waitIdle(c.server);
  c.startup = {
    ms: Math.round(x.fromUpMs),
    runMs: runMs(x.run),
    extractMs: x.extractMs === null ? null : Math.round(x.extractMs),
    rowsRead: x.run.rowsRead,
    prewarmMs,
    duckdbMiB: Math.round(mib(duckdbBytes(c.target))),
  };
  log(
    `  ${c.label}: start-up build ${s1(c.startup.ms)} s (extract ≈ ${s1(c.startup.extractMs ?? NaN)} s), DuckDB ${fmt(c.startup.duckdbMiB)} MiB; prewarm ≈ ${s1(prewarmMs ?? NaN)} s`,
  );
}

/** A new snapshot for each server (one complaint touched, then an increment each): the servers drop their kept answers. */
async function newSnapshots(order) {
  await pgq(`UPDATE complaints SET updated_at = now() WHERE id = (SELECT max(id) FROM complaints WHERE source <> 'bench-freshness')`);
  for (const c of order) {
    const t0 = performance.now();
    await postRun(c.server, { full: false });
    const runWall = performance.now() - t0;
    const prewarm = await waitIdle(c.server);
    log(`  ${c.label}: new snapshot (increment ${fmt(runWall)} ms, prewarm ≈ ${s1(prewarm ?? NaN)} s)`);
  }
}

/**
 * The cold requests of round r: for every endpoint and filter set, old's request, new's and the
 * flat table's queries one right after the other (in the round's order, flat last), so that
 * the three meet the same moment of a shared machine. Each answer is kept for the checks.
 */
async function coldRound(order, sets, r, flatRun) {
  const flatRes = new Map();
  for (const c of codes) c.answers = new Map();
  for (const ep of eps) {
    const f = { ms: [], answers: [] };
    for (const c of codes) {
      c.cold.get(ep.name)[r] = [];
      c.answers.set(ep.name, []);
    }
    for (const s of sets) {
      for (const c of order) {
        const a = await request(c.server, ep, s);
        c.cold.get(ep.name)[r][s.index] = a.ms;
        c.answers.get(ep.name)[s.index] = a.body;
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
function answerDifferences(sets) {
  const out = [];
  let compared = 0;
  for (const ep of eps) {
    for (const s of sets) {
      const strip = (b) => Object.fromEntries(Object.entries(b).filter(([k]) => k !== 'asOf'));
      const a = OLD.answers.get(ep.name)[s.index];
      const b = NEW.answers.get(ep.name)[s.index];
      // Two snapshots taken moments apart: a deadline passing in between moves overdue (and the set overdue=true).
      const sameInstant = a.asOf?.finishedAt === b.asOf?.finishedAt;
      if (!sameInstant && s.query.overdue && !ep.noFilters) continue;
      const d = differences(strip(b), strip(a)).filter((x) => sameInstant || !/overdue|incomplete/i.test(x.split(':')[0]));
      compared++;
      if (d.length) out.push({ endpoint: ep.name, set: s.name, differences: d.slice(0, 5) });
    }
  }
  return { compared, differing: out };
}

// ───────────────────────────── main ─────────────────────────────

async function main() {
  const load0 = os.loadavg();
  const machine = await machineInfo();
  for (const c of codes)
    if (!existsSync(distMain(c.dir)))
      throw new Error(`${distMain(c.dir)} is missing: build ${c.dir} first (npx tsc -p tsconfig.build.json)`);
  const ds = await ensureAnalyticsDataset({ complaints, database, log, code: NEW.dir });
  const stored = (await pgq('SELECT count(*)::int AS n FROM complaints')).rows[0];
  log(`database ${database}: ${fmt(stored.n)} complaints`);
  for (const c of codes) log(`${c.label}: ${c.dir} at ${c.commit}`);
  const sets = await filterSets(pgq);
  const result = {
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
      const roundLog = { round: r + 1, order: order.map((c) => c.label), loadavg: os.loadavg() };

      // 1. full, then nothing changed
      for (const c of order) {
        const full = await etlRun(c, true);
        const noop = await etlRun(c, false);
        c.etl[r] = { full, noop, duckdbMiB: Math.round(mib(duckdbBytes(c.target))) };
        log(
          `  ${c.label}: full ${s1(full.ms)} s (extract ≈ ${s1(full.extractMs ?? NaN)} s, publish ≈ ${s1(full.publishMs ?? NaN)} s, ${fmt(full.rowsRead)} rows), nothing changed ${fmt(noop.ms)} ms`,
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
        c.etl[r].inc = inc;
        log(`  ${c.label}: incremental, 1 % changed ${s1(inc.ms)} s (${fmt(inc.rowsRead)} rows read)`);
      }
      if (OLD.etl[r].inc.rowsRead !== NEW.etl[r].inc.rowsRead)
        log(`  WARNING: the increments read ${OLD.etl[r].inc.rowsRead} (old) and ${NEW.etl[r].inc.rowsRead} (new) rows`);

      // 3. the flat table loaded again (what a change costs there), from the same data
      let flat = null;
      if (!args.noFlat) {
        flat = await loadFlat({ database, dir: path.join(WORK, `flat-${complaints}`) });
        log(
          `  flat: extract ${s1(flat.extractMs)} s (${fmt(mib(flat.csvBytes))} MiB CSV) + DuckDB load ${s1(flat.loadMs)} s (${fmt(flat.rows)} rows, ${fmt(mib(flat.duckdbBytes))} MiB)`,
        );
      }
      try {
        // 4. cold endpoints: old, new and flat request by request
        await newSnapshots(order);
        // Overdue on the flat table judged at the new code's snapshot instant, so that its answers compare.
        const asOf = (await timeGet(NEW.server, '/api/v1/stats/summary', {})).body.asOf.finishedAt;
        const flatRun = flat && ((ep, s) => flat.run(ep, s, asOf));
        if (r === 0) {
          for (const ep of eps) {
            for (const s of sets.slice(0, 10)) {
              for (const c of codes) await request(c.server, ep, s);
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
        result.checks.push({ round: r + 1, oldVsNew: same });
        log(
          `  answers: old and new ${same.differing.length ? `DIFFER on ${same.differing.length}` : 'agree on all'} of ${same.compared} (endpoint, filter set) pairs`,
        );
        for (const d of same.differing.slice(0, 5)) log(`    ${d.endpoint} / ${d.set}: ${d.differences.join('; ')}`);
        if (flat) {
          const flatDiff = [];
          for (const ep of eps) {
            for (const s of sets) {
              const d = differences(flatRes.get(ep.name).answers[s.index], NEW.answers.get(ep.name)[s.index]);
              if (d.length) flatDiff.push({ endpoint: ep.name, set: s.name, differences: d.slice(0, 5) });
            }
          }
          result.flat.push({
            round: r + 1,
            rows: flat.rows,
            extractMs: Math.round(flat.extractMs),
            loadMs: Math.round(flat.loadMs),
            csvMiB: Math.round(mib(flat.csvBytes)),
            duckdbMiB: Math.round(mib(flat.duckdbBytes)),
            ms: Object.fromEntries(eps.map((e) => [e.name, flatRes.get(e.name).ms.map((x) => Math.round(x * 100) / 100)])),
          });
          result.checks.at(-1).flatVsNew = { compared: eps.length * sets.length, differing: flatDiff };
          if (flatDiff.length) {
            log(
              `  WARNING: the flat figures differ from the new code's answers on ${flatDiff.length} of ${eps.length * sets.length} (endpoint, filter set) pairs:`,
            );
            for (const d of flatDiff.slice(0, 8)) log(`    ${d.endpoint} / ${d.set}: ${d.differences.join('; ')}`);
          } else log(`  flat figures agree with the new code's answers on all ${eps.length * sets.length} (endpoint, filter set) pairs`);
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
  result.loadavg = { start: load0, end: os.loadavg() };
  for (const c of codes) {
    result[c.label] = {
      startup: c.startup,
      etl: c.etl,
      cold: Object.fromEntries([...c.cold].map(([k, v]) => [k, v.map((byRound) => byRound.map((x) => Math.round(x * 100) / 100))])),
    };
  }
  report(result);
}

// ───────────────────────────── report ─────────────────────────────

const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : NaN);
const x2 = (r) => (Number.isFinite(r) ? `${fmt(r, 2)}×` : '');
/** Largest relative difference between the rounds' values (the round-to-round noise). */
const spread = (xs) => (xs.length < 2 ? NaN : (Math.max(...xs) - Math.min(...xs)) / median(xs));
const pct = (r) => (Number.isFinite(r) ? `${fmt(r * 100, 0)} %` : '');
const geomean = (xs) => Math.exp(xs.reduce((s, x) => s + Math.log(x), 0) / xs.length);
/** "new is 12 % faster" / "slower" from new÷old. */
const verdict = (r) =>
  !Number.isFinite(r) ? '?' : r <= 1 ? `new ${fmt((1 - r) * 100, 1)} % faster` : `new ${fmt((r - 1) * 100, 1)} % slower`;

function report(r) {
  log('');
  log(
    `analytics, old against new — ${fmt(r.complaints)} complaints — ${r.machine.cpu}, ${r.machine.cores} cores, Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}; load average ${r.loadavg.start.map((x) => x.toFixed(1)).join(' ')} → ${r.loadavg.end.map((x) => x.toFixed(1)).join(' ')}`,
  );
  log(
    `old: ${r.codes[0].dir} at ${r.codes[0].commit}; new: ${r.codes[1].dir} at ${r.codes[1].commit}; ${r.rounds} round(s) (order ${r.roundsLog.map((x) => x.order.join('→')).join(', ')})`,
  );
  const etl = (label, pick) => r[label].etl.map(pick);
  const row = (name, pick, flat = '') => {
    const o = etl('old', pick);
    const n = etl('new', pick);
    const ms = (xs) => `${s1(median(xs))}${xs.length > 1 ? ` (${xs.map(s1).join(', ')})` : ''}`;
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
      r.flat.length ? fmt(r.flat[0].duckdbMiB) : '',
    ],
  ];
  log(table(['ETL, s (median; each round)', 'old', 'new', 'new÷old', 'rounds Δ', 'flat table'], etlRows));
  log(
    `(wall from outside: POST …/etl/runs?wait=true to its answer; extract = the server's COPY seen active on PostgreSQL, polled every 50 ms; publish = from its end to the answer; rounds Δ = the larger of old's and new's spread between rounds, (max − min) / median: what noise is here; flat = COPY (SELECT … FROM complaints JOIN traders) TO STDOUT as CSV, then CREATE TABLE AS … read_csv in DuckDB; it has no increment: a change means a reload)`,
  );
  log('');

  const rows = [];
  const p50Ratios = [];
  const p95Ratios = [];
  r.endpoints = [];
  for (const name of Object.keys(r.new.cold)) {
    const all = (label) => r[label].cold[name].flat();
    const so = summarize(all('old'));
    const sn = summarize(all('new'));
    // Paired: new ÷ old for the same filter set in the same round, geometric mean.
    const pairs = r.new.cold[name].flatMap((byRound, k) => byRound.map((ms, i) => ms / r.old.cold[name][k][i]));
    const perRoundP50 = (label) => r[label].cold[name].map((byRound) => summarize(byRound).p50);
    const noise = Math.max(spread(perRoundP50('old')), spread(perRoundP50('new')));
    const sf = r.flat.length ? summarize(r.flat.flatMap((f) => f.ms[name])) : null;
    const e = {
      name,
      old: round(so),
      new: round(sn),
      p50Ratio: sn.p50 / so.p50,
      p95Ratio: sn.p95 / so.p95,
      pairedRatio: geomean(pairs),
      roundsNoise: noise,
      flat: sf ? round(sf) : null,
    };
    r.endpoints.push(e);
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
        'new÷old',
        'old p95',
        'new p95',
        'new÷old',
        'paired',
        'rounds Δ',
        'flat p50',
        'flat p95',
        'flat÷new p50',
      ],
      rows,
    ),
  );
  const n = r.endpoints[0] ? r.old.cold[r.endpoints[0].name].flat().length : 0;
  log(
    `(cold = each filter set's first request on a new snapshot, ${n} per endpoint and code: ${r.filterSets.length} filter sets × ${r.rounds} round(s), over HTTP, old's, new's${r.flat.length ? ' and the flat queries' : ''} interleaved request by request; paired = geometric mean of new ÷ old for the same filter set in the same round; rounds Δ = the larger of old's and new's spread of p50 between rounds${r.flat.length ? `; flat = the same figures as plain GROUP BY queries on one flat DuckDB table, in process through @duckdb/node-api (no HTTP, no answer cache), ${r.flat.length} × ${r.filterSets.length} per endpoint` : ''})`,
  );
  r.summary = {
    full: ratio(median(r.new.etl.map((x) => x.full.ms)), median(r.old.etl.map((x) => x.full.ms))),
    incremental: ratio(median(r.new.etl.map((x) => x.inc.ms)), median(r.old.etl.map((x) => x.inc.ms))),
    coldP50: geomean(p50Ratios),
    coldP95: geomean(p95Ratios),
  };
  log('');
  log(
    `new ÷ old: full ETL ${x2(r.summary.full)} (${verdict(r.summary.full)}); incremental 1 % ${x2(r.summary.incremental)} (${verdict(r.summary.incremental)}); cold p50 over the endpoints (geometric mean) ${x2(r.summary.coldP50)} (${verdict(r.summary.coldP50)}), p95 ${x2(r.summary.coldP95)} (${verdict(r.summary.coldP95)})`,
  );
  const diffs = r.checks.reduce((n, c) => n + c.oldVsNew.differing.length, 0);
  const flatDiffs = r.checks.reduce((n, c) => n + (c.flatVsNew?.differing.length ?? 0), 0);
  log(
    `answers: old and new ${diffs ? `differ on ${diffs}` : 'agree on every'} (endpoint, filter set) pair${diffs ? 's' : ''} over ${r.rounds} round(s) (asOf left out)${r.flat.length ? `; the flat figures ${flatDiffs ? `DIFFER from the new code's on ${flatDiffs}` : "agree with the new code's on every one"}` : ''}`,
  );
  const file = writeResult('analytics-compare', r);
  log(`result: ${path.relative(ROOT, file)}`);
}

main().catch(async (err) => {
  console.error(`analytics compare failed: ${err.stack ?? err}`);
  for (const c of codes) await c.server?.stop().catch(() => {});
  await pgClient?.end().catch(() => {});
  process.exit(1);
});
