/**
 * The bytes a browser receives for one landing on the dashboard's Overview, counted by Chromium
 * itself (DevTools protocol: each request's `encodedDataLength`, headers included, what DevTools
 * calls "transferred"), until the Overview is painted and the network has been quiet for 500 ms.
 * Used by bench/wire.ts and by the e2e test that holds the goal (test/e2e/wire.test.ts).
 */
import type { BrowserContext } from 'playwright-core';

export interface ResourceBytes {
  url: string;
  status: number;
  /** Content-Encoding of the answer ('' for none) */
  encoding: string;
  /** received, headers included; 0 when served from the browser's cache */
  transferred: number;
  /** the body once decoded */
  decoded: number;
  fromCache: boolean;
  /** the server answered 304 (the cached copy, revalidated, was used; `status` is the copy's) */
  revalidated: boolean;
}

export interface LandingBytes {
  resources: ResourceBytes[];
  /** every received byte of the landing */
  transferred: number;
  /** the bodies decoded: what the same landing would cost with no compression and no cache */
  decoded: number;
  /** requests answered from the browser's cache */
  fromCache: number;
}

// The predicate runs in Chromium (a function, not a string: the page's CSP forbids eval), but the
// project's TypeScript config has no DOM lib: the little of it used, declared here.
declare const document: { querySelectorAll(selectors: string): ArrayLike<{ textContent: string | null }> };

/** Every KPI tile with a number and the four chart cards with their SVG (as bench/dashboard waits). */
function overviewPainted(): boolean {
  const kpis = Array.from(document.querySelectorAll('[data-testid^="kpi-"][data-testid$="-value"]'));
  return (
    document.querySelectorAll('section.card').length === 4 &&
    document.querySelectorAll('section.card .chart svg').length === 4 &&
    kpis.length >= 5 &&
    kpis.every((k) => /\d/.test(k.textContent ?? ''))
  );
}

/**
 * Opens `url` in a new tab of `context` (whose HTTP cache a later call reuses: the first call is
 * a first visit, the next a return visit) and counts what arrived. The tab is closed afterwards.
 */
export async function landingBytes(context: BrowserContext, url: string): Promise<LandingBytes> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const byId = new Map<string, ResourceBytes>();
  const entry = (id: string): ResourceBytes => {
    let r = byId.get(id);
    if (!r) byId.set(id, (r = { url: '', status: 0, encoding: '', transferred: 0, decoded: 0, fromCache: false, revalidated: false }));
    return r;
  };
  cdp.on('Network.requestWillBeSent', (e) => (entry(e.requestId).url = e.request.url));
  cdp.on('Network.requestServedFromCache', (e) => (entry(e.requestId).fromCache = true));
  cdp.on('Network.responseReceived', (e) => {
    const r = entry(e.requestId);
    r.status = e.response.status;
    r.fromCache ||= e.response.fromDiskCache === true || e.response.fromPrefetchCache === true;
    const h = Object.entries(e.response.headers).find(([k]) => k.toLowerCase() === 'content-encoding');
    r.encoding = h ? String(h[1]) : '';
  });
  // The status on the wire: responseReceived reports a revalidated copy's own (200).
  cdp.on('Network.responseReceivedExtraInfo', (e) => (entry(e.requestId).revalidated = e.statusCode === 304));
  cdp.on('Network.dataReceived', (e) => (entry(e.requestId).decoded += e.dataLength));
  cdp.on('Network.loadingFinished', (e) => (entry(e.requestId).transferred = e.encodedDataLength));
  try {
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(overviewPainted, undefined, { polling: 'raf', timeout: 60_000 });
    await page.waitForLoadState('networkidle');
  } finally {
    await cdp.detach().catch(() => {});
    await page.close();
  }
  // data: URLs (the page's empty icon) never touch the network.
  const resources = [...byId.values()].filter((r) => r.url.startsWith('http'));
  return {
    resources,
    transferred: resources.reduce((s, r) => s + r.transferred, 0),
    decoded: resources.reduce((s, r) => s + r.decoded, 0),
    fromCache: resources.filter((r) => r.fromCache).length,
  };
}
