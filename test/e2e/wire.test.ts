/**
 * Bytes on the wire as Chromium counts them (issue 21): landing on the Overview costs ≤ 400 KB the
 * first time, every file the build compressed arriving as its brotli copy; a return visit in the
 * same browser takes every asset from the cache, revalidates index.html and the figures (304s) and
 * asks again only for the session's answers (`no-store`): ≤ 5 KB in all, headers included, with
 * the server as `npm start` runs it (rate limit on: its headers on every API answer). bench/wire
 * records the figures on the default demo.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { landingBytes } from '../../bench/landing-bytes.js';
import { dashboardSuite } from './support.js';

const ASSETS = path.resolve('dashboard/dist/assets');

describe('e2e: bytes on the wire', () => {
  const e2e = dashboardSuite();

  it('first visit ≤ 400 KB, brotli copies; return visit ≤ 5 KB: assets from the cache, the figures revalidated', async () => {
    const precompressed = new Set(
      readdirSync(ASSETS)
        .filter((f) => f.endsWith('.br'))
        .map((f) => `/assets/${f.slice(0, -'.br'.length)}`),
    );
    expect(precompressed.size, 'the build wrote brotli copies').toBeGreaterThan(0);
    const context = await e2e.browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const first = await landingBytes(context, `${e2e.server.baseUrl}/`);
      const again = await landingBytes(context, `${e2e.server.baseUrl}/`);

      const pathOf = (url: string) => new URL(url).pathname;
      const assets = first.resources.filter((r) => pathOf(r.url).startsWith('/assets/'));
      expect(assets.length).toBeGreaterThan(3);
      for (const r of assets) {
        expect(existsSync(path.join(ASSETS, path.basename(pathOf(r.url)))), r.url).toBe(true);
        if (precompressed.has(pathOf(r.url))) expect(r.encoding, r.url).toBe('br');
      }
      expect(first.fromCache).toBe(0);
      expect(first.transferred).toBeLessThan(first.decoded / 2);
      expect(first.transferred, 'first visit').toBeLessThanOrEqual(400 * 1024);

      const page = again.resources.filter((r) => !pathOf(r.url).startsWith('/api/'));
      for (const r of page.filter((x) => pathOf(x.url).startsWith('/assets/'))) {
        expect(r.fromCache, r.url).toBe(true);
        expect(r.transferred, r.url).toBe(0);
      }
      expect(page.filter((r) => !r.fromCache).map((r) => pathOf(r.url))).toEqual(['/']);
      const figures = again.resources.filter((r) => pathOf(r.url).startsWith('/api/v1/stats/'));
      expect(figures.length).toBeGreaterThan(3);
      for (const r of figures) expect(r.revalidated, r.url).toBe(true);
      expect(again.transferred, 'return visit').toBeLessThanOrEqual(5 * 1024);
    } finally {
      await context.close();
    }
  });
});
