/**
 * Issue 17 (security probe), findings 5, 6, 10 and 12: out-of-range zone offsets are a 400 (not a
 * database error), scoped roles see no system-wide metadata, no API answer is cached (the figures,
 * which hold no personal data, are kept but checked on every use), and the
 * small leaks (the docs' whole asset folder, tokens that never expire, the rate limiter resolving
 * unknown tokens before counting) are closed.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adminHeaders,
  client,
  detailFields,
  expectError,
  putAdrBody,
  startApp,
  TEST_ADMIN_TOKEN,
  type Client,
  type RunningApp,
} from './support/http.js';
import { minimalComplaint, ndjson } from './support/complaints.js';
import { ANALYTICS } from '../api/src/app.tokens.js';
import { TOKEN_CACHE_MS, TokenService, UNKNOWN_CACHE_MS } from '../api/src/access/token.service.js';
import { RateLimiter, WINDOW_MS } from '../api/src/common/rate-limit.js';
import { createTestStore } from './support/store.js';
import type { AnalyticsStores } from '../core/duckdb/analytics-stores.js';

describe('time-zone offsets beyond ±15:59 (finding 5)', () => {
  let app: RunningApp;
  let api: Client;
  beforeAll(async () => {
    app = await startApp();
    api = client(app.baseUrl);
  });
  afterAll(async () => {
    await app?.close();
  });

  const far = encodeURIComponent('2024-01-01T00:00:00+23:59');
  const sixteen = encodeURIComponent('2024-01-01T00:00:00-16:00');

  it.each([
    [`/api/v1/complaints?from=${far}`, 'from'],
    [`/api/v1/complaints?to=${sixteen}`, 'to'],
    [`/api/v1/complaints/export?format=csv&from=${far}`, 'from'],
    [`/api/v1/stats/summary?from=${far}`, 'from'],
    [`/api/v1/stats/trend?to=${sixteen}`, 'to'],
    [`/api/v1/audit?from=${far}`, 'from'],
  ])('%s → 400 naming %s', async (path, field) => {
    const a = await api.get(path);
    expectError(a, 400);
    expect(detailFields(a)).toContain(field);
    expect(a.body.details.find((d: { field: string }) => d.field === field).message).toMatch(/offset beyond ±15:59/);
  });

  it('accepts the widest offset PostgreSQL reads (±15:59) and filters by the instant it names', async () => {
    // Filed 2024-03-05T10:22Z; 2024-03-06T02:00+15:59 is 2024-03-05T10:01Z (before), +15:00 is 11:00Z (after).
    const c = minimalComplaint();
    expect((await api.postJson('/api/v1/complaints', c)).status).toBe(201);
    const ref = encodeURIComponent(c.externalRef);
    const before = await api.get(`/api/v1/complaints?externalRef=${ref}&from=${encodeURIComponent('2024-03-06T02:00:00+15:59')}`);
    expect(before.status, before.text).toBe(200);
    expect(before.body.total).toBe(1);
    const after = await api.get(`/api/v1/complaints?externalRef=${ref}&from=${encodeURIComponent('2024-03-06T02:00:00+15:00')}`);
    expect(after.status, after.text).toBe(200);
    expect(after.body.total).toBe(0);
    expect((await api.get(`/api/v1/complaints?to=${encodeURIComponent('2024-01-01T00:00:00-15:59')}`)).status).toBe(200);
  });

  it('refuses filedAt and an event time with such an offset (422 naming the field), writing nothing', async () => {
    const c = minimalComplaint({ filedAt: '2024-03-05T10:22:00+23:59' });
    const a = await api.postJson('/api/v1/complaints', c);
    expectError(a, 422);
    expect(detailFields(a)).toContain('filedAt');
    expect((await api.get(`/api/v1/complaints?externalRef=${encodeURIComponent(c.externalRef)}`)).body.total).toBe(0);

    const ok = minimalComplaint();
    const created = await api.postJson('/api/v1/complaints', ok);
    expect(created.status).toBe(201);
    const e = await api.event(created.body.id, { type: 'sent_to_trader', at: '2024-03-06T10:00:00-16:00' });
    expectError(e, 422);
    expect(detailFields(e)).toContain('at');
  });
});

describe('no caching of API answers (finding 10)', () => {
  let app: RunningApp;
  let limited: RunningApp;
  beforeAll(async () => {
    app = await startApp();
    limited = await startApp({ env: { RATE_LIMIT_PER_MINUTE: '1' } });
  });
  afterAll(async () => {
    await app?.close();
    await limited?.close();
  });

  it('sends Cache-Control: no-store on every /api/v1 answer: data, errors, exports, refusals', async () => {
    const admin = client(app.baseUrl);
    const created = await admin.postJson('/api/v1/complaints', minimalComplaint());
    const answers = {
      created,
      list: await admin.get('/api/v1/complaints'),
      case: await admin.complaint(created.body.id),
      export: await admin.get('/api/v1/complaints/export?format=ndjson'),
      badQuery: await admin.get('/api/v1/complaints?limit=0'),
      noToken: await client(app.baseUrl, null).get('/api/v1/complaints'),
      unknownCase: await admin.complaint('999999'),
      unknownRoute: await admin.get('/api/v1/no-such-thing'),
      tokens: await admin.get('/api/v1/tokens'),
    };
    expect(Object.fromEntries(Object.entries(answers).map(([k, a]) => [k, a.status]))).toEqual({
      created: 201,
      list: 200,
      case: 200,
      export: 200,
      badQuery: 400,
      noToken: 401,
      unknownCase: 404,
      unknownRoute: 404,
      tokens: 200,
    });
    for (const [k, a] of Object.entries(answers)) expect(a.headers.get('cache-control'), k).toBe('no-store');

    const once = client(limited.baseUrl);
    expect((await once.get('/api/v1/tokens')).status).toBe(200);
    const refused = await once.get('/api/v1/tokens');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('cache-control')).toBe('no-store');
  });

  it('the figures (no personal data) may be kept by the browser but are checked on every use: ETag, 304 until a run changes them', async () => {
    const admin = client(app.baseUrl);
    // Before the first run the figures are an error: not kept.
    const early = await admin.get('/api/v1/stats/summary');
    expect(early.status).toBe(503);
    expect(early.headers.get('cache-control')).toBe('no-store');
    expect((await admin.postJson('/api/v1/etl/runs?wait=true', {})).status).toBe(200);
    const first = await admin.get('/api/v1/stats/summary');
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    // As a browser revalidates its copy: If-None-Match alone (fetch() would add Cache-Control: no-cache).
    const revalidate = (tag: string) =>
      new Promise<{ status: number; etag: string | undefined; body: string }>((resolve, reject) => {
        const req = http.get(
          `${app.baseUrl}/api/v1/stats/summary`,
          { headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}`, 'if-none-match': tag } },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, etag: res.headers.etag, body }));
          },
        );
        req.on('error', reject);
      });
    const same = await revalidate(etag!);
    expect(same.status).toBe(304);
    expect(same.body).toBe('');
    // A filter's error stays uncached; another run with a new complaint changes the answer and its tag.
    const bad = await admin.get('/api/v1/stats/summary?from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('cache-control')).toBe('no-store');
    expect((await admin.postJson('/api/v1/complaints', minimalComplaint())).status).toBe(201);
    expect((await admin.postJson('/api/v1/etl/runs?wait=true', {})).status).toBe(200);
    const changed = await revalidate(etag!);
    expect(changed.status).toBe(200);
    expect(changed.etag).not.toBe(etag);
  });
});

describe('the docs page serves only what it loads (finding 12)', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('renders /api/docs with every file it references answering 200', async () => {
    const page = await fetch(`${app.baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(refs).toEqual(
      expect.arrayContaining(['/api/docs/assets/swagger-ui.css', '/api/docs/assets/swagger-ui-bundle.js', '/api/docs/init.js']),
    );
    for (const ref of refs) {
      const res = await fetch(app.baseUrl + ref);
      expect(res.status, ref).toBe(200);
      expect((await res.arrayBuffer()).byteLength, ref).toBeGreaterThan(0);
    }
  });

  it.each([
    'package.json',
    'index.html',
    'README.md',
    'swagger-initializer.js',
    'oauth2-redirect.html',
    'swagger-ui-bundle.js.map',
    'swagger-ui.css.map',
    'swagger-ui.js',
    'absolute-path.js',
    '',
    'swagger-ui.css/../package.json',
    '%2e%2e/swagger-ui-dist/package.json',
  ])('/api/docs/assets/%s → 404', async (file) => {
    const res = await fetch(`${app.baseUrl}/api/docs/assets/${file}`);
    expect(res.status, file).toBe(404);
    expect(await res.text()).not.toMatch(/swagger-ui-dist|"version"/);
  });
});

describe('scoped roles see no system-wide metadata (finding 6)', () => {
  let app: RunningApp;
  let admin: Client;
  const tok: Record<'regulator' | 'trader' | 'adrBody' | 'ingest', string> = { regulator: '', trader: '', adrBody: '', ingest: '' };
  // Two cases of the trader, three of another, one of which went to the ADR body.
  const OWN = 2;
  const OTHERS = 3;

  beforeAll(async () => {
    app = await startApp();
    admin = client(app.baseUrl);
    await putAdrBody(admin, 'ADR-M');
    const mine = Array.from({ length: OWN }, () => minimalComplaint({ trader: { id: 'T-MINE', country: 'FR' } }));
    const others = Array.from({ length: OTHERS }, () => minimalComplaint({ trader: { id: 'T-OTHER', country: 'DE' } }));
    others[0]!.events = [
      { type: 'sent_to_trader', at: '2024-03-05T11:00:00Z' },
      { type: 'trader_replied', at: '2024-03-06T11:00:00Z', decision: 'proposes_adr' },
      { type: 'adr_body_agreed', at: '2024-03-07T11:00:00Z', adrBodyId: 'ADR-M' },
    ];
    const r = await admin.ndjson(ndjson([...mine, ...others]));
    expect(r.status, r.text).toBe(200);
    const issue = async (body: Record<string, string>) => {
      const a = await admin.postJson('/api/v1/tokens', { label: `probe ${body.role}`, ...body });
      expect(a.status, a.text).toBe(201);
      return a.body.token as string;
    };
    tok.regulator = await issue({ role: 'regulator' });
    tok.trader = await issue({ role: 'trader', traderId: 'T-MINE' });
    tok.adrBody = await issue({ role: 'adr_body', adrBodyId: 'ADR-M' });
    tok.ingest = await issue({ role: 'ingest', source: 'probe-feed' });
    const run = await admin.postRaw('/api/v1/etl/runs?wait=true', undefined);
    expect(run.body.status, run.text).toBe('succeeded');
  }, 60_000);
  afterAll(async () => {
    await app?.close();
  });

  it('GET /etl/runs (global row counts, raw errors) answers admins and regulators only', async () => {
    expect((await admin.get('/api/v1/etl/runs')).status).toBe(200);
    expect((await client(app.baseUrl, tok.regulator).get('/api/v1/etl/runs')).status).toBe(200);
    for (const role of ['trader', 'adrBody', 'ingest'] as const)
      expectError(await client(app.baseUrl, tok[role]).get('/api/v1/etl/runs'), 403);
  });

  it("asOf tells the platform's total to unbound readers only; bound roles get the stamp without it", async () => {
    const total = OWN + OTHERS;
    for (const c of [admin, client(app.baseUrl, tok.regulator)]) {
      const s = await c.get('/api/v1/stats/summary');
      expect(s.status, s.text).toBe(200);
      expect(s.body.asOf.complaints).toBe(total);
    }
    const trader = client(app.baseUrl, tok.trader);
    const adr = client(app.baseUrl, tok.adrBody);
    const bound = {
      traderSummary: await trader.get('/api/v1/stats/summary'),
      traderTrend: await trader.get('/api/v1/stats/trend'),
      traderBenchmark: await trader.get('/api/v1/stats/traders/T-MINE/benchmark?year=2024'),
      adrSummary: await adr.get('/api/v1/stats/summary'),
      adrReport: await adr.get('/api/v1/stats/adr-bodies/ADR-M/report?year=2024'),
    };
    for (const [k, a] of Object.entries(bound)) {
      expect(a.status, `${k}: ${a.text}`).toBe(200);
      expect(Object.keys(a.body.asOf).sort(), k).toEqual(['etlRunId', 'finishedAt']);
      expect(a.text, k).not.toContain(`"complaints":${total}`);
    }
    // The figures themselves are still theirs.
    expect(bound.traderSummary.body.complaints).toBe(OWN);
    expect(bound.adrSummary.body.complaints).toBe(1);
    // A kept answer (the same view asked again by an admin) still carries the total.
    expect((await admin.get('/api/v1/stats/summary')).body.asOf.complaints).toBe(total);
  });

  it('health: only status (and a coarse reason) without an admin token; the details with one', async () => {
    for (const token of [null, tok.regulator, tok.trader, 'not-a-token']) {
      const res = await fetch(`${app.baseUrl}/api/health`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    }
    const detailed = await fetch(`${app.baseUrl}/api/health`, { headers: adminHeaders });
    expect(await detailed.json()).toMatchObject({
      status: 'ok',
      postgres: { status: 'up' },
      analytics: { status: 'up', asOf: { complaints: OWN + OTHERS } },
      lastEtlRun: { status: 'succeeded' },
    });
  });

  it('health when the stores fail: the raw error text only to an admin; still 503 when nothing can be served', async () => {
    const source = app.app.get<AnalyticsStores>(ANALYTICS).source;
    const { ping } = app.store;
    const { snapshot } = source;
    app.store.ping = () => Promise.reject(new Error('password authentication failed for user "odr_secret"'));
    source.snapshot = () => Promise.reject(new Error('IO Error: /srv/odr/secret/analytics.duckdb'));
    try {
      const anon = await fetch(`${app.baseUrl}/api/health`);
      expect(anon.status).toBe(503);
      expect(await anon.json()).toEqual({ status: 'degraded', reason: 'database unavailable; analytics store unavailable' });
      const detailed = await fetch(`${app.baseUrl}/api/health`, { headers: adminHeaders });
      expect(detailed.status).toBe(503);
      const body = (await detailed.json()) as { reason: string; postgres: { error: string } };
      expect(body.reason).toContain('odr_secret');
      expect(body.postgres.error).toContain('odr_secret');
    } finally {
      app.store.ping = ping;
      source.snapshot = snapshot;
    }
    expect((await fetch(`${app.baseUrl}/api/health`)).status).toBe(200);
  });
});

describe('tokens may expire (finding 12)', () => {
  let app: RunningApp;
  let admin: Client;
  beforeAll(async () => {
    app = await startApp();
    admin = client(app.baseUrl);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses an expiry that is not a future date-time (422 naming expiresAt)', async () => {
    for (const expiresAt of ['2020-01-01T00:00:00Z', new Date(Date.now() - 1000).toISOString(), 'tomorrow', '2099-01-01T00:00:00+16:00']) {
      const a = await admin.postJson('/api/v1/tokens', { role: 'regulator', label: 'expiring', expiresAt });
      expectError(a, 422);
      expect(
        a.body.details.map((d: { field: string }) => d.field),
        expiresAt,
      ).toContain('expiresAt');
    }
  });

  it('issues and lists a token with its expiry; at that instant it is a 401 that says it expired, though cached', async () => {
    const expiresAt = new Date(Date.now() + 1500);
    const issued = await admin.postJson('/api/v1/tokens', {
      role: 'regulator',
      label: 'short lived',
      expiresAt: expiresAt.toISOString().replace('Z', '+00:00'),
    });
    expect(issued.status, issued.text).toBe(201);
    expect(issued.body.expiresAt).toBe(expiresAt.toISOString());
    const listed = (await admin.get('/api/v1/tokens')).body.items.find((t: { id: string }) => t.id === issued.body.id);
    expect(listed.expiresAt).toBe(expiresAt.toISOString());
    const never = await admin.postJson('/api/v1/tokens', { role: 'regulator', label: 'no expiry' });
    expect(never.body.expiresAt).toBeNull();

    const holder = client(app.baseUrl, issued.body.token);
    expect((await holder.get('/api/v1/complaints?limit=1')).status).toBe(200);
    const tokens = app.app.get(TokenService);
    const lookups = tokens.storeLookups;
    await new Promise((r) => setTimeout(r, expiresAt.getTime() - Date.now() + 20));
    const refused = await holder.get('/api/v1/complaints?limit=1');
    expectError(refused, 401);
    expect(refused.body.message).toMatch(/expired at/);
    expect(refused.body.message).toContain(expiresAt.toISOString());
    // Judged on the cached row (fetched under TOKEN_CACHE_MS ago), not on a fresh look-up.
    expect(TOKEN_CACHE_MS).toBeGreaterThan(1500);
    expect(tokens.storeLookups).toBe(lookups);
    expect((await client(app.baseUrl, never.body.token).get('/api/v1/complaints?limit=1')).status).toBe(200);
  });

  it('honours the expiry to the millisecond in the cache (unit, fake clock)', async () => {
    const { store, close } = await createTestStore();
    try {
      let now = Date.now();
      const tokens = new TokenService(store, undefined, () => now);
      const ends = now + 60_000;
      const issued = await tokens.create({ role: 'regulator', label: 'unit', expiresAt: new Date(ends).toISOString() }, 'test');
      now = ends - 1;
      expect((await tokens.check(issued.token)).status).toBe('valid');
      const lookups = tokens.storeLookups;
      now = ends;
      expect(await tokens.check(issued.token)).toEqual({ status: 'expired', expiredAt: new Date(ends).toISOString() });
      expect(tokens.knownCaller(issued.token)).toBeNull();
      expect(tokens.storeLookups).toBe(lookups);
    } finally {
      await close();
    }
  });
});

describe('the rate limiter counts before it looks tokens up (finding 12)', () => {
  const LIMIT = 5;
  let app: RunningApp;
  let now = Date.now();
  beforeAll(async () => {
    app = await startApp({ env: { RATE_LIMIT_PER_MINUTE: String(LIMIT) } });
    app.app.get(RateLimiter).now = () => now;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('a flood of made-up tokens from one address: 429 after its budget, and at most that many store look-ups', async () => {
    now += WINDOW_MS;
    const tokens = app.app.get(TokenService);
    const before = tokens.storeLookups;
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++)
      statuses.push((await client(app.baseUrl, `odr_bogus-${i}-${Math.random()}`).get('/api/v1/complaints')).status);
    expect(statuses).toEqual([...Array<number>(LIMIT).fill(401), ...Array<number>(40 - LIMIT).fill(429)]);
    expect(tokens.storeLookups - before).toBeLessThanOrEqual(LIMIT);

    // A valid token has its own budget, also from that address, and is not charged to it.
    const issued = await client(app.baseUrl).postJson('/api/v1/tokens', { role: 'regulator', label: 'flood neighbour' });
    expect(issued.status).toBe(201);
    now += WINDOW_MS;
    const reader = client(app.baseUrl, issued.body.token);
    for (let i = 0; i < LIMIT; i++) expect((await reader.get('/api/v1/complaints?limit=1')).status).toBe(200);
    expect((await reader.get('/api/v1/complaints?limit=1')).status).toBe(429);
    // The address's budget is untouched by the token's requests.
    for (let i = 0; i < LIMIT; i++) expect((await client(app.baseUrl, null).get('/api/v1/complaints')).status).toBe(401);
    expect((await client(app.baseUrl, null).get('/api/v1/complaints')).status).toBe(429);
  });

  it('health with a made-up token is counted like the API (its look-up costs the store); a plain probe is not', async () => {
    now += WINDOW_MS;
    const tokens = app.app.get(TokenService);
    const before = tokens.storeLookups;
    const statuses: number[] = [];
    for (let i = 0; i < 3 * LIMIT; i++) statuses.push((await client(app.baseUrl, `odr_bogus-health-${i}`).get('/api/health')).status);
    expect(statuses.filter((s) => s === 429)).toHaveLength(2 * LIMIT);
    expect(tokens.storeLookups - before).toBeLessThanOrEqual(LIMIT);
    for (let i = 0; i < 3 * LIMIT; i++) expect((await client(app.baseUrl, null).get('/api/health')).status).toBe(200);
  });

  it('remembers unknown tokens apart: asked again, the store is not; known tokens stay cached (unit)', async () => {
    const { store, close } = await createTestStore();
    try {
      let now = Date.now();
      const tokens = new TokenService(store, undefined, () => now);
      const issued = await tokens.create({ role: 'regulator', label: 'known' }, 'test');
      expect((await tokens.resolve(issued.token))?.tokenId).toBe(issued.id);
      const afterKnown = tokens.storeLookups;
      for (let i = 0; i < 500; i++) expect(await tokens.resolve(`odr_bogus-${i}`)).toBeNull();
      expect(tokens.storeLookups - afterKnown).toBe(500);
      for (let i = 0; i < 500; i++) expect(await tokens.resolve(`odr_bogus-${i}`)).toBeNull();
      expect(tokens.storeLookups - afterKnown).toBe(500);
      expect(tokens.knownCaller(issued.token)?.tokenId).toBe(issued.id);
      now += UNKNOWN_CACHE_MS;
      expect(await tokens.resolve('odr_bogus-1')).toBeNull();
      expect(tokens.storeLookups - afterKnown).toBe(501);
    } finally {
      await close();
    }
  });
});
