/** The OpenAPI document lists every route the app serves, with the schemas that validate them. */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestMethod } from '@nestjs/common';
import { PATH_METADATA, METHOD_METADATA } from '@nestjs/common/constants.js';
import { CONTROLLERS } from '../api/src/app.module.js';
import { adminHeaders, startApp, type RunningApp } from './support/http.js';

describe('OpenAPI document and docs', () => {
  let app: RunningApp;
  let doc: {
    openapi: string;
    paths: Record<
      string,
      Record<string, { parameters?: { name: string; in: string }[]; requestBody?: unknown; responses: Record<string, unknown> }>
    >;
  };
  beforeAll(async () => {
    app = await startApp();
    doc = (await (await fetch(`${app.baseUrl}/api/openapi.json`)).json()) as typeof doc;
  });
  afterAll(async () => app.close());

  it('documents every route of every controller', () => {
    const served: string[] = [];
    for (const ctrl of CONTROLLERS) {
      const prefix = String(Reflect.getMetadata(PATH_METADATA, ctrl) ?? '');
      for (const name of Object.getOwnPropertyNames(ctrl.prototype)) {
        const handler = (ctrl.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const path = (
          '/' +
          [prefix, String(Reflect.getMetadata(PATH_METADATA, handler) ?? '')]
            .map((s) => s.replace(/^\/|\/$/g, ''))
            .filter(Boolean)
            .join('/')
        ).replace(/:(\w+)/g, '{$1}');
        served.push(`${RequestMethod[method].toLowerCase()} ${path}`);
      }
    }
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(served.length).toBeGreaterThan(10);
    expect(documented.sort()).toEqual(served.sort());
  });

  it('every $ref resolves inside the document (named schemas live in components.schemas)', () => {
    const text = JSON.stringify(doc);
    const schemas = (doc as { components?: { schemas?: Record<string, unknown> } }).components?.schemas ?? {};
    const refs = [...text.matchAll(/"\$ref":"([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const r of refs) {
      expect(r, r).toMatch(/^#\/components\/schemas\//);
      expect(schemas[r.replace('#/components/schemas/', '')], r).toBeDefined();
    }
    expect(text).not.toContain('$defs');
  });

  it('carries the contract routes with their parameters and error answers', () => {
    expect(doc.openapi).toMatch(/^3\./);
    const list = doc.paths['/api/v1/complaints']!.get!;
    const names = list.parameters!.map((p) => p.name);
    for (const n of [
      'status',
      'stage',
      'closure',
      'overdue',
      'consumerCountry',
      'traderCountry',
      'sector',
      'problem',
      'traderId',
      'adrBodyId',
      'crossBorder',
      'source',
      'from',
      'to',
      'q',
      'sort',
      'limit',
      'cursor',
    ]) {
      expect(names).toContain(n);
    }
    const create = doc.paths['/api/v1/complaints']!.post!;
    const body = JSON.stringify(create.requestBody);
    const ref = /"\$ref":"#\/components\/schemas\/([^"]+)"/.exec(body)?.[1];
    const schemas = (doc as { components?: { schemas?: Record<string, unknown> } }).components?.schemas ?? {};
    expect(body + (ref ? JSON.stringify(schemas[ref]) : '')).toContain('externalRef');
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['200', '201', '409', '422']));
    const bulk = doc.paths['/api/v1/complaints/bulk']!.post!;
    expect(Object.keys((bulk.requestBody as { content: object }).content)).toEqual(
      expect.arrayContaining(['application/x-ndjson', 'text/csv']),
    );
    expect(doc.paths['/api/v1/complaints/{id}/events']!.post!.parameters!.map((p) => `${p.in}:${p.name}`)).toContain('path:id');
  });

  it('serves the browsable docs page and its assets', async () => {
    const page = await fetch(`${app.baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    const asset = await fetch(`${app.baseUrl}/api/docs/assets/swagger-ui-bundle.js`);
    expect(asset.status).toBe(200);
    expect((await asset.text()).length).toBeGreaterThan(100_000);
  });

  it('serves the dashboard page at / and health without a token', async () => {
    const home = await fetch(`${app.baseUrl}/`);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('ODR Observatory');
    const health = await (await fetch(`${app.baseUrl}/api/health`)).json();
    expect(health).toEqual({ status: 'ok' });
    const detailed = await (await fetch(`${app.baseUrl}/api/health`, { headers: adminHeaders })).json();
    expect(detailed).toMatchObject({ status: 'ok', postgres: { status: 'up' } });
  });
});
