/**
 * The dashboard's seams with the API: the SPA fallback (client paths get index.html, /api stays
 * the API's) and the generated client types, which must match the OpenAPI document the app serves.
 */
import 'reflect-metadata';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp } from '../api/src/server.js';
import { CONTROLLERS } from '../api/src/app.module.js';
import { buildOpenApi } from '../api/src/openapi/openapi.js';
import { loadConfig } from '../api/src/config/config.js';
import { createLogger } from '../api/src/common/logger.js';
import { CLIENT_TYPES_FILE, renderClientTypes } from '../scripts/gen-client.mjs';
import { createTestStore, type TestStore } from './support/store.js';

describe('dashboard serving (SPA fallback)', () => {
  let dir: string;
  let store: TestStore;
  let app: NestExpressApplication;
  let base: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'odr-dash-'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>spa-shell</title>');
    store = await createTestStore();
    const config = loadConfig({ LOG_LEVEL: 'silent', ETL_CRON: 'off', DEMO: 'false', AUTO_CLOSE_DAYS: 'off', DUCKDB_PATH: ':memory:' });
    app = await createApp({ config, store: store.store, logger: createLogger('silent') }, { dashboardDir: dir });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers client paths with index.html', async () => {
    for (const p of ['/', '/countries', '/registry', '/registry/123?lang=it&consumerCountry=IT']) {
      const res = await fetch(base + p, { headers: { accept: 'text/html' } });
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).toContain('spa-shell');
    }
  });

  it('leaves /api to the API, with its JSON 404', async () => {
    const health = await fetch(`${base}/api/health`, { headers: { accept: 'text/html' } });
    expect(health.headers.get('content-type')).toMatch(/json/);
    const missing = await fetch(`${base}/api/v1/no-such-route`, { headers: { accept: 'text/html' } });
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { statusCode: number }).statusCode).toBe(404);
  });

  it('does not answer non-HTML requests (a missing asset stays a 404)', async () => {
    const res = await fetch(`${base}/assets/missing.js`, { headers: { accept: 'application/javascript' } });
    expect(res.status).toBe(404);
  });
});

describe('dashboard API client types', () => {
  it('match the OpenAPI document (run `npm run gen:client` when this fails)', async () => {
    const pkg = JSON.parse(readFileSync(path.resolve('package.json'), 'utf8')) as { version: string };
    const expected = await renderClientTypes(buildOpenApi(CONTROLLERS, pkg.version));
    expect(readFileSync(CLIENT_TYPES_FILE, 'utf8') === expected, 'dashboard/src/lib/api-types.ts is stale: run npm run gen:client').toBe(
      true,
    );
  });
});
