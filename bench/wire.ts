/**
 * bench/wire (issue 21, "bytes on the wire"): what a browser receives to land on the Overview —
 * a first visit (empty cache) and a return visit (same browser, cache warm, a new tab). Goals:
 * ≤ 400 KB for the first visit, a few KB (≤ 5 KB) for the return visit; the return visit is also
 * shown split into the page (index.html revalidated, assets from the cache) and the data (the
 * session's answers, `no-store`, fetched again; the figures revalidated, 304). Baseline, same run:
 * the same landing's bodies decoded, i.e. what it would cost with no compression and no cache.
 *
 *   npm run bench -- wire [--complaints 20000] [--runs 3]
 *
 * The server runs from dist/ in demo mode on the embedded store (what `npm start` serves; the
 * Overview's answers are aggregates, so their size hardly depends on the store's); the dashboard
 * must be built first (`npm run build`, which also writes the brotli and gzip copies). Debian's
 * Chromium (CHROMIUM_PATH, default /usr/bin/chromium) through playwright-core, 1280 × 900, a
 * fresh browser context per run; bytes counted by Chromium (bench/landing-bytes.ts).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { landingBytes, type LandingBytes, type ResourceBytes } from './landing-bytes.js';
import { ROOT, fmt, num, parseArgs, sleep, startServer, table, writeResult } from './lib.js';

const args = parseArgs(process.argv.slice(2));
const complaints = num(args.complaints, 20_000);
const runs = num(args.runs, 3);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const GOAL_FIRST_KB = 400;
const GOAL_RETURN_KB = 5;
const log = (...m: unknown[]): void => console.log(...m);
const kb = (bytes: number): string => fmt(bytes / 1024, 1);

const assets = path.join(ROOT, 'dashboard', 'dist', 'assets');
if (!existsSync(assets)) throw new Error('dashboard/dist is missing: run `npm run build` first');
if (!readdirSync(assets).some((f) => f.endsWith('.br'))) throw new Error('dashboard/dist has no .br copies: rebuild it (`npm run build`)');

log(`bench/wire: demo store of ${fmt(complaints)} complaints, ${runs} runs (each a first and a return visit)`);
const dataDir = mkdtempSync(path.join(tmpdir(), 'odr-bench-wire-'));
const server = await startServer({
  databaseUrl: null,
  label: 'wire',
  env: { DATA_DIR: dataDir, DEMO: 'true', DEMO_COMPLAINTS: String(complaints) },
});
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
try {
  // Ready when the demo's regulator, whom the dashboard opens as, gets the figures (first snapshot).
  const deadline = Date.now() + 300_000;
  for (;;) {
    const session = await fetch(`${server.url}/api/v1/demo/session`);
    const tokens = session.ok ? ((await session.json()) as { tokens: { role: string; token: string }[] }).tokens : [];
    const regulator = tokens.find((t) => t.role === 'regulator')?.token;
    if (regulator && (await fetch(`${server.url}/api/v1/stats/summary`, { headers: { authorization: `Bearer ${regulator}` } })).ok) break;
    if (Date.now() > deadline) throw new Error('the demo data was not ready in 5 minutes');
    await sleep(500);
  }

  const first: LandingBytes[] = [];
  const again: LandingBytes[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      first.push(await landingBytes(context, `${server.url}/`));
      again.push(await landingBytes(context, `${server.url}/`));
    } finally {
      await context.close();
    }
  }
  // The last run's first visit, file by file.
  const last = first[first.length - 1]!;
  log('');
  log('first visit, by request (last run):');
  log(
    table(
      ['request', 'status', 'encoding', 'transferred KB', 'decoded KB'],
      [...last.resources]
        .sort((a, b) => b.transferred - a.transferred)
        .map((r) => [new URL(r.url).pathname, r.status, r.encoding || '-', kb(r.transferred), kb(r.decoded)]),
    ),
  );
  const lastAgain = again[again.length - 1]!;
  log('');
  log('return visit, by request (last run):');
  log(
    table(
      ['request', 'status', 'from cache', 'transferred KB'],
      lastAgain.resources.map((r) => [
        new URL(r.url).pathname,
        r.revalidated ? 304 : r.status,
        r.fromCache ? 'yes' : '',
        kb(r.transferred),
      ]),
    ),
  );
  // A return visit asks the API again (the session's answers are `no-store`, the figures revalidated),
  // so it is shown split into the page itself (HTML and assets) and the data.
  const isData = (r: ResourceBytes): boolean => new URL(r.url).pathname.startsWith('/api/');
  const part = (x: LandingBytes, keep: (r: ResourceBytes) => boolean): LandingBytes => {
    const resources = x.resources.filter(keep);
    const sum = (k: 'transferred' | 'decoded') => resources.reduce((s, r) => s + r[k], 0);
    return { resources, transferred: sum('transferred'), decoded: sum('decoded'), fromCache: resources.filter((r) => r.fromCache).length };
  };
  const rows = (
    [
      ['first visit (empty cache)', first, GOAL_FIRST_KB],
      ['return visit (cache warm)', again, GOAL_RETURN_KB],
      ['  of which the page (HTML, JS, CSS)', again.map((x) => part(x, (r) => !isData(r))), null],
      ['  of which the data (API answers)', again.map((x) => part(x, isData)), null],
    ] as const
  ).map(([name, xs, goal]) => {
    const transferred = xs.map((x) => x.transferred);
    const worst = Math.max(...transferred);
    return {
      name,
      requests: xs[xs.length - 1]!.resources.length,
      fromCache: xs[xs.length - 1]!.fromCache,
      transferredMin: Math.min(...transferred),
      transferredMax: worst,
      decoded: Math.max(...xs.map((x) => x.decoded)),
      goalKB: goal,
      met: goal === null ? null : worst <= goal * 1024,
    };
  });
  log('');
  log(
    table(
      ['landing on the Overview', 'requests', 'from cache', 'transferred KB', 'goal', 'baseline: decoded KB', 'transferred / baseline'],
      rows.map((r) => [
        r.name,
        r.requests,
        r.fromCache,
        r.transferredMin === r.transferredMax ? kb(r.transferredMax) : `${kb(r.transferredMin)}–${kb(r.transferredMax)}`,
        r.goalKB === null ? '' : `≤ ${r.goalKB} KB: ${r.met ? 'met' : 'missed'} (${fmt(r.transferredMax / 1024 / r.goalKB, 2)} of goal)`,
        kb(r.decoded),
        fmt(r.transferredMax / r.decoded, 3),
      ]),
    ),
  );
  writeResult('wire', { bench: 'wire', at: new Date().toISOString(), complaints, runs, rows, first: last, again: lastAgain });
} finally {
  await browser.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
