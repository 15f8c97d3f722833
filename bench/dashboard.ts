/**
 * bench/dashboard (issue 4): on the 1-million-complaint store, the time from navigation to every
 * Overview chart painted (goal ≤ 1.5 s) and the initial JavaScript the browser downloads before
 * the first view, gzipped (goal ≤ 250 KB; vega, vega-lite and vega-embed load lazily).
 *
 *   npm run bench -- dashboard [--complaints 1000000] [--runs 10] [--database odr_bench_dashboard]
 *
 * The store is generated straight into PostgreSQL by bench/analytics-data.ts (kept and reused);
 * the server runs from dist/ (build the dashboard first: `npm run build`; `npm run bench` builds the
 * rest) and builds its DuckDB snapshot at start-up. Debian's Chromium (CHROMIUM_PATH, default
 * /usr/bin/chromium) through playwright-core, a fresh browser context per navigation (no HTTP
 * cache), 1280 × 900.
 *
 * The browser is signed in as a regulator (a token issued with the server's admin token, put in
 * the tab's sessionStorage as the sign-in would).
 * Measured per navigation, from the navigation's start (performance.timeOrigin) to the frame in
 * which the five KPI tiles show numbers and the four chart cards hold their SVG:
 *   - "landing": the unfiltered Overview, whose answers the server computed ahead (its prewarm);
 *   - "new filter": each run a consumer country not asked before, so every analytics answer is
 *     computed in DuckDB for that request (the case a regulator meets when exploring).
 * Baseline, measured in the same run: the same Overview API requests fetched from Node in
 * parallel (no browser, no rendering) — the ratio says what the browser adds on top of the data.
 */
