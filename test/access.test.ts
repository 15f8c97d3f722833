/**
 * Access (contract "Access"): every route of the OpenAPI document declares who may call it, and
 * the server enforces exactly that for each role — 401 without or with a bad token, 403 for a
 * role the route does not list, anything but 401/403 for one it lists. Tokens: issued once,
 * stored as hashes, revoked at once on the revoking instance and within 5 s on another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../api/src/access/roles.js';
import type { ExecutionContext } from '@nestjs/common';
import { Access } from '../api/src/access/access.decorator.js';
import { AuthGuard } from '../api/src/access/auth.guard.js';
import { TOKEN_CACHE_MS, TokenService } from '../api/src/access/token.service.js';
import { createTestStore } from './support/store.js';
import { client, expectError, putAdrBody, startApp, TEST_ADMIN_TOKEN, type RunningApp } from './support/http.js';

interface Operation {
  operationId: string;
  security?: unknown[];
  'x-roles'?: string[];
}
type Doc = { paths: Record<string, Record<string, Operation>> };

const METHODS = ['get', 'post', 'put', 'delete', 'patch'] as const;

describe('access', () => {
  let app: RunningApp;
  let doc: Doc;
  const tokens = {} as Record<Role, string>;

  beforeAll(async () => {
    app = await startApp();
    const admin = client(app.baseUrl);
    expect((await admin.putJson('/api/v1/traders/T-ACCESS', { name: 'Access Shop', country: 'DE' })).status).toBe(201);
    await putAdrBody(admin, 'ADR-ACCESS');
    const binding: Record<Role, Record<string, string>> = {
      admin: {},
      regulator: {},
      trader: { traderId: 'T-ACCESS' },
      adr_body: { adrBodyId: 'ADR-ACCESS' },
      ingest: { source: 'feed-access' },
    };
    for (const role of ROLES) {
      const a = await admin.postJson('/api/v1/tokens', { role, label: `${role} for the access test`, ...binding[role] });
      expect(a.status, a.text).toBe(201);
      tokens[role] = a.body.token;
    }
    doc = (await admin.get('/api/openapi.json')).body as Doc;
  });
  afterAll(async () => {
    await app?.close();
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) => METHODS.filter((m) => ops[m]).map((m) => ({ path, method: m, op: ops[m]! })));

  /** A concrete URL for a templated path (the values need not exist: scope answers 404, not 403). */
  const concrete = (path: string) =>
    path
      .replace('{tokenId}', '00000000-0000-4000-8000-000000000000')
      .replace('{batchId}', '00000000-0000-4000-8000-000000000000')
      .replace('{traderId}', 'T-ACCESS')
      .replace('{adrBodyId}', 'ADR-ACCESS')
      .replace('{eventId}', '1')
      .replace('{id}', '999999999');

  const call = async (method: string, path: string, token: string | null) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    const body = method === 'get' || method === 'delete' ? undefined : '{}';
    const res = await fetch(app.baseUrl + concrete(path), { method: method.toUpperCase(), headers, body });
    const text = await res.text();
    return { status: res.status, text, headers: res.headers };
  };

  it('every route of the document declares its roles (a route without a rule fails here)', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThan(25);
    const missing = ops.filter(({ op }) => !op['x-roles']?.length).map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    expect(missing).toEqual([]);
    for (const { op } of ops) {
      const roles = op['x-roles']!;
      if (roles.includes('public')) expect(op.security).toEqual([]);
      else {
        expect(op.security).toEqual([{ bearer: [] }]);
        for (const r of roles) expect(ROLES).toContain(r);
      }
    }
  });

  it('each role against each route: 401 without a token or with a bad one, 403 outside its roles, neither inside', async () => {
    const seen: string[] = [];
    for (const { path, method, op } of operations()) {
      const roles = op['x-roles']!;
      const name = `${method.toUpperCase()} ${path}`;
      if (roles.includes('public')) {
        expect((await call(method, path, null)).status, name).not.toBe(401);
        continue;
      }
      const none = await call(method, path, null);
      expect(none.status, `${name} without a token: ${none.text}`).toBe(401);
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await call(method, path, 'odr_not-a-real-token')).status, `${name} with a bad token`).toBe(401);
      for (const role of ROLES) {
        const a = await call(method, path, tokens[role]);
        if (roles.includes(role)) expect([401, 403], `${name} as ${role} (allowed): ${a.status} ${a.text}`).not.toContain(a.status);
        else expect(a.status, `${name} as ${role} (not allowed): ${a.text}`).toBe(403);
        seen.push(`${name} ${role} ${a.status}`);
      }
    }
    expect(seen.length).toBeGreaterThan(100);
  });

  it('outside demo mode the public demo session says so and hands out no token', async () => {
    const a = await client(app.baseUrl, null).get('/api/v1/demo/session');
    expect(a.status).toBe(200);
    expect(a.body).toEqual({ demo: false, tokens: [] });
  });

  it('ADMIN_TOKEN is an admin; a malformed Authorization header is a 401 that says how', async () => {
    expect((await client(app.baseUrl, TEST_ADMIN_TOKEN).get('/api/v1/tokens')).status).toBe(200);
    const res = await fetch(`${app.baseUrl}/api/v1/tokens`, { headers: { authorization: `Basic ${TEST_ADMIN_TOKEN}` } });
    const a = { status: res.status, headers: res.headers, text: await res.text(), body: undefined as never };
    a.body = JSON.parse(a.text) as never;
    expectError(a, 401);
    expect(a.text).toContain('Bearer <token>');
  });

  it('tokens are stored only as hashes and listed without their secret', async () => {
    const rows = await app.store.db.selectFrom('api_tokens').selectAll().execute();
    expect(rows.length).toBeGreaterThanOrEqual(ROLES.length);
    const stored = JSON.stringify(rows);
    for (const role of ROLES) expect(stored).not.toContain(tokens[role]);
    const list = await client(app.baseUrl).get('/api/v1/tokens');
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(tokens.regulator);
    expect(list.body.items[0]).not.toHaveProperty('token');
    expect(list.body.items[0]).not.toHaveProperty('tokenHash');
  });

  it('a token needs exactly the binding its role has, to a trader or body that exists', async () => {
    const admin = client(app.baseUrl);
    expectError(await admin.postJson('/api/v1/tokens', { role: 'trader', label: 'no trader' }), 422);
    const both = await admin.postJson('/api/v1/tokens', { role: 'regulator', label: 'x', traderId: 'T-ACCESS' });
    expectError(both, 422);
    expect(both.body.details).toEqual([{ field: 'traderId', message: 'is only for role trader' }]);
    const unknown = await admin.postJson('/api/v1/tokens', { role: 'trader', label: 'ghost', traderId: 'T-NOBODY' });
    expectError(unknown, 422);
    expect(unknown.body.details[0].field).toBe('traderId');
    expectError(await admin.postJson('/api/v1/tokens', { role: 'root', label: 'x' }), 422);
  });

  it('revocation: at once on this instance, within 5 s on another sharing the store', async () => {
    const admin = client(app.baseUrl);
    const other = await startApp({ store: app.store });
    try {
      const issued = await admin.postJson('/api/v1/tokens', { role: 'regulator', label: 'to revoke' });
      const token = issued.body.token as string;
      expect((await client(app.baseUrl, token).get('/api/v1/stats/summary')).status).not.toBe(401);
      expect((await client(other.baseUrl, token).get('/api/v1/complaints?limit=1')).status).toBe(200);
      const revoked = await admin.delete(`/api/v1/tokens/${issued.body.id}`);
      expect(revoked.status).toBe(200);
      expect(revoked.body.revokedAt).not.toBeNull();
      expectError(await client(app.baseUrl, token).get('/api/v1/complaints?limit=1'), 401);
      const t0 = Date.now();
      let status = 200;
      while (status !== 401 && Date.now() - t0 < 6_000) {
        status = (await client(other.baseUrl, token).get('/api/v1/complaints?limit=1')).status;
        if (status !== 401) await new Promise((r) => setTimeout(r, 200));
      }
      expect(status).toBe(401);
      expect(Date.now() - t0).toBeLessThan(5_000);
      expect(TOKEN_CACHE_MS).toBeLessThan(5_000);
      // Revoking again changes nothing; an unknown id is a 404.
      expect((await admin.delete(`/api/v1/tokens/${issued.body.id}`)).body.revokedAt).toBe(revoked.body.revokedAt);
      expectError(await admin.delete('/api/v1/tokens/00000000-0000-4000-8000-000000000000'), 404);
    } finally {
      await other.close();
    }
  });
});

