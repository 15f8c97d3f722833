/**
 * Two instances on one PostgreSQL (issue 6): the built server twice, as child processes, on a
 * throw-away cluster, sharing one DATA_DIR and SNAPSHOT_DIR, each with an ETL every second.
 * Checks: ETL runs never overlap and each tick runs once (whichever instance wins the lock);
 * both instances serve the same snapshot (asOf and figures) and it counts every acknowledged
 * complaint within a period or two; killing one instance (-9) leaves the other running the ETL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validComplaint } from './support/complaints.js';
import { Cluster, PG_BIN } from './support/pg-cluster.js';
import { buildServer, ServerProcess, sleep } from './support/server-process.js';

const COUNTRIES = ['DE', 'FR', 'IT', 'ES', 'PL', 'NL'] as const;
const ndjson = (n: number) =>
  Array.from(
    { length: n },
    (_, i) =>
      `${JSON.stringify(validComplaint({ consumer: { ...validComplaint().consumer, country: COUNTRIES[i % COUNTRIES.length]! } }))}\n`,
  ).join('');

interface RunRow {
  id: string;
  trigger: string;
  status: string;
  started_at: Date;
  finished_at: Date | null;
}

describe.skipIf(!PG_BIN)('two instances sharing one PostgreSQL and one DATA_DIR', () => {
  const cluster = new Cluster();
  const shared = mkdtempSync(path.join(tmpdir(), 'odr-scale-out-'));
  const env = { DATA_DIR: shared, SNAPSHOT_DIR: path.join(shared, 'snapshots'), ETL_CRON: '* * * * * *', LOG_LEVEL: 'info' };
  let a: ServerProcess;
  let b: ServerProcess;
  let db: pg.Pool;

  const stored = async () => Number((await db.query<{ n: string }>('select count(*) as n from complaints')).rows[0]!.n);
  const json = async (app: ServerProcess, p: string) => {
    const r = await app.fetch(p);
    expect(r.status, `${p} on :${app.port}`).toBe(200);
    return (await r.json()) as { asOf: { etlRunId: number; complaints: number } } & Record<string, unknown>;
  };
  const runs = async () =>
    (await db.query<RunRow>('select id, trigger, status, started_at, finished_at from etl_runs order by started_at')).rows;

  /** Waits until both instances serve one snapshot that counts `n` complaints; returns the wait. */
  const convergedOn = async (apps: ServerProcess[], n: number, limitMs: number) => {
    const t0 = Date.now();
    for (;;) {
      const asOfs = await Promise.all(apps.map(async (app) => (await json(app, '/api/v1/stats/summary')).asOf));
      if (asOfs.every((x) => x.complaints === n && x.etlRunId === asOfs[0]!.etlRunId)) return Date.now() - t0;
      expect(
        Date.now() - t0,
        `not converged on ${n}: ${JSON.stringify(asOfs)}\n${apps.map((x) => x.log.slice(-3000)).join('\n---\n')}`,
      ).toBeLessThan(limitMs);
      await sleep(100);
    }
  };

  /** `p` asked of both instances at once, until both answer from the same snapshot. */
  const fromOneSnapshot = async (p: string) => {
    let pair = await Promise.all([json(a, p), json(b, p)]);
    for (let i = 0; i < 100 && pair[0].asOf.etlRunId !== pair[1].asOf.etlRunId; i++) {
      await sleep(50);
      pair = await Promise.all([json(a, p), json(b, p)]);
    }
    expect(pair[1].asOf.etlRunId, `${p}: the instances never served one snapshot`).toBe(pair[0].asOf.etlRunId);
    return pair;
  };

  /** Every run's interval ends before the next begins; and no tick ran twice. */
  const expectNoOverlap = (rows: RunRow[]) => {
    for (let i = 1; i < rows.length; i++) {
      const prev = rows[i - 1]!;
      expect(prev.finished_at, `run ${prev.id} has no end`).not.toBeNull();
      expect(rows[i]!.started_at.getTime(), `run ${rows[i]!.id} started before run ${prev.id} ended`).toBeGreaterThanOrEqual(
        prev.finished_at!.getTime(),
      );
    }
    const ticks = rows.filter((r) => r.trigger === 'schedule').map((r) => Math.floor(r.started_at.getTime() / 1000));
    expect(new Set(ticks).size, 'two scheduled runs in one tick').toBe(ticks.length);
  };

  beforeAll(async () => {
    buildServer();
    await cluster.init();
    cluster.start();
    await cluster.createDatabase('odr');
    db = new pg.Pool({ connectionString: cluster.url('odr'), max: 2 });
    a = new ServerProcess(cluster.url('odr'), env);
    b = new ServerProcess(cluster.url('odr'), env);
    // Together: both find no snapshot, one builds it, the other serves it once published.
    await Promise.all([a.start(), b.start()]);
  }, 180_000);

  afterAll(async () => {
    for (const app of [a, b]) if (app?.child && app.child.exitCode === null) await app.kill9();
    await db?.end().catch(() => undefined);
    cluster.remove();
    for (const dir of [shared, a?.dataDir, b?.dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ingest through both while the schedule ticks: runs never overlap, both serve the same newest snapshot', async () => {
    let acknowledged = 0;
    for (let round = 0; round < 8; round++) {
      const answers = await Promise.all(
        [a, b].map((app) =>
          app.fetch('/api/v1/complaints/bulk', { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: ndjson(150) }),
        ),
      );
      for (const r of answers) {
        expect(r.status, await r.clone().text()).toBe(200);
        acknowledged += ((await r.json()) as { inserted: number }).inserted;
      }
      await sleep(400);
    }
    expect(await stored()).toBe(acknowledged);
    // Within a schedule period (1 s) plus a run and a manifest poll (1 s): allow a few.
    const waited = await convergedOn([a, b], acknowledged, 8000);
    console.log(`both instances served the snapshot with every acknowledged complaint ${waited} ms after the last upload`);

    // Same snapshot, same figures, on every view. The schedule goes on publishing (a new asOf each
    // second), so ask both at once until they answer from one snapshot, then compare everything.
    for (const p of [
      '/api/v1/stats/summary',
      '/api/v1/stats/countries?side=consumer',
      '/api/v1/stats/trend?interval=month',
      '/api/v1/stats/sectors',
    ]) {
      const [fromA, fromB] = await fromOneSnapshot(p);
      expect(fromB, p).toEqual(fromA);
    }
    const rows = await runs();
    expect(
      rows.filter((r) => r.status !== 'succeeded' && r.status !== 'running'),
      JSON.stringify(rows),
    ).toEqual([]);
    expect(rows.filter((r) => r.trigger === 'schedule').length).toBeGreaterThanOrEqual(3);
    expectNoOverlap(rows.filter((r) => r.status !== 'running'));
    // Each run was run by one instance: their logs name disjoint runs that together are all of them.
    const ranBy = (app: ServerProcess) => new Set([...app.log.matchAll(/"msg":"ETL run (\d+) succeeded"/g)].map((m) => m[1]));
    const [byA, byB] = [ranBy(a), ranBy(b)];
    console.log(`scheduled runs by instance A: ${byA.size}, by B: ${byB.size}`);
    for (const id of byA) expect(byB.has(id), `run ${id} logged by both instances`).toBe(false);
  }, 90_000);

  it('one instance killed (-9): the other goes on running the ETL and serving new complaints', async () => {
    await a.kill9();
    const before = await stored();
    const r = await b.fetch('/api/v1/complaints/bulk', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: ndjson(40),
    });
    expect(r.status).toBe(200);
    const waited = await convergedOn([b], before + 40, 8000);
    console.log(`the surviving instance served the new complaints ${waited} ms after the upload`);
    // A run the killed instance left running is failed by the next lock holder (before its own
    // run starts, so the records still do not overlap).
    const rows = await runs();
    expectNoOverlap(rows.filter((x) => x.status !== 'running'));
    const last = rows.at(-1)!;
    expect(['succeeded', 'running']).toContain(last.status);
  }, 60_000);

  it('a restarted instance serves the newest published snapshot at once', async () => {
    await a.start();
    const [sa, sb] = await fromOneSnapshot('/api/v1/stats/summary');
    expect(sa).toEqual(sb);
    expect(sa.asOf.complaints).toBe(await stored());
  }, 90_000);

  it('without SNAPSHOT_DIR a second instance on the same DATA_DIR stops at start-up, saying what to do', async () => {
    // A case store of their own: the pair above holds the ETL lock of theirs.
    await cluster.createDatabase('alone');
    const alone = mkdtempSync(path.join(tmpdir(), 'odr-one-instance-'));
    const first = new ServerProcess(cluster.url('alone'), { DATA_DIR: alone });
    const second = new ServerProcess(cluster.url('alone'), { DATA_DIR: alone });
    try {
      await first.start();
      const failed = await second.start().then(
        () => null,
        (err: Error) => err.message,
      );
      expect(failed, 'the second instance started').not.toBeNull();
      expect((await second.exit).code).toBe(1);
      expect(second.log).toMatch(/could not start: the analytics store \S+analytics\.duckdb is in use by another process/);
      expect(second.log).toMatch(/give every one the same SNAPSHOT_DIR.*give it a different DATA_DIR/);
      expect(second.log).not.toMatch(/IO Error|Conflicting lock/);
      // The first goes on serving.
      expect((await first.fetch('/api/health')).status).toBe(200);
    } finally {
      for (const app of [first, second]) if (app.child && app.child.exitCode === null) await app.kill9();
      rmSync(alone, { recursive: true, force: true });
    }
  }, 90_000);
});
