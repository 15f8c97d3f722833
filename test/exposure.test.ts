/**
 * Issue 17 (security probe), findings 5, 6, 10 and 12: out-of-range zone offsets are a 400 (not a
 * database error), scoped roles see no system-wide metadata, no API answer is cached, and the
 * small leaks (the docs' whole asset folder, tokens that never expire, the rate limiter resolving
 * unknown tokens before counting) are closed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, expectError, startApp, type Client, type RunningApp } from './support/http.js';
import { minimalComplaint } from './support/complaints.js';

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

  const fieldsOf = (body: { details?: { field: string }[] }) => (body.details ?? []).map((d) => d.field);
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
    expect(fieldsOf(a.body)).toContain(field);
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
    expect(fieldsOf(a.body)).toContain('filedAt');
    expect((await api.get(`/api/v1/complaints?externalRef=${encodeURIComponent(c.externalRef)}`)).body.total).toBe(0);

    const ok = minimalComplaint();
    const created = await api.postJson('/api/v1/complaints', ok);
    expect(created.status).toBe(201);
    const e = await api.event(created.body.id, { type: 'sent_to_trader', at: '2024-03-06T10:00:00-16:00' });
    expectError(e, 422);
    expect(fieldsOf(e.body)).toContain('at');
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
      created: 201, list: 200, case: 200, export: 200, badQuery: 400, noToken: 401, unknownCase: 404, unknownRoute: 404, tokens: 200,
    });
    for (const [k, a] of Object.entries(answers)) expect(a.headers.get('cache-control'), k).toBe('no-store');

    const once = client(limited.baseUrl);
    expect((await once.get('/api/v1/tokens')).status).toBe(200);
    const refused = await once.get('/api/v1/tokens');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('cache-control')).toBe('no-store');
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
    expect(refs).toEqual(expect.arrayContaining(['/api/docs/assets/swagger-ui.css', '/api/docs/assets/swagger-ui-bundle.js', '/api/docs/init.js']));
    for (const ref of refs) {
      const res = await fetch(app.baseUrl + ref);
      expect(res.status, ref).toBe(200);
      expect((await res.arrayBuffer()).byteLength, ref).toBeGreaterThan(0);
    }
  });

  it.each([
    'package.json', 'index.html', 'README.md', 'swagger-initializer.js', 'oauth2-redirect.html', 'swagger-ui-bundle.js.map', 'swagger-ui.css.map',
    'swagger-ui.js', 'absolute-path.js', '', 'swagger-ui.css/../package.json', '%2e%2e/swagger-ui-dist/package.json',
  ])('/api/docs/assets/%s → 404', async (file) => {
    const res = await fetch(`${app.baseUrl}/api/docs/assets/${file}`);
    expect(res.status, file).toBe(404);
    expect(await res.text()).not.toMatch(/swagger-ui-dist|"version"/);
  });
});
