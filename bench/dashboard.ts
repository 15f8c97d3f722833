/**
 * bench/dashboard (issues 4 and 21): the dashboard in Chromium on a generated store of N complaints
 * (1 M by default; 10 M with the analytics bench's store), each figure against a baseline measured
 * in the same run, and the initial JavaScript gzipped (goal ≤ 250 KB; vega, vega-lite and
 * vega-embed load lazily).
 *
 *   npm run bench -- dashboard [--complaints 1000000] [--database NAME] [--runs 10] [--changes 20]
 *   npm run bench -- dashboard --complaints 10000000        reuses odr_bench_analytics (bench/analytics-data.ts)
 *
 * The store is generated straight into PostgreSQL by bench/analytics-data.ts and kept: by default
 * odr_bench_analytics at 10 M (the analytics bench's, reused while its marker says it holds
 * exactly these complaints), odr_bench_dashboard at 1 M (shared with the load bench),
 * odr_bench_dashboard_N otherwise. The run adds a regulator token and the server's ETL runs to it.
 * The server runs from dist/ (build the dashboard first: `npm run build`; `npm run bench` builds the
 * rest) and builds its DuckDB snapshot at start-up. Debian's Chromium (CHROMIUM_PATH, default
 * /usr/bin/chromium) through playwright-core, 1280 × 900, signed in as a regulator (a token issued
 * with the server's admin token, put in the tab's sessionStorage as the sign-in would).
 *
 * "Settled": every chart card and KPI tile of the view there with aria-busy="false" — its answer in
 * and its vega view drawn from it (ChartCard, KpiTile) — timed inside the page at the animation
 * frame it first holds. Scenarios:
 *   - navigation, a fresh browser context each (no HTTP cache), from its start to the Overview
 *     settled: "landing" (unfiltered, the answers the server computed ahead: its prewarm; the first
 *     paint, goal ≤ 800 ms, issue 21) and "new filter" (each run a consumer country not asked
 *     before: every answer computed for the request; goal ≤ 1.5 s, issue 4). Baseline: the same
 *     Overview requests from Node in parallel (no browser, no rendering).
 *   - a filter changed in the open page, on the Overview, Countries and Resolution: from the user's
 *     choice in the FilterBar (the select's change event) to the frame in which every card and tile
 *     is settled; the count of complaints shown in that frame (the KPI tile, the country's bar, the
 *     funnel's first step) must equal the API's answer for the new filter, asked from Node
 *     afterwards. Goal p95 ≤ 200 ms (issue 21). Each change lands on a consumer country × sector
 *     pair not asked before in the run (bench/dashboard-views.ts), so the API answers it cold, as a
 *     user exploring meets it. Baseline, interleaved with the changes: the same view's requests
 *     fetched from Node in parallel, each time for another never-asked pair of the same countries
 *     and sectors.
 */
import { gzipSync } from 'node:zlib';
import { existsSync, readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ensureAnalyticsDataset } from './analytics-data.js';
import { changeFilter, openView, paintTime, type OpenView } from './dashboard-page.js';
import { MEASURED_VIEWS, OVERVIEW, firstNumber, pairKey, queryOf, walks, type Query } from './dashboard-views.js';
import {
  type BenchServer,
  type Summary,
  OUT_DIR,
  ROOT,
  dbUrl,
  fmt,
  machineInfo,
  num,
  parseArgs,
  sleep,
  startServer,
  str,
  summarize,
  table,
  writeResult,
} from './lib.js';

const args = parseArgs(process.argv.slice(2));
const complaints = num(args.complaints, 1_000_000);
const runs = num(args.runs, 10);
const changes = num(args.changes, 20);
/** The 10 M store is the analytics bench's; 1 M the one the load bench shares; any other size its own. */
const database = str(
  args.database,
  complaints === 10_000_000
    ? 'odr_bench_analytics'
    : complaints === 1_000_000
      ? 'odr_bench_dashboard'
      : `odr_bench_dashboard_${complaints}`,
);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const GOALS = { landingMs: 800, navigationMs: 1500, changeP95Ms: 200, initialJsKb: 250 };
/** The sectors each walk goes through (the largest first): the page on half of them, the baseline on the other half. */
const WALK_SECTORS = 12;
const log = (...m: unknown[]): void => console.log(...m);

