/**
 * Bytes on the wire (issue 21): the dashboard's hashed assets sent as the build's brotli or gzip
 * copy (or plain) with a year's immutable caching, index.html revalidated on every visit, and the
 * API's answers compressed on the fly from 1 KB on — exports still streamed. Real HTTP on loopback,
 * read with node:http so the raw (still encoded) bytes are seen; fetch would decode them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { precompressDir } from '../dashboard/precompress.js';
import { ndjson, validComplaint } from './support/complaints.js';
import { TEST_ADMIN_TOKEN, client, startApp, type RunningApp } from './support/http.js';

interface Raw {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** the status line and the headers as they came, in bytes (what Chromium counts besides the body) */
  head: number;
}

const headBytes = (res: http.IncomingMessage): number => {
  let n = Buffer.byteLength(`HTTP/${res.httpVersion} ${res.statusCode} ${res.statusMessage}\r\n\r\n`);
  for (let i = 0; i < res.rawHeaders.length; i += 2) n += Buffer.byteLength(`${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`);
  return n;
};

/** GET with exactly these headers (no Accept-Encoding unless given), the body as it came. */
function raw(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks), head: headBytes(res) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const decode = (r: Raw): Buffer =>
  r.headers['content-encoding'] === 'br'
    ? brotliDecompressSync(r.body)
    : r.headers['content-encoding'] === 'gzip'
      ? gunzipSync(r.body)
      : r.body;

const varyList = (r: Raw): string[] =>
  String(r.headers.vary ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase());

const auth = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };
const YEAR_IMMUTABLE = 'public, max-age=31536000, immutable';

