/**
 * GET /api/v1/stats/as-of, the stamp a dashboard polls: null before any snapshot (a 200, not the
 * figures' 503), then the stamp of the run that built the snapshot, as every answer carries it;
 * a new run gives a new stamp; a trader's token is not told the platform's total.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { client, startApp, type RunningApp } from './support/http.js';
import { ndjson, validComplaint } from './support/complaints.js';

let app: RunningApp;
let c: ReturnType<typeof client>;

beforeAll(async () => {
  app = await startApp();
  c = client(app.baseUrl);
}, 60_000);
afterAll(() => app?.close());

describe('GET /api/v1/stats/as-of', () => {
  test('null before the first run, where the figures answer 503', async () => {
    const a = await c.get('/api/v1/stats/as-of');
    expect(a.status, a.text).toBe(200);
    expect(a.body).toEqual({ asOf: null });
    expect((await c.get('/api/v1/stats/summary')).status).toBe(503);
  });

  test('the stamp of the run that built the snapshot, equal to what the figures carry; a new run, a new stamp', async () => {
    expect((await c.ndjson(ndjson([validComplaint(), validComplaint()]))).status).toBe(200);
    const first = await c.postRaw('/api/v1/etl/runs?wait=true', undefined);
    expect(first.body.status).toBe('succeeded');
    const a = await c.get('/api/v1/stats/as-of');
    expect(a.body).toEqual({ asOf: { etlRunId: first.body.id, finishedAt: expect.any(String), complaints: 2 } });
    expect(a.body.asOf).toEqual((await c.get('/api/v1/stats/summary')).body.asOf);

    expect((await c.ndjson(ndjson([validComplaint()]))).status).toBe(200);
    const second = await c.postRaw('/api/v1/etl/runs?wait=true', undefined);
    const b = await c.get('/api/v1/stats/as-of');
    expect(b.body.asOf).toMatchObject({ etlRunId: second.body.id, complaints: 3 });
    expect(b.body.asOf.etlRunId).toBeGreaterThan(a.body.asOf.etlRunId);
    expect(Date.parse(b.body.asOf.finishedAt)).toBeGreaterThanOrEqual(Date.parse(a.body.asOf.finishedAt));
  });

  test('a trader is not told the platform total; a token is needed', async () => {
    const issued = await c.postJson('/api/v1/tokens', { role: 'trader', traderId: 'T-000042', label: 'as-of test' });
    expect(issued.status, issued.text).toBe(201);
    const trader = client(app.baseUrl, issued.body.token as string);
    const a = await trader.get('/api/v1/stats/as-of');
    expect(a.status, a.text).toBe(200);
    expect(Object.keys(a.body.asOf).sort()).toEqual(['etlRunId', 'finishedAt']);
    expect((await client(app.baseUrl, null).get('/api/v1/stats/as-of')).status).toBe(401);
  });
});
