/**
 * bench/dashboard in Chromium: a navigation painted, and a filter changed in an open page, each
 * timed inside the page to the animation frame in which every chart card and KPI tile is settled
 * (aria-busy="false": its data is in and its vega view has drawn it; ChartCard, KpiTile).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { MeasuredView, Step } from './dashboard-views.js';

// The page functions below run in Chromium, but the project's TypeScript config has no DOM lib
// (server code must not see browser globals): the little of it they use, declared here.
interface BrowserElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const document: {
  querySelectorAll(selectors: string): ArrayLike<BrowserElement> & Iterable<BrowserElement>;
  querySelector(selectors: string): BrowserElement | null;
};
declare const location: { search: string };
declare const window: {
  addEventListener(type: string, listener: () => void, options: { capture: boolean; once: boolean }): void;
  __benchChangeAt?: number;
};
/** A resource timing entry as a page function reads it (optional: Node's PerformanceEntry type lacks them). */
interface BrowserResourceTiming {
  name: string;
  startTime: number;
  initiatorType?: string;
  transferSize?: number;
  responseEnd?: number;
}

export const VIEWPORT = { width: 1280, height: 900 };
const TIMEOUT_MS = 60_000;

/** A fresh context (no HTTP cache) signed in as `token`'s holder, as if the user had entered it earlier in this tab. */
async function signedInContext(browser: Browser, token: string): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: VIEWPORT });
  await context.addInitScript(`sessionStorage.setItem('odr.token', ${JSON.stringify(token)})`);
  return context;
}

/** Console errors and uncaught exceptions of a page, collected to fail the run on any. */
function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return errors;
}

/**
 * The page shows `view` settled: its cards and tiles all there and none busy, each chart drawn
 * (an svg) and each KPI a number; `performance.now()` at that frame. Evaluated in the page.
 */
function settledAt(view: { cards: number; tiles: number }): number | false {
  const cards = [...document.querySelectorAll('section.card')];
  const tiles = [...document.querySelectorAll('.tile')];
  if (cards.length !== view.cards || tiles.length !== view.tiles) return false;
  if ([...cards, ...tiles].some((e) => e.getAttribute('aria-busy') !== 'false')) return false;
  if (document.querySelectorAll('section.card .chart svg').length !== view.cards) return false;
  const kpis = [...document.querySelectorAll('[data-testid^="kpi-"][data-testid$="-value"]')];
  return kpis.every((k) => /\d/.test(k.textContent ?? '')) ? performance.now() : false;
}

/** ms from the navigation's start to the frame in which `view` is settled, in a fresh context; the scripts it loaded. */
export async function paintTime(
  browser: Browser,
  token: string,
  url: string,
  view: MeasuredView,
): Promise<{ ms: number; scripts: number }> {
  const context = await signedInContext(browser, token);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(url, { waitUntil: 'commit' });
  // Polled every animation frame inside the page; `false` never comes back (waitForFunction waits for a truthy value).
  const handle = await page.waitForFunction(settledAt, { cards: view.cards, tiles: view.tiles }, { polling: 'raf', timeout: TIMEOUT_MS });
  const ms = (await handle.jsonValue()) as number;
  const scripts = await page.evaluate(
    () =>
      performance
        .getEntriesByType('resource')
        .map((r): BrowserResourceTiming => r)
        .filter((r) => r.initiatorType === 'script' || r.name.endsWith('.js')).length,
  );
  await context.close();
  if (errors.length) throw new Error(`console errors on ${url}: ${errors.join(' | ')}`);
  return { ms, scripts };
}

/** A view open in its own page, its filters changed through the FilterBar. */
export interface OpenView {
  view: MeasuredView;
  page: Page;
  close(): Promise<void>;
}

export async function openView(browser: Browser, token: string, url: string, view: MeasuredView): Promise<OpenView> {
  const context = await signedInContext(browser, token);
  const page = await context.newPage();
  const errors = watchErrors(page);
  await page.goto(url);
  await page.waitForFunction(settledAt, { cards: view.cards, tiles: view.tiles }, { polling: 'raf', timeout: TIMEOUT_MS });
  return {
    view,
    page,
    async close() {
      await context.close();
      if (errors.length) throw new Error(`console errors on ${view.name}: ${errors.join(' | ')}`);
    },
  };
}

/** What a filter change measured: ms from the user's choice to the settled frame, and the figure shown then. */
export interface ChangeTiming {
  ms: number;
  /** ms from the choice to the end of the last API answer the page received for it (resource timing): the rest is the browser's */
  answersMs: number;
  /** the text (or attribute) holding the filter's count of complaints at that frame; null: no such element (no complaint matches) */
  figure: string | null;
}

/**
 * One filter change as the user makes it: choosing `step.value` in the FilterBar's select. Timed
 * in the page from the `change` event (a capturing listener, before the FilterBar's own) to the
 * first animation frame in which the URL holds the new filter and every card and tile is settled;
 * the figure is read in that same frame.
 */
export async function changeFilter(open: OpenView, step: Step): Promise<ChangeTiming> {
  const { page, view } = open;
  await page.evaluate(() => {
    window.__benchChangeAt = undefined;
    // Only this change's requests in the (bounded) resource timing buffer.
    performance.clearResourceTimings();
    window.addEventListener('change', () => (window.__benchChangeAt = performance.now()), { capture: true, once: true });
  });
  const args = {
    cards: view.cards,
    tiles: view.tiles,
    param: `${step.select}=${encodeURIComponent(step.value)}`,
    figure: view.figure,
  };
  // Waiting already, before the choice: nothing settles before the URL holds the new filter.
  const settled = page.waitForFunction(
    (a) => {
      const at = window.__benchChangeAt;
      if (at === undefined || !location.search.slice(1).split('&').includes(a.param)) return false;
      const cards = [...document.querySelectorAll('section.card')];
      const tiles = [...document.querySelectorAll('.tile')];
      if (cards.length !== a.cards || tiles.length !== a.tiles) return false;
      if ([...cards, ...tiles].some((e) => e.getAttribute('aria-busy') !== 'false')) return false;
      const el = document.querySelector(a.figure.selector);
      const figure = el ? (a.figure.attribute ? el.getAttribute(a.figure.attribute) : el.textContent) : null;
      const answers = performance
        .getEntriesByType('resource')
        .map((r): BrowserResourceTiming => r)
        .filter((r) => r.name.includes('/api/v1/stats/') && r.startTime >= at);
      return { ms: performance.now() - at, answersMs: Math.max(0, ...answers.map((r) => (r.responseEnd ?? at) - at)), figure };
    },
    args,
    { polling: 'raf', timeout: TIMEOUT_MS },
  );
  await page.selectOption(`select[name="${step.select}"]`, step.value);
  return (await (await settled).jsonValue()) as ChangeTiming;
}