describe('bytes on the wire', () => {
  let dir: string;
  let app: RunningApp;
  /** a JavaScript file as Vite writes one: hashed name, some kilobytes of varied text */
  let asset: Buffer;
  const ASSET = '/assets/index-Dq3xY7Zk.js';
  const SMALL_CSS = '/assets/About-9gwfGuf4.css';

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'odr-wire-'));
    mkdirSync(path.join(dir, 'assets'));
    asset = Buffer.from(
      Array.from({ length: 600 }, (_, i) => `export const label${i} = ${JSON.stringify(`chart ${i} of ${(i * 7919) % 1013}`)};`).join('\n'),
    );
    writeFileSync(path.join(dir, 'assets', path.basename(ASSET)), asset);
    writeFileSync(path.join(dir, 'assets', path.basename(SMALL_CSS)), '.about{margin:0}');
    writeFileSync(
      path.join(dir, 'index.html'),
      `<!doctype html><title>spa-shell</title><script type="module" src="${ASSET}"></script>${'<!-- padding -->'.repeat(100)}`,
    );
    // The build's own step (vite.config.ts runs it after writing dist/).
    const written = precompressDir(dir);
    expect(written.map((w) => w.file).sort()).toEqual(['assets/index-Dq3xY7Zk.js', 'index.html']);
    app = await startApp({ dashboardDir: dir });
    const c = client(app.baseUrl);
    const bulk = await c.ndjson(ndjson(Array.from({ length: 40 }, () => validComplaint())));
    expect(bulk.status, bulk.text).toBe(200);
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('a hashed asset', () => {
    it('is the brotli copy when the client accepts br, whatever its order', async () => {
      for (const ae of ['gzip, deflate, br, zstd', 'br', 'gzip;q=1.0, br;q=0.5']) {
        const r = await raw(app.baseUrl + ASSET, { 'accept-encoding': ae });
        expect(r.status, ae).toBe(200);
        expect(r.headers['content-encoding'], ae).toBe('br');
        expect(r.headers['content-type']).toMatch(/^(text|application)\/javascript/);
        expect(r.headers['cache-control']).toBe(YEAR_IMMUTABLE);
        expect(varyList(r)).toContain('accept-encoding');
        expect(Number(r.headers['content-length'])).toBe(readFileSync(path.join(dir, `${ASSET}.br`)).length);
        expect(r.body.length).toBeLessThan(asset.length / 3);
        expect(brotliDecompressSync(r.body).equals(asset)).toBe(true);
      }
    });

    it('is the gzip copy when the client accepts gzip but not br', async () => {
      for (const ae of ['gzip', 'gzip, deflate', 'br;q=0, gzip']) {
        const r = await raw(app.baseUrl + ASSET, { 'accept-encoding': ae });
        expect(r.headers['content-encoding'], ae).toBe('gzip');
        expect(r.headers['cache-control']).toBe(YEAR_IMMUTABLE);
        expect(varyList(r)).toContain('accept-encoding');
        expect(gunzipSync(r.body).equals(asset)).toBe(true);
      }
    });

    it('is the plain file when the client accepts neither', async () => {
      for (const headers of [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'br;q=0, gzip;q=0' }] as Record<
        string,
        string
      >[]) {
        const r = await raw(app.baseUrl + ASSET, headers);
        expect(r.headers['content-encoding'], JSON.stringify(headers)).toBeUndefined();
        expect(r.headers['cache-control']).toBe(YEAR_IMMUTABLE);
        expect(varyList(r)).toContain('accept-encoding');
        expect(r.body.equals(asset)).toBe(true);
      }
    });

    it('keeps the security headers', async () => {
      const r = await raw(app.baseUrl + ASSET, { 'accept-encoding': 'br' });
      expect(r.headers['content-security-policy']).toContain("default-src 'self'");
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['x-frame-options']).toBe('DENY');
    });

    it('too small to be worth a copy is sent plain, cached all the same', async () => {
      const r = await raw(app.baseUrl + SMALL_CSS, { 'accept-encoding': 'br, gzip' });
      expect(r.headers['content-encoding']).toBeUndefined();
      expect(r.headers['cache-control']).toBe(YEAR_IMMUTABLE);
      expect(r.body.toString()).toBe('.about{margin:0}');
    });
  });

  describe('index.html', () => {
    it('is revalidated on every visit (no-cache) at /, /index.html and a client route, compressed too', async () => {
      const html = readFileSync(path.join(dir, 'index.html'));
      for (const p of ['/', '/index.html', '/countries']) {
        const r = await raw(app.baseUrl + p, { accept: 'text/html', 'accept-encoding': 'gzip, br' });
        expect(r.status, p).toBe(200);
        expect(r.headers['cache-control'], p).toBe('no-cache');
        expect(r.headers['content-encoding'], p).toBe('br');
        expect(decode(r).equals(html), p).toBe(true);
      }
    });

    it('answers a return visit with 304 and no body when unchanged', async () => {
      const first = await raw(`${app.baseUrl}/`, { accept: 'text/html', 'accept-encoding': 'br' });
      expect(first.headers.etag).toBeTruthy();
      const again = await raw(`${app.baseUrl}/`, { accept: 'text/html', 'accept-encoding': 'br', 'if-none-match': first.headers.etag! });
      expect(again.status).toBe(304);
      expect(again.body.length).toBe(0);
    });
  });

  describe('API answers', () => {
    it('are compressed from 1 KB on, brotli first, and still never stored', async () => {
      const url = `${app.baseUrl}/api/v1/complaints?limit=40`;
      const plain = await raw(url, auth);
      expect(plain.status).toBe(200);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.body.length).toBeGreaterThan(4096);
      // daysOpen runs with the clock between two requests: left out of the comparison.
      const stable = (b: Buffer) => JSON.parse(b.toString(), (k, v: unknown) => (k === 'daysOpen' ? undefined : v)) as { items: unknown[] };
      const expected = stable(plain.body);
      expect(expected.items).toHaveLength(40);
      for (const [ae, enc] of [
        ['gzip, deflate, br', 'br'],
        ['gzip', 'gzip'],
      ] as const) {
        const r = await raw(url, { ...auth, 'accept-encoding': ae });
        expect(r.headers['content-encoding'], ae).toBe(enc);
        expect(r.headers['cache-control']).toBe('no-store');
        expect(varyList(r)).toContain('accept-encoding');
        expect(r.body.length).toBeLessThan(plain.body.length / 3);
        expect(stable(decode(r))).toEqual(expected);
      }
    });

    it('under 1 KB are sent as they are', async () => {
      const r = await raw(`${app.baseUrl}/api/health`, { 'accept-encoding': 'gzip, deflate, br' });
      expect(r.status).toBe(200);
      expect(r.body.length).toBeLessThan(1024);
      expect(r.headers['content-encoding']).toBeUndefined();
      expect(JSON.parse(r.body.toString())).toHaveProperty('status');
    });

    it('exports (CSV, NDJSON) stream compressed and decode to the plain download; Parquet is left as it is', async () => {
      for (const format of ['csv', 'ndjson'] as const) {
        const url = `${app.baseUrl}/api/v1/complaints/export?format=${format}`;
        const plain = await raw(url, auth);
        expect(plain.status, format).toBe(200);
        expect(plain.body.length).toBeGreaterThan(4096);
        for (const [ae, enc] of [
          ['br', 'br'],
          ['gzip', 'gzip'],
        ] as const) {
          const r = await raw(url, { ...auth, 'accept-encoding': ae });
          expect(r.status).toBe(200);
          expect(r.headers['content-encoding'], `${format} ${ae}`).toBe(enc);
          // Streamed: sent in chunks as produced, no length known up front.
          expect(r.headers['transfer-encoding']).toBe('chunked');
          expect(r.headers['content-length']).toBeUndefined();
          expect(r.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename=".+\\.${format}"$`));
          expect(r.headers['cache-control']).toBe('no-store');
          expect(r.body.length).toBeLessThan(plain.body.length / 3);
          expect(decode(r).toString()).toBe(plain.body.toString());
        }
      }
      const parquet = await raw(`${app.baseUrl}/api/v1/complaints/export?format=parquet`, { ...auth, 'accept-encoding': 'br, gzip' });
      expect(parquet.status).toBe(200);
      expect(parquet.headers['content-encoding']).toBeUndefined();
      expect(parquet.body.subarray(0, 4).toString()).toBe('PAR1');
    });
  });

  describe('headers (a return visit pays for them)', () => {
    const PAGE_CSP =
      "default-src 'self';script-src 'self';script-src-attr 'none';style-src 'self' 'unsafe-inline';img-src 'self' data: blob:;" +
      "font-src 'self' data:;connect-src 'self';object-src 'none';frame-ancestors 'none';base-uri 'self';form-action 'self'";
    const API_CSP = "default-src 'none';frame-ancestors 'none'";
    /** Helmet's headers that act on documents only. */
    const DOCUMENT_ONLY = [
      'cross-origin-opener-policy',
      'cross-origin-resource-policy',
      'origin-agent-cluster',
      'referrer-policy',
      'x-dns-prefetch-control',
      'x-download-options',
      'x-permitted-cross-domain-policies',
      'x-xss-protection',
    ];
    /** What a 304 of a figure needs (RFC 9110 §15.4.5) besides nosniff, the request id and Node's connection headers. */
    const FIGURE_304 = ['cache-control', 'connection', 'date', 'etag', 'keep-alive', 'x-content-type-options', 'x-request-id'];
    const RATE = ['ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'];
    const names = (r: Raw) => Object.keys(r.headers).sort();
    let limited: RunningApp;

    beforeAll(async () => {
      expect((await client(app.baseUrl).postJson('/api/v1/etl/runs?wait=true', {})).status).toBe(200);
      // The default deployment limits rates: every API answer also carries RateLimit-*.
      limited = await startApp({ dashboardDir: dir, store: app.store, env: { RATE_LIMIT_PER_MINUTE: '600' } });
      expect((await client(limited.baseUrl).postJson('/api/v1/etl/runs?wait=true', {})).status).toBe(200);
    });
    afterAll(async () => {
      await limited?.close();
    });

    it('pages keep every header, the full CSP first: index.html (its 304 too), a client route, the API docs', async () => {
      const html = { accept: 'text/html', 'accept-encoding': 'br' };
      const index = await raw(`${app.baseUrl}/`, html);
      const answers = {
        index,
        revalidated: await raw(`${app.baseUrl}/`, { ...html, 'if-none-match': index.headers.etag! }),
        route: await raw(`${app.baseUrl}/countries`, html),
        docs: await raw(`${app.baseUrl}/api/docs`, html),
        docsUpperCase: await raw(`${app.baseUrl}/API/DOCS`, html),
        docsScript: await raw(`${app.baseUrl}/api/docs/init.js`),
      };
      expect(Object.values(answers).map((r) => r.status)).toEqual([200, 304, 200, 200, 200, 200]);
      for (const [k, r] of Object.entries(answers)) {
        expect(r.headers['content-security-policy'], k).toBe(PAGE_CSP);
        expect(r.headers['x-content-type-options'], k).toBe('nosniff');
        expect(r.headers['x-frame-options'], k).toBe('DENY');
        expect(r.headers['referrer-policy'], k).toBe('no-referrer');
        expect(r.headers['strict-transport-security'], k).toMatch(/^max-age=\d+/);
        for (const h of DOCUMENT_ONLY) expect(r.headers[h], `${k}: ${h}`).toBeDefined();
      }
    });

    it('API answers (data, figures, errors, exports) carry the API set and none of the document-only headers', async () => {
      const none = {} as Record<string, string>;
      const answers = {
        health: await raw(`${app.baseUrl}/api/health`),
        openapi: await raw(`${app.baseUrl}/api/openapi.json`),
        session: await raw(`${app.baseUrl}/api/v1/session`, auth),
        list: await raw(`${app.baseUrl}/api/v1/complaints?limit=5`, { ...auth, 'accept-encoding': 'br' }),
        figures: await raw(`${app.baseUrl}/api/v1/stats/summary`, auth),
        export: await raw(`${app.baseUrl}/api/v1/complaints/export?format=csv`, { ...auth, 'accept-encoding': 'br' }),
        noToken: await raw(`${app.baseUrl}/api/v1/complaints`, none),
        badQuery: await raw(`${app.baseUrl}/api/v1/complaints?limit=0`, auth),
        unknownRoute: await raw(`${app.baseUrl}/api/v1/no-such-thing`, auth),
        outsideV1: await raw(`${app.baseUrl}/api/no-such-thing`, auth),
        limitedFigures: await raw(`${limited.baseUrl}/api/v1/stats/summary`, auth),
      };
      expect(Object.fromEntries(Object.entries(answers).map(([k, r]) => [k, r.status]))).toEqual({
        health: 200,
        openapi: 200,
        session: 200,
        list: 200,
        figures: 200,
        export: 200,
        noToken: 401,
        badQuery: 400,
        unknownRoute: 404,
        outsideV1: 404,
        limitedFigures: 200,
      });
      for (const [k, r] of Object.entries(answers)) {
        expect(r.headers['content-security-policy'], k).toBe(API_CSP);
        expect(r.headers['x-content-type-options'], k).toBe('nosniff');
        expect(r.headers['x-frame-options'], k).toBe('DENY');
        expect(r.headers['strict-transport-security'], k).toMatch(/^max-age=\d+/);
        expect(r.headers['x-powered-by'], k).toBeUndefined();
        for (const h of DOCUMENT_ONLY) expect(r.headers[h], `${k}: ${h}`).toBeUndefined();
      }
      // An answer nothing may keep is never revalidated: no ETag. The figures keep theirs.
      for (const k of ['session', 'list', 'export', 'noToken', 'badQuery', 'unknownRoute'] as const) {
        expect(answers[k].headers['cache-control'], k).toBe('no-store');
        expect(answers[k].headers.etag, k).toBeUndefined();
      }
      expect(answers.figures.headers['cache-control']).toBe('private, no-cache');
      expect(answers.figures.headers.etag).toMatch(/^W\/"/);
      // 955 bytes before the API's set (issue 21).
      expect(answers.session.head).toBeLessThanOrEqual(512);
    });

    it("a figure's 304 carries its cache fields and nosniff only: ≤ 300 bytes, ≤ 380 with the rate limit's headers", async () => {
      for (const [base, expected, budget] of [
        [app.baseUrl, FIGURE_304, 300],
        [limited.baseUrl, [...FIGURE_304, ...RATE].sort(), 380],
      ] as const) {
        for (const path of ['/api/v1/stats/summary', '/api/v1/stats/trend?interval=month']) {
          const first = await raw(base + path, { ...auth, 'accept-encoding': 'br' });
          expect(first.status, path).toBe(200);
          expect(first.headers['content-security-policy']).toBe(API_CSP);
          const again = await raw(base + path, { ...auth, 'accept-encoding': 'br', 'if-none-match': first.headers.etag! });
          expect(again.status, path).toBe(304);
          expect(again.body.length).toBe(0);
          expect(names(again), path).toEqual(expected);
          expect(again.headers['x-content-type-options']).toBe('nosniff');
          expect(again.headers['cache-control']).toBe('private, no-cache');
          expect(again.headers.etag).toBe(first.headers.etag);
          expect(again.head, `${base}${path}`).toBeLessThanOrEqual(budget);
        }
      }
    });
  });
});
