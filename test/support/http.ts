/**
 * Starts the real HTTP application on an ephemeral port for a test file, plus small fetch
 * helpers and the assertions every error answer must pass (contract "HTTP API").
 */
import 'reflect-metadata';
import { expect } from 'vitest';
import { sql } from 'kysely';
import { createApp } from '../../api/src/server.js';
import type { AppDeps } from '../../api/src/app.module.js';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '../../api/src/config/config.js';
import { createLogger } from '../../api/src/common/logger.js';
import type { Store } from '../../core/postgres/store.js';
import { createTestStore, type TestStore } from './store.js';

/** ADMIN_TOKEN of every test app (unless a test sets its own); `client()` sends it by default. */
export const TEST_ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';
export const adminHeaders = { authorization: `Bearer ${TEST_ADMIN_TOKEN}` };

export interface RunningApp {
  baseUrl: string;
  store: Store;
  /** The Nest application (to reach a provider, e.g. a job or the rate limiter). */
  app: NestExpressApplication;
  close(): Promise<void>;
}

/**
 * Serves the API on 127.0.0.1:<random port>. With `store` given, the app uses it and `close()`
 * leaves it open (several apps with different settings may share one store); otherwise a fresh
 * test store is created and closed with the app.
 */
export async function startApp(
  opts: { env?: Record<string, string>; store?: Store; etl?: AppDeps['etl']; dashboardDir?: string } = {},
): Promise<RunningApp> {
  let owned: TestStore | undefined;
  const store = opts.store ?? (owned = await createTestStore()).store;
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    ETL_CRON: 'off',
    DEMO: 'false',
    AUTO_CLOSE_DAYS: 'off',
    RETENTION_CRON: 'off',
    RATE_LIMIT_PER_MINUTE: 'off',
    DUCKDB_PATH: ':memory:',
    ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    ...opts.env,
  });
  const app = await createApp(
    {
      config,
      store,
      logger: createLogger(process.env.TEST_LOG_LEVEL === 'error' ? 'error' : 'silent'),
      etl: opts.etl,
    },
    { dashboardDir: opts.dashboardDir },
  );
  await app.listen(0, '127.0.0.1');
  const addr = app.getHttpServer().address() as { port: number };
  return {
    baseUrl: `http://127.0.0.1:${addr.port}`,
    store,
    app,
    async close() {
      await app.close();
      await owned?.close();
    },
  };
}

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

async function toAnswer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  return { status: res.status, headers: res.headers, text, body };
}

/** Calls as the bearer of `token` (default: the test admin; null: no token at all). */
export function client(baseUrl: string, token: string | null = TEST_ADMIN_TOKEN) {
  const call = async (
    method: string,
    path: string,
    body?: RequestInit['body'],
    contentType?: string,
    extra: RequestInit = {},
  ): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (contentType) headers['content-type'] = contentType;
    const res = await fetch(baseUrl + path, { method, body, headers, ...extra });
    return toAnswer(res);
  };
  return {
    get: (path: string) => call('GET', path),
    postJson: (path: string, body: unknown) => call('POST', path, JSON.stringify(body), 'application/json'),
    putJson: (path: string, body: unknown) => call('PUT', path, JSON.stringify(body), 'application/json'),
    delete: (path: string) => call('DELETE', path),
    postRaw: (path: string, body: RequestInit['body'], contentType?: string, extra?: RequestInit) =>
      call('POST', path, body, contentType, extra),
    ndjson: (body: string, query = '') => call('POST', `/api/v1/complaints/bulk${query}`, body, 'application/x-ndjson'),
    csv: (body: string, query = '') => call('POST', `/api/v1/complaints/bulk${query}`, body, 'text/csv'),
    complaint: (id: string) => call('GET', `/api/v1/complaints/${id}`),
    event: (id: string, e: unknown) => call('POST', `/api/v1/complaints/${id}/events`, JSON.stringify(e), 'application/json'),
    void: (id: string, eventId: string, reason: string) =>
      call('POST', `/api/v1/complaints/${id}/events/${eventId}/void`, JSON.stringify({ reason }), 'application/json'),
  };
}
export type Client = ReturnType<typeof client>;

/** Any key named `stack`, or a string that looks like a stack frame, anywhere in a value. */
export function findStackTraces(value: unknown, path = '$'): string[] {
  const found: string[] = [];
  if (typeof value === 'string') {
    if (/\n\s+at\s/.test(value) || /\bat .+\.(?:js|ts):\d+:\d+/.test(value) || /node_modules/.test(value)) found.push(path);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => found.push(...findStackTraces(v, `${path}[${i}]`)));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'stack') found.push(`${path}.stack`);
      found.push(...findStackTraces(v, `${path}.${k}`));
    }
  }
  return found;
}

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
};

/** The contract's error shape, with the given status, and no stack trace anywhere. */
/** The fields an error answer's details name, in order. */
export const detailFields = (a: Answer): string[] => ((a.body.details ?? []) as { field: string }[]).map((d) => d.field);

export function expectError(a: Answer, status: number): void {
  expect(a.status, a.text).toBe(status);
  expect(a.headers.get('content-type') ?? '').toMatch(/application\/json/);
  expect(typeof a.body, a.text).toBe('object');
  expect(a.body.statusCode).toBe(status);
  if (REASON[status]) expect(a.body.error).toBe(REASON[status]);
  expect(typeof a.body.message).toBe('string');
  expect(a.body.message.length).toBeGreaterThan(0);
  if (a.body.details !== undefined) {
    expect(Array.isArray(a.body.details)).toBe(true);
    for (const d of a.body.details) {
      expect(typeof d.field, JSON.stringify(d)).toBe('string');
      expect(typeof d.message, JSON.stringify(d)).toBe('string');
      if (d.line !== undefined) expect(Number.isInteger(d.line)).toBe(true);
    }
  }
  expect(findStackTraces(a.body)).toEqual([]);
  expect(a.text).not.toMatch(/"stack"/);
}

/** The process still serves. */
export async function expectHealthy(baseUrl: string): Promise<void> {
  const res = await fetch(`${baseUrl}/api/health`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { status: string };
  expect(body.status).toBe('ok');
}

export interface StoreCounts {
  complaints: number;
  events: number;
  traders: number;
  adrBodies: number;
}

export async function counts(store: Store): Promise<StoreCounts> {
  const n = async (table: string) =>
    Number((await sql<{ n: string }>`select count(*)::int as n from ${sql.table(table)}`.execute(store.db)).rows[0]!.n);
  return {
    complaints: await n('complaints'),
    events: await n('complaint_events'),
    traders: await n('traders'),
    adrBodies: await n('adr_bodies'),
  };
}

/** Registers an ADR body through the API (needed before `adr_body_agreed` names it). */
export async function putAdrBody(api: Client, id: string, country = 'IT'): Promise<void> {
  const a = await api.putJson(`/api/v1/adr-bodies/${id}`, { name: `ADR body ${id}`, country });
  expect([200, 201], a.text).toContain(a.status);
}