// ───────────────────────── initial JavaScript ─────────────────────────

interface BundleFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

interface BundleSizes {
  initialFiles: BundleFile[];
  initialGzipBytes: number;
  initialBytes: number;
  lazyFiles: BundleFile[];
  lazyGzipBytes: number;
}

/**
 * The JavaScript index.html makes the browser fetch before anything renders: its module script
 * and the modulepreload links Vite writes for the entry's static imports. Lazy chunks (vega, the
 * map geometry) are listed apart.
 */
function bundleSizes(): BundleSizes {
  const dist = path.join(ROOT, 'dashboard', 'dist');
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error('dashboard/dist is missing: run `npm run build` first');
  const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/<(?:script[^>]*src|link[^>]*rel="modulepreload"[^>]*href)="([^"]+\.js)"/g)].map((m) => m[1]!);
  const sizeOf = (rel: string): BundleFile => {
    const bytes = readFileSync(path.join(dist, rel.replace(/^\//, '')));
    return { file: rel, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
  };
  const initialFiles = initial.map(sizeOf);
  const all = readdirSync(path.join(dist, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => sizeOf(`/assets/${f}`));
  const lazy = all.filter((f) => !initialFiles.some((i) => i.file === f.file));
  const sum = (files: readonly BundleFile[], k: 'bytes' | 'gzipBytes') => files.reduce((s, f) => s + f[k], 0);
  return {
    initialFiles,
    initialGzipBytes: sum(initialFiles, 'gzipBytes'),
    initialBytes: sum(initialFiles, 'bytes'),
    lazyFiles: lazy,
    lazyGzipBytes: sum(lazy, 'gzipBytes'),
  };
}

// ───────────────────────── the API from Node ─────────────────────────

/** The analytics answers, as far as the bench reads them. */
interface SummaryAnswer {
  complaints: number;
}
interface ByCodeAnswer {
  items: { code: string; complaints: number }[];
}
interface CountriesAnswer {
  items: { country: string; complaints: number }[];
}
/** GET /api/health's answer, as far as the bench reads it. */
interface HealthAnswer {
  analytics?: { status?: string };
}

/** The analytics API as the regulator the browser signs in as. */
function apiAs(server: BenchServer, token: string) {
  const get = async <T>(u: string): Promise<T> => {
    const r = await fetch(server.url + u, { headers: { authorization: `Bearer ${token}` } });
    if (!r.ok) throw new Error(`${u}: ${r.status} ${await r.text()}`);
    return (await r.json()) as T;
  };
  return {
    get,
    /** ms to fetch every request in parallel, each answer read whole (the baseline). */
    async timeAll(requests: readonly string[]): Promise<number> {
      const t0 = performance.now();
      await Promise.all(requests.map((u) => get<unknown>(u)));
      return performance.now() - t0;
    },
  };
}

// ───────────────────────── main ─────────────────────────

interface NavigationResult {
  name: string;
  goalMs: number;
  paint: Summary;
  apiOnly: Summary;
}

interface ChangeResult {
  view: string;
  countries: string[];
  inPage: Summary;
  /** from the choice to the page's last answer received (the part of `inPage` the API and the network take) */
  answersIn: Summary;
  apiOnly: Summary;
}

const ratioWords = (ms: number, goal: number): string =>
  ms <= goal ? `met (${fmt(ms / goal, 2)} of goal)` : `missed (${fmt(ms / goal, 2)}× goal)`;

const machine = await machineInfo();
log(
  `bench/dashboard: ${fmt(complaints)} complaints (database ${database}), ${runs} navigations per scenario, ${changes} filter changes per view; ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, PostgreSQL ${machine.postgres}`,
);
const bundle = bundleSizes();
log(
  `initial JavaScript: ${bundle.initialFiles.map((f) => `${f.file} ${fmt(f.gzipBytes / 1024, 1)} KB gz`).join(', ')} → ${fmt(bundle.initialGzipBytes / 1024, 1)} KB gzipped (goal ≤ ${GOALS.initialJsKb} KB; ratio to goal ${fmt(bundle.initialGzipBytes / 1024 / GOALS.initialJsKb, 2)}); lazy chunks ${fmt(bundle.lazyGzipBytes / 1024, 1)} KB gzipped`,
);

await ensureAnalyticsDataset({ complaints, database, log });
const work = path.join(OUT_DIR, 'dashboard-data');
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
log('starting the server (first ETL into a new DuckDB file) …');
const tStart = performance.now();
const server = await startServer({
  databaseUrl: dbUrl(database),
  label: 'dashboard',
  env: { DATA_DIR: work, DUCKDB_PATH: path.join(work, 'analytics.duckdb') },
});
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });

try {
  const issued = await fetch(`${server.url}/api/v1/tokens`, {
    method: 'POST',
    headers: { ...server.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'regulator', label: 'bench/dashboard' }),
  });
  if (issued.status !== 201) throw new Error(`could not issue a regulator token: ${issued.status} ${await issued.text()}`);
  const token = ((await issued.json()) as { token: string }).token;
  const api = apiAs(server, token);
  for (;;) {
    const h = (await (await fetch(`${server.url}/api/health`, { headers: server.headers })).json()) as HealthAnswer;
    if (h.analytics?.status === 'up') break;
    await sleep(500);
  }
  log(`  snapshot ready after ${fmt((performance.now() - tStart) / 1000, 1)} s`);
  // Let the prewarm of the unfiltered views finish, as it would have on a running server.
  await sleep(5000);
  const total = await api.get<SummaryAnswer>('/api/v1/stats/summary');
  if (total.complaints !== complaints) throw new Error(`the snapshot holds ${total.complaints} complaints, expected ${complaints}`);
  // The consumer countries and sectors, largest first (unfiltered answers: no filter of the run among them).
  const byCountry = await api.get<CountriesAnswer>('/api/v1/stats/countries?side=consumer');
  const countries = [...byCountry.items].sort((a, b) => b.complaints - a.complaints).map((i) => i.country);
  const bySector = await api.get<ByCodeAnswer>('/api/v1/stats/sectors');
  const sectors = [...bySector.items].sort((a, b) => b.complaints - a.complaints).map((i) => i.code);

  // Warm the browser's own start-up (first launch of a context costs more than the page).
  await paintTime(browser, token, `${server.url}/?from=2020-01-01`, OVERVIEW);

  // ── navigation: the Overview from a fresh context ──
  const navigations: NavigationResult[] = [];
  const navigationScenarios: [string, number, (i: number) => Query][] = [
    ['landing (unfiltered, prewarmed)', GOALS.landingMs, () => ({})],
    [
      'new filter (consumerCountry, computed per request)',
      GOALS.navigationMs,
      (i) => ({ consumerCountry: countries[i % countries.length]! }),
    ],
  ];
  for (const [name, goalMs, queryOf] of navigationScenarios) {
    const paint: number[] = [];
    const data: number[] = [];
    for (let i = 0; i < runs; i++) {
      const query = queryOf(i);
      const qs = new URLSearchParams(query).toString();
      paint.push((await paintTime(browser, token, `${server.url}/${qs ? `?${qs}` : ''}`, OVERVIEW)).ms);
      // For a new filter the baseline asks the same figures under another cache key (a `from`
      // before every complaint), so both sides are computed for the request, not served cached.
      const baseQuery = name.startsWith('new') ? { ...query, from: '2000-01-01' } : query;
      data.push(await api.timeAll(OVERVIEW.requests(baseQuery)));
    }
    navigations.push({ name, goalMs, paint: summarize(paint), apiOnly: summarize(data) });
  }
  log('');
  log(
    table(
      [
        'navigation to the Overview',
        'settled p50 ms',
        'p95 ms',
        'max ms',
        'goal (p95)',
        'baseline: API only p50 ms',
        'p95 ms',
        'settled / API only (p50)',
      ],
      navigations.map((s) => [
        s.name,
        fmt(s.paint.p50),
        fmt(s.paint.p95),
        fmt(s.paint.max),
        `≤ ${fmt(s.goalMs)} ms: ${ratioWords(s.paint.p95, s.goalMs)}`,
        fmt(s.apiOnly.p50),
        fmt(s.apiOnly.p95),
        fmt(s.paint.p50 / s.apiOnly.p50, 2),
      ]),
    ),
  );

  // ── a filter changed in the open page ──
  const plans = walks(MEASURED_VIEWS.length, countries, sectors.slice(0, WALK_SECTORS), changes);
  // Every pair of the run once: the walks are built so, and this says so before anything is asked.
  const pairs = plans.flatMap((w) => [w.start, ...w.steps.map((s) => s.to), ...w.baseline].map(pairKey));
  if (new Set(pairs).size !== pairs.length) throw new Error('a filter pair is asked twice in the run');
  const open: OpenView[] = [];
  for (const [k, view] of MEASURED_VIEWS.entries())
    open.push(
      await openView(browser, token, `${server.url}${view.path}?${new URLSearchParams(queryOf(plans[k]!.start)).toString()}`, view),
    );
  const inPage: number[][] = MEASURED_VIEWS.map(() => []);
  const answersIn: number[][] = MEASURED_VIEWS.map(() => []);
  const apiOnly: number[][] = MEASURED_VIEWS.map(() => []);
  // The views in turn, each change followed by its baseline: a drift of the machine meets them all alike.
  for (let i = 0; i < changes; i++) {
    for (const [k, view] of MEASURED_VIEWS.entries()) {
      const step = plans[k]!.steps[i]!;
      const timing = await changeFilter(open[k]!, step);
      inPage[k]!.push(timing.ms);
      answersIn[k]!.push(timing.answersMs);
      apiOnly[k]!.push(await api.timeAll(view.requests(queryOf(plans[k]!.baseline[i]!))));
      // What the page showed in that frame is the API's answer for the new filter (asked now, after the timing).
      const expected = (await api.get<SummaryAnswer>(`/api/v1/stats/summary?${new URLSearchParams(queryOf(step.to)).toString()}`))
        .complaints;
      const shown = firstNumber(timing.figure);
      if (shown !== expected && !(expected === 0 && shown === null))
        throw new Error(
          `${view.name}, ${pairKey(step.to)}: the settled page shows ${String(timing.figure)}, the API says ${expected} complaints`,
        );
    }
  }
  for (const o of open) await o.close();
  const changeResults: ChangeResult[] = MEASURED_VIEWS.map((view, k) => ({
    view: view.name,
    countries: [...new Set([plans[k]!.start, ...plans[k]!.steps.map((s) => s.to)].map((p) => p.consumerCountry))],
    inPage: summarize(inPage[k]!),
    answersIn: summarize(answersIn[k]!),
    apiOnly: summarize(apiOnly[k]!),
  }));
  log('');
  log(
    table(
      [
        'filter change in the page',
        'settled p50 ms',
        'p95 ms',
        'max ms',
        `goal p95 ≤ ${GOALS.changeP95Ms} ms`,
        'answers in p50 ms',
        'p95 ms',
        'baseline: API only p50 ms',
        'p95 ms',
        'page / API only p50',
        'p95',
      ],
      changeResults.map((r) => [
        `${r.view} (${r.countries.join(', ')})`,
        fmt(r.inPage.p50),
        fmt(r.inPage.p95),
        fmt(r.inPage.max),
        ratioWords(r.inPage.p95, GOALS.changeP95Ms),
        fmt(r.answersIn.p50),
        fmt(r.answersIn.p95),
        fmt(r.apiOnly.p50),
        fmt(r.apiOnly.p95),
        fmt(r.inPage.p50 / r.apiOnly.p50, 2),
        fmt(r.inPage.p95 / r.apiOnly.p95, 2),
      ]),
    ),
  );
  log(
    `(each change: the FilterBar's select changed to a consumer country × sector pair not asked before, timed in the page from its change event to the frame in which every card and tile is settled (answers in: to the end of the last API answer the page received for it, resource timing); the count of complaints shown then checked against the API; baseline: the view's requests for another new pair of the same countries and sectors, fetched from Node in parallel)`,
  );
  writeResult('dashboard', {
    bench: 'dashboard',
    at: new Date().toISOString(),
    complaints,
    database,
    runs,
    changesPerView: changes,
    machine,
    goals: GOALS,
    bundle,
    navigations,
    changes: changeResults,
  });
} finally {
  await browser.close();
  await server.stop();
}