describe('access: token cache and the guard', () => {
  it('keeps known tokens working through a database outage; an unknown one is a 503 then', async () => {
    const { store, close } = await createTestStore();
    let now = 1_000_000;
    const tokens = new TokenService(store, undefined, () => now);
    const issued = await tokens.create({ role: 'regulator', label: 'outage' }, 'test');
    expect((await tokens.resolve(issued.token))?.role).toBe('regulator');
    await close();
    // Long past the cache's life, with the store gone: the last known answer stands.
    now += 60 * TOKEN_CACHE_MS;
    expect((await tokens.resolve(issued.token))?.tokenId).toBe(issued.id);
    await expect(tokens.resolve('odr_never-seen')).rejects.toMatchObject({ statusCode: 503 });
  });

  it('denies a route that declares no rule (deny by default), even to an admin', async () => {
    const guard = new AuthGuard(new TokenService(undefined as never, TEST_ADMIN_TOKEN), undefined as never, undefined as never);
    const handler = () => undefined;
    const ctx = {
      getHandler: () => handler,
      switchToHttp: () => ({
        getRequest: () => ({ headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` } }),
        getResponse: () => ({ setHeader: () => undefined }),
      }),
    } as unknown as ExecutionContext;
    await expect(guard.canActivate(ctx)).rejects.toMatchObject({ statusCode: 403 });
    Access('admin')(handler, 'handler', { value: handler });
    await expect(guard.canActivate(ctx)).resolves.toBe(true);
  });
});
