/**
 * Hardening (issue 5): per-token rate limits (429 + Retry-After, other tokens unaffected, the
 * window resets; health and static files never limited), security headers with a CSP the
 * dashboard and the API docs satisfy (API answers: one that allows nothing), no CORS unless
 * configured, request body limits (413).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter, WINDOW_MS } from '../api/src/common/rate-limit.js';
import { client, expectError, startApp, type RunningApp } from './support/http.js';
import { minimalComplaint, ndjson } from './support/complaints.js';

describe('rate limits', () => {
  const LIMIT = 5;
  let app: RunningApp;
  let limiter: RateLimiter;
  let now = Date.now();
  let other = '';

  beforeAll(async () => {
    app = await startApp({ env: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
    limiter = app.app.get(RateLimiter);
    limiter.now = () => now;
    const t = await client(app.baseUrl).postJson('/api/v1/tokens', { role: 'regulator', label: 'second desk' });
    expect(t.status).toBe(201);
    other = t.body.token;
    now += WINDOW_MS; // a fresh window for every key
  });
  afterAll(async () => {
    await app?.close();
  });

  it('answers the N+1th request of a token with 429 and Retry-After; another token goes on; the window resets', async () => {
    const admin = client(app.baseUrl);
    for (let i = 0; i < LIMIT; i++) {
      const a = await admin.get('/api/v1/etl/runs');
      expect(a.status, a.text).toBe(200);
      expect(a.headers.get('ratelimit-remaining')).toBe(String(LIMIT - i - 1));
    }
    now += 20_000;
    const refused = await admin.get('/api/v1/etl/runs');
    expectError(refused, 429);
    expect(refused.body.message).toMatch(/at most 5 a minute/);
    expect(refused.headers.get('retry-after')).toBe('40');

    const second = client(app.baseUrl, other);
    expect((await second.get('/api/v1/etl/runs')).status).toBe(200);

    // Health, the API document, the docs and the dashboard are never limited.
    for (const path of ['/api/health', '/api/openapi.json', '/api/docs', '/']) {
      const res = await fetch(app.baseUrl + path);
      expect(res.status, path).toBe(200);
    }

    now += 40_000;
    expect((await admin.get('/api/v1/etl/runs')).status).toBe(200);
  });

  it('counts requests without a valid token per client address', async () => {
    now += WINDOW_MS;
    const anon = client(app.baseUrl, null);
    const bad = client(app.baseUrl, 'not-a-token-at-all');
    for (let i = 0; i < LIMIT; i++) expect((await (i % 2 ? anon : bad).get('/api/v1/etl/runs')).status).toBe(401);
    const refused = await anon.get('/api/v1/etl/runs');
    expectError(refused, 429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // A valid token has its own budget.
    expect((await client(app.baseUrl).get('/api/v1/etl/runs')).status).toBe(200);
  });

  it('keeps one fixed window per key (unit)', () => {
    let t = 1_000_000;
    const l = new RateLimiter(2, () => t);
    expect([l.hit('a').allowed, l.hit('a').allowed, l.hit('a').allowed]).toEqual([true, true, false]);
    expect(l.hit('b').allowed).toBe(true);
    t += WINDOW_MS - 1;
    expect(l.hit('a')).toMatchObject({ allowed: false, resetSeconds: 1 });
    t += 1;
    expect(l.hit('a')).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('is off with RATE_LIMIT_PER_MINUTE=off', async () => {
    const off = await startApp({ store: app.store, env: { RATE_LIMIT_PER_MINUTE: 'off' } });
    try {
      const admin = client(off.baseUrl);
      for (let i = 0; i < 20; i++) expect((await admin.get('/api/v1/etl/runs')).status).toBe(200);
      expect((await admin.get('/api/v1/etl/runs')).headers.get('ratelimit-limit')).toBeNull();
    } finally {
      await off.close();
    }
  });
});

describe('security headers, CORS and body limits', () => {
  let app: RunningApp;

  beforeAll(async () => {
    app = await startApp({ env: { BODY_LIMIT_MB: '0.01', BULK_BODY_LIMIT_MB: '0.05' } });
  });
  afterAll(async () => {
    await app?.close();
  });

  const csp = (h: Headers) =>
    Object.fromEntries(
      (h.get('content-security-policy') ?? '')
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((d) => d[0])
        .map(([name, ...values]) => [name!, values]),
    );

  it('sends a CSP without unsafe-eval and the usual hardening headers on pages and docs', async () => {
    for (const path of ['/', '/api/docs', '/api/docs/init.js']) {
      const res = await fetch(app.baseUrl + path, { headers: { authorization: 'Bearer test-admin-token-0123456789abcdef' } });
      expect(res.status, path).toBe(200);
      const p = csp(res.headers);
      expect(p['default-src'], path).toEqual(["'self'"]);
      expect(p['script-src']).toEqual(["'self'"]);
      expect(p['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
      expect(p['img-src']).toEqual(["'self'", 'data:', 'blob:']);
      expect(p['connect-src']).toEqual(["'self'"]);
      expect(p['object-src']).toEqual(["'none'"]);
      expect(p['frame-ancestors']).toEqual(["'none'"]);
      expect(p['base-uri']).toEqual(["'self'"]);
      expect(res.headers.get('content-security-policy')).not.toMatch(/unsafe-eval|upgrade-insecure-requests/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  // The OWASP REST Security Cheat Sheet's set; the headers that act on documents only are left to
  // pages (issue 21: they cost ~0.6 KB per answer). test/wire.test.ts holds the byte budgets.
  it('sends API answers a CSP that allows nothing, nosniff, X-Frame-Options and HSTS', async () => {
    for (const path of ['/api/health', '/api/v1/etl/runs', '/api/openapi.json']) {
      const res = await fetch(app.baseUrl + path, { headers: { authorization: 'Bearer test-admin-token-0123456789abcdef' } });
      expect(res.status, path).toBe(200);
      expect(csp(res.headers), path).toEqual({ 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] });
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('serves the API docs with scripts from this origin only (the CSP allows them)', async () => {
    const html = await (await fetch(`${app.baseUrl}/api/docs`)).text();
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/api\/docs\//);
      expect(body!.trim()).toBe(''); // no inline script
    }
    for (const [, src] of html.matchAll(/(?:src|href)="([^"]+)"/g)) expect(src, src).toMatch(/^\//);
    for (const asset of ['/api/docs/assets/swagger-ui.css', '/api/docs/assets/swagger-ui-bundle.js', '/api/docs/init.js']) {
      expect((await fetch(app.baseUrl + asset)).status, asset).toBe(200);
    }
  });

  it('sends no CORS headers unless CORS_ORIGINS is set', async () => {
    const origin = 'https://elsewhere.example.org';
    const pre = await fetch(`${app.baseUrl}/api/v1/etl/runs`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
    const get = await fetch(`${app.baseUrl}/api/health`, { headers: { origin } });
    expect(get.headers.get('access-control-allow-origin')).toBeNull();

    const cors = await startApp({ store: app.store, env: { CORS_ORIGINS: 'https://dashboard.example.org' } });
    try {
      const ok = await fetch(`${cors.baseUrl}/api/v1/etl/runs`, {
        method: 'OPTIONS',
        headers: {
          origin: 'https://dashboard.example.org',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization',
        },
      });
      expect(ok.status).toBeLessThan(300);
      expect(ok.headers.get('access-control-allow-origin')).toBe('https://dashboard.example.org');
      expect(ok.headers.get('access-control-allow-headers') ?? '').toMatch(/authorization/i);
      expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
      const stranger = await fetch(`${cors.baseUrl}/api/health`, { headers: { origin } });
      expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await cors.close();
    }
  });

  it('refuses bodies over the limits with 413', async () => {
    const admin = client(app.baseUrl);
    const big = { name: 'x'.repeat(20_000), country: 'DE' };
    expectError(await admin.putJson('/api/v1/traders/T-BIG', big), 413);
    const lines: unknown[] = [];
    while (JSON.stringify(lines).length < 80_000) lines.push(minimalComplaint());
    const bulk = await admin.ndjson(ndjson(lines));
    expectError(bulk, 413);
    // Without a Content-Length (chunked) the stream is cut at the limit all the same.
    const body = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(ndjson(lines)));
        c.close();
      },
    });
    const chunked = await admin.postRaw('/api/v1/complaints/bulk', body, 'application/x-ndjson', { duplex: 'half' } as RequestInit);
    expectError(chunked, 413);
    expect((await fetch(`${app.baseUrl}/api/health`)).status).toBe(200);
  });
});
