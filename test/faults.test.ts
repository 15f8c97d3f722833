/**
 * The fault suite (issue 6): the built server (`node dist/api/src/main.js`) as a child process
 * against a throw-away PostgreSQL cluster this file creates with initdb and starts and stops with
 * pg_ctl. Faults: PostgreSQL stopped and started again, the server killed (-9) during a bulk
 * upload and during an ETL run, a client cutting its upload, SIGTERM with a request in flight.
 * Checks: counts unchanged or complete, health states, analytics answering, recovery time.
 *
 * Skipped only when initdb is not installed (it says so); runs the same with or without
 * TEST_DATABASE_URL, since it brings its own cluster.
 */
import { rmSync } from 'node:fs';
import http from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validComplaint } from './support/complaints.js';
import { Cluster, PG_BIN } from './support/pg-cluster.js';
import { auth, buildServer, ServerProcess, sleep } from './support/server-process.js';

/** A bulk NDJSON upload written in slices with pauses, so a fault can land in the middle. */
function slowUpload(
  app: ServerProcess,
  lines: string[],
  opts: { slices: number; pauseMs: number; onSlice?: (i: number, req: http.ClientRequest) => void },
) {
  const req = http.request(`${app.base}/api/v1/complaints/bulk`, {
    method: 'POST',
    headers: { ...auth(), 'content-type': 'application/x-ndjson' },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  const written = (async () => {
    const per = Math.ceil(lines.length / opts.slices);
    for (let i = 0; i < opts.slices; i++) {
      if (req.destroyed) return;
      req.write(lines.slice(i * per, (i + 1) * per).join(''));
      opts.onSlice?.(i, req);
      await sleep(opts.pauseMs);
    }
    if (!req.destroyed) req.end();
  })();
  return { req, answer, written };
}

const ndjsonLines = (n: number) => Array.from({ length: n }, () => `${JSON.stringify(validComplaint())}\n`);

describe.skipIf(!PG_BIN)('faults against a throw-away PostgreSQL cluster', () => {
  const cluster = new Cluster();
  let app: ServerProcess;
  let db: pg.Pool;

  const counts = async () => {
    const r = await db.query<{ complaints: string; events: string; batches: string }>(
      `select (select count(*) from complaints) as complaints, (select count(*) from complaint_events) as events,
              (select count(*) from ingest_batches where status = 'completed') as batches`,
    );
    return r.rows[0]!;
  };

  const summary = async () => {
    const r = await app.fetch('/api/v1/stats/summary');
    expect(r.status).toBe(200);
    return (await r.json()) as Record<string, unknown> & { asOf: { etlRunId: number } };
  };

  const etlRun = async (full: boolean) => {
    const r = await app.fetch(`/api/v1/etl/runs?wait=true&full=${full}`, { method: 'POST' });
    expect(r.status).toBe(200);
    return (await r.json()) as { id: number; status: string };
  };

  beforeAll(async () => {
    buildServer();
    await cluster.init();
    cluster.start();
    await cluster.createDatabase('odr');
    db = new pg.Pool({ connectionString: cluster.url('odr'), max: 2 });
    db.on('error', () => {});
    app = new ServerProcess(cluster.url('odr'));
    await app.start();
    const seeded = await app.fetch('/api/v1/complaints/bulk', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: ndjsonLines(3000).join(''),
    });
    expect(seeded.status, await seeded.clone().text()).toBe(200);
    expect((await etlRun(true)).status).toBe('succeeded');
  }, 180_000);

  afterAll(async () => {
    if (app?.child && app.child.exitCode === null) await app.kill9();
    await db?.end().catch(() => undefined);
    cluster.remove();
    if (app) rmSync(app.dataDir, { recursive: true, force: true });
  });

  it('PostgreSQL down: writes 503 with Retry-After, analytics served, health degraded; back up: recovers without a restart', async () => {
    const before = await summary();
    const stored = await counts();
    cluster.stop('fast');

    const one = await app.fetch('/api/v1/complaints', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(validComplaint()),
    });
    expect(one.status, app.log).toBe(503);
    expect(Number(one.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await one.json()).toMatchObject({
      statusCode: 503,
      error: 'Service Unavailable',
      message: expect.stringMatching(/database is unreachable/),
    });
    const bulk = await app.fetch('/api/v1/complaints/bulk', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: ndjsonLines(50).join(''),
    });
    expect(bulk.status).toBe(503);
    expect(bulk.headers.get('retry-after')).toBeTruthy();
    const etl = await app.fetch('/api/v1/etl/runs', { method: 'POST' });
    expect(etl.status).toBe(503);

    expect(await summary()).toEqual(before);
    const health = await app.fetch('/api/health');
    // Still serving (the analytics snapshot): 200, so a load balancer keeps the instance.
    expect(health.status).toBe(200);
    const hb = (await health.json()) as { status: string; reason?: string; postgres: { status: string } };
    expect(hb).toMatchObject({ status: 'degraded', postgres: { status: 'down' } });
    expect(hb.reason).toMatch(/PostgreSQL is unreachable/);

    cluster.start();
    const t0 = Date.now();
    let status = 0;
    const c = validComplaint();
    while (Date.now() - t0 < 20_000) {
      status = (
        await app.fetch('/api/v1/complaints', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(c) })
      ).status;
      if (status === 201) break;
      await sleep(100);
    }
    const recoveryMs = Date.now() - t0;
    console.log(`recovery after PostgreSQL came back: ${recoveryMs} ms`);
    expect(status).toBe(201);
    expect(recoveryMs).toBeLessThan(10_000);
    expect(((await (await app.fetch('/api/health')).json()) as { status: string }).status).toBe('ok');
    // The refused writes stored nothing; the acknowledged one is there.
    const after = await counts();
    expect(Number(after.complaints)).toBe(Number(stored.complaints) + 1);
    // The next ETL run after the outage succeeds and includes it.
    expect((await etlRun(false)).status).toBe('succeeded');
    expect((await summary()).asOf.etlRunId).toBeGreaterThan(before.asOf.etlRunId);
  }, 60_000);

  it('PostgreSQL killed (immediate stop) under the open pool: no broken connection is reused after it returns', async () => {
    cluster.stop('immediate');
    expect(
      (
        await app.fetch('/api/v1/complaints', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(validComplaint()),
        })
      ).status,
    ).toBe(503);
    cluster.start();
    const t0 = Date.now();
    // Every pooled connection must work again: a burst wider than the pool (10).
    for (;;) {
      const rs = await Promise.all(Array.from({ length: 20 }, () => app.fetch('/api/v1/complaints?limit=1')));
      if (rs.every((r) => r.status === 200)) break;
      expect(Date.now() - t0, `still failing: ${rs.map((r) => r.status).join(',')}`).toBeLessThan(10_000);
      await sleep(100);
    }
    const rs = await Promise.all(Array.from({ length: 20 }, () => app.fetch('/api/v1/complaints?limit=1')));
    expect(rs.map((r) => r.status)).toEqual(rs.map(() => 200));
  }, 60_000);

  it('PostgreSQL stopped during a bulk upload: the upload fails (nothing stored), the server stays up and recovers', async () => {
    const before = await counts();
    const up = slowUpload(app, ndjsonLines(2000), { slices: 10, pauseMs: 100, onSlice: (i) => i === 4 && cluster.stop('immediate') });
    const answer = await up.answer.catch((err: Error) => ({ status: 0, body: err.message }));
    await up.written.catch(() => undefined);
    expect(answer.status, answer.body).toBe(503);
    expect(JSON.parse(answer.body)).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(app.child?.exitCode, app.log).toBeNull();
    expect(((await (await app.fetch('/api/health')).json()) as { status: string }).status).toBe('degraded');
    cluster.start();
    const t0 = Date.now();
    while (((await (await app.fetch('/api/health')).json()) as { status: string }).status !== 'ok') {
      expect(Date.now() - t0).toBeLessThan(10_000);
      await sleep(100);
    }
    expect(await counts()).toEqual(before);
  }, 60_000);

  it('the scheduled ETL during an outage fails to start and says so in the log; the next tick after recovery succeeds', async () => {
    // A second instance with its own DuckDB file and an ETL every second.
    const scheduled = new ServerProcess(cluster.url('odr'), { ETL_CRON: '* * * * * *' });
    try {
      await scheduled.start();
      cluster.stop('fast');
      await sleep(2500);
      expect(scheduled.child?.exitCode, scheduled.log).toBeNull();
      expect(scheduled.log).toMatch(/ETL run could not start/);
      expect((await scheduled.fetch('/api/v1/stats/summary')).status).toBe(200);
      cluster.start();
      const back = new Date();
      const t0 = Date.now();
      for (;;) {
        const r = await db
          .query(`select id from etl_runs where trigger = 'schedule' and status = 'succeeded' and started_at > $1`, [back])
          .catch(() => ({ rows: [] }));
        if (r.rows.length) break;
        expect(Date.now() - t0, scheduled.log).toBeLessThan(10_000);
        await sleep(200);
      }
      // SIGTERM with the schedule still ticking: a run in progress is aborted, the process exits 0.
      scheduled.child?.kill('SIGTERM');
      expect(await scheduled.exit, scheduled.log).toEqual({ code: 0, signal: null });
      const left = await db.query(`select id from etl_runs where status = 'running'`);
      expect(left.rows).toEqual([]);
    } finally {
      if (scheduled.child?.exitCode === null) await scheduled.kill9();
      rmSync(scheduled.dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('a client cutting its upload half-way writes nothing', async () => {
    const before = await counts();
    const up = slowUpload(app, ndjsonLines(2000), { slices: 10, pauseMs: 80, onSlice: (i, req) => i === 4 && req.destroy() });
    await up.answer.catch(() => undefined);
    await up.written;
    await sleep(500);
    expect(await counts()).toEqual(before);
    expect((await app.fetch('/api/health')).status).toBe(200);
  }, 60_000);

  it('kill -9 during a bulk upload leaves no partial batch; after a restart the same upload is stored whole', async () => {
    const before = await counts();
    const lines = ndjsonLines(3000);
    const up = slowUpload(app, lines, { slices: 10, pauseMs: 100, onSlice: (i) => i === 5 && void app.kill9() });
    await up.answer.catch(() => undefined);
    await up.written.catch(() => undefined);
    await app.exit;
    expect(await counts()).toEqual(before);
    await app.start();
    const again = await app.fetch('/api/v1/complaints/bulk', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: lines.join(''),
    });
    expect(again.status).toBe(200);
    expect(Number((await counts()).complaints)).toBe(Number(before.complaints) + 3000);
  }, 90_000);

  it('kill -9 during an ETL run: the previous snapshot stays in service after a restart and the next run succeeds', async () => {
    // Grow the store so a full run takes long enough to be interrupted.
    const more = await app.fetch('/api/v1/complaints/bulk', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: ndjsonLines(20_000).join(''),
    });
    expect(more.status).toBe(200);
    const published = await summary();
    const watcher = new pg.Client({ connectionString: cluster.url('odr') });
    await watcher.connect();
    const last = Number((await watcher.query<{ id: string | null }>('select max(id) as id from etl_runs')).rows[0]!.id ?? 0);
    void app.fetch('/api/v1/etl/runs?full=true', { method: 'POST' }).catch(() => undefined);
    let killed: number | null = null;
    for (const t0 = Date.now(); Date.now() - t0 < 10_000 && killed === null;) {
      const r = await watcher.query<{ id: string }>(`select id from etl_runs where status = 'running' and id > $1`, [last]);
      if (r.rows[0]) {
        app.child?.kill('SIGKILL');
        killed = Number(r.rows[0].id);
      }
    }
    await app.exit;
    expect(killed, 'the run was never seen running').not.toBeNull();
    const state = await watcher.query<{ status: string }>('select status from etl_runs where id = $1', [killed]);
    await watcher.end();
    expect(state.rows[0]!.status, 'the run ended before the kill: nothing was interrupted').toBe('running');

    await app.start();
    expect(await summary()).toEqual(published);
    const interrupted = await db.query<{ status: string; error: string }>('select status, error from etl_runs where id = $1', [killed]);
    expect(interrupted.rows[0]).toMatchObject({ status: 'failed', error: expect.stringMatching(/interrupted/) });
    const next = await etlRun(false);
    expect(next.status).toBe('succeeded');
    const now = await summary();
    expect(now.asOf.etlRunId).toBe(next.id);
  }, 120_000);

  it('SIGTERM with a request in flight: it completes, new connections are refused, the process exits 0', async () => {
    const before = await counts();
    let refused: Promise<boolean> = Promise.resolve(false);
    const up = slowUpload(app, ndjsonLines(1000), {
      slices: 10,
      pauseMs: 150,
      onSlice: (i) => {
        if (i === 2) app.child?.kill('SIGTERM');
        // Draining: the listening socket is closed, so a new connection is refused.
        if (i === 4)
          refused = fetch(`${app.base}/api/health`).then(
            () => false,
            () => true,
          );
      },
    });
    await up.written;
    expect(await refused).toBe(true);
    const answer = await up.answer;
    expect(answer.status, answer.body).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ received: 1000, inserted: 1000 });
    const exit = await app.exit;
    expect(exit, app.log).toEqual({ code: 0, signal: null });
    expect(Number((await counts()).complaints)).toBe(Number(before.complaints) + 1000);
  }, 60_000);
});