import { gzipSync } from 'node:zlib';
import { existsSync, readFileSync, readdirSync, rmSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { ensureAnalyticsDataset } from './analytics-data.js';
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

// The page functions below run in Chromium, but the project's TypeScript config has no DOM lib
// (server code must not see browser globals): the little of it they use, declared here.
interface BrowserElement {
  textContent: string | null;
}
declare const document: {
  querySelectorAll(selectors: string): ArrayLike<BrowserElement> & Iterable<BrowserElement>;
};
/** A resource timing entry as a page function reads it (optional: Node's PerformanceEntry type lacks them). */
interface BrowserResourceTiming {
  name: string;
  initiatorType?: string;
  transferSize?: number;
}

const args = parseArgs(process.argv.slice(2));
const complaints = num(args.complaints, 1_000_000);
const runs = num(args.runs, 10);
const database = str(args.database, 'odr_bench_dashboard');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const GOAL_PAINT_MS = 1500;
const GOAL_JS_KB = 250;
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

// ───────────────────────── the Overview's requests ─────────────────────────

type Query = Record<string, string>;

/** The analytics requests the Overview makes for `query` (see dashboard/src/views/Overview.svelte). */
function overviewRequests(query: Query): string[] {
  const q = (extra: Query = {}) => new URLSearchParams({ ...query, ...extra }).toString();
  return [
    `/api/v1/stats/summary?${q()}`,
    `/api/v1/stats/trend?${q({ interval: 'month' })}`,
    `/api/v1/stats/countries?${q()}`,
    `/api/v1/stats/sectors?${q()}`,
    `/api/v1/stats/problems?${q()}`,
    `/api/v1/stats/outcomes?${q()}`,
  ];
}

/** GET /stats/summary's answer, as far as the bench reads it. */
interface SummaryAnswer {
  complaints: number;
}

/** GET /api/health's answer, as far as the bench reads it. */
interface HealthAnswer {
  analytics?: { status?: string };
}

async function fetchAll(server: BenchServer, query: Query): Promise<{ ms: number; answers: unknown[] }> {
  const t0 = performance.now();
  const answers = await Promise.all(
    overviewRequests(query).map(async (u) => {
      const r = await fetch(server.url + u, { headers: { authorization: `Bearer ${regulatorToken}` } });
      if (!r.ok) throw new Error(`${u}: ${r.status} ${await r.text()}`);
      return (await r.json()) as unknown;
    }),
  );
  return { ms: performance.now() - t0, answers };
}

// ───────────────────────── painting ─────────────────────────

/** ms from navigation start to the frame with every KPI value and every chart's SVG present. */
async function paintTime(browser: Browser, url: string): Promise<{ ms: number; scripts: number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Signed in as a regulator, as if the user had entered the token earlier in this tab.
  await context.addInitScript(`sessionStorage.setItem('odr.token', ${JSON.stringify(regulatorToken)})`);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(url, { waitUntil: 'commit' });
  // Polled every animation frame inside the page; returns performance.now() at that frame.
  const handle = await page.waitForFunction(
    () => {
      const cards = document.querySelectorAll('section.card');
      const drawn = document.querySelectorAll('section.card .chart svg');
      const kpis = [...document.querySelectorAll('[data-testid^="kpi-"][data-testid$="-value"]')];
      const filled = kpis.length >= 5 && kpis.every((k) => /\d/.test(k.textContent ?? ''));
      return cards.length === 4 && drawn.length === 4 && filled ? performance.now() : false;
    },
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
  // `false` never comes back: waitForFunction resolves on a truthy value.
  const ms = (await handle.jsonValue()) as number;
  const resources = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((r): BrowserResourceTiming => r)
      .filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js'))
      .map((r) => ({ name: r.name, transfer: r.transferSize })),
  );
  await context.close();
  if (errors.length) throw new Error(`console errors on ${url}: ${errors.join(' | ')}`);
  return { ms, scripts: resources.length };
}

// ───────────────────────── main ─────────────────────────

interface Scenario {
  name: string;
  paint: Summary;
  apiOnly: Summary;
  ratioToGoal: number;
  browserOverApi: number;
}

const machine = await machineInfo();
log(
  `bench/dashboard: ${fmt(complaints)} complaints, ${runs} runs per scenario; ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, PostgreSQL ${machine.postgres}`,
);
const bundle = bundleSizes();
log(
  `initial JavaScript: ${bundle.initialFiles.map((f) => `${f.file} ${fmt(f.gzipBytes / 1024, 1)} KB gz`).join(', ')} → ${fmt(bundle.initialGzipBytes / 1024, 1)} KB gzipped (goal ≤ ${GOAL_JS_KB} KB; ratio to goal ${fmt(bundle.initialGzipBytes / 1024 / GOAL_JS_KB, 2)}); lazy chunks ${fmt(bundle.lazyGzipBytes / 1024, 1)} KB gzipped`,
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
let regulatorToken = '';

try {
  const issued = await fetch(`${server.url}/api/v1/tokens`, {
    method: 'POST',
    headers: { ...server.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'regulator', label: 'bench/dashboard' }),
  });
  if (issued.status !== 201) throw new Error(`could not issue a regulator token: ${issued.status} ${await issued.text()}`);
  regulatorToken = ((await issued.json()) as { token: string }).token;
  for (;;) {
    const h = (await (await fetch(`${server.url}/api/health`, { headers: server.headers })).json()) as HealthAnswer;
    if (h.analytics?.status === 'up') break;
    await sleep(500);
  }
  log(`  snapshot ready after ${fmt((performance.now() - tStart) / 1000, 1)} s`);
  // Let the prewarm of the unfiltered views finish, as it would have on a running server.
  await sleep(5000);
  const summary = (await fetchAll(server, {})).answers[0] as SummaryAnswer;
  if (summary.complaints !== complaints) throw new Error(`the snapshot holds ${summary.complaints} complaints, expected ${complaints}`);

  // Warm the browser's own start-up (first launch of a context costs more than the page).
  await paintTime(browser, `${server.url}/?from=2020-01-01`);

  const countries = [
    'DE',
    'FR',
    'IT',
    'ES',
    'PL',
    'NL',
    'GB',
    'BE',
    'AT',
    'SE',
    'PT',
    'CZ',
    'RO',
    'IE',
    'DK',
    'FI',
    'GR',
    'HU',
    'SK',
    'BG',
    'HR',
    'SI',
    'LT',
    'LV',
    'EE',
    'LU',
    'NO',
    'CY',
    'MT',
    'IS',
  ];
  const scenarios: Scenario[] = [];
  const scenarioQueries: [string, (i: number) => Query][] = [
    ['landing (unfiltered, prewarmed)', () => ({})],
    ['new filter (consumerCountry, computed per request)', (i) => ({ consumerCountry: countries[i % countries.length]! })],
  ];
  for (const [name, queryOf] of scenarioQueries) {
    const paint: number[] = [];
    const data: number[] = [];
    for (let i = 0; i < runs; i++) {
      const query = queryOf(i);
      // For a new filter the baseline asks the same figures under another cache key (a `from`
      // before every complaint), so both sides are computed for the request, not served cached.
      const qs = new URLSearchParams(query).toString();
      paint.push((await paintTime(browser, `${server.url}/${qs ? `?${qs}` : ''}`)).ms);
      const baseQuery = name.startsWith('new') ? { ...query, from: '2000-01-01' } : query;
      data.push((await fetchAll(server, baseQuery)).ms);
    }
    const p = summarize(paint);
    const d = summarize(data);
    scenarios.push({ name, paint: p, apiOnly: d, ratioToGoal: p.p50 / GOAL_PAINT_MS, browserOverApi: p.p50 / d.p50 });
  }
  log('');
  log(
    table(
      ['scenario', 'painted p50 ms', 'p95 ms', 'max ms', 'goal ≤ 1 500 ms', 'baseline: API only p50 ms', 'painted / API only'],
      scenarios.map((s) => [
        s.name,
        fmt(s.paint.p50),
        fmt(s.paint.p95),
        fmt(s.paint.max),
        s.paint.p95 <= GOAL_PAINT_MS ? `met (${fmt(s.ratioToGoal, 2)} of goal)` : `missed (${fmt(s.ratioToGoal, 2)}× goal)`,
        fmt(s.apiOnly.p50),
        fmt(s.browserOverApi, 2),
      ]),
    ),
  );
  writeResult('dashboard', { bench: 'dashboard', at: new Date().toISOString(), complaints, runs, machine, bundle, scenarios });
} finally {
  await browser.close();
  await server.stop();
}
