/**
 * The ETL (issue 3): incremental runs pick up new complaints, new events and corrections; a
 * failed run leaves the previous snapshot in service and is recorded; readers never see a run
 * half-published; runs never overlap; the schedule runs; the watermark never skips a
 * transaction that commits late (real PostgreSQL only: PGlite has one connection).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { sql } from 'kysely';
import { loadConfig, ConfigError } from '../api/src/config/config.js';
import { seedDemo } from '../api/src/demo/demo-seed.js';
import { client, startApp, type RunningApp } from './support/http.js';
import { onRealPostgres, createTestStore, type TestStore } from './support/store.js';
import { validComplaint, ndjson, addDays, uniqueRef, type TestComplaint } from './support/complaints.js';
import { EtlRunner, extract } from '../etl/index.js';
import type { AnalyticsStores } from '../core/duckdb/analytics-stores.js';
import { ANALYTICS } from '../api/src/app.tokens.js';

type Client = ReturnType<typeof client>;

async function runEtl(c: Client, query = '') {
  const r = await c.postRaw(`/api/v1/etl/runs?wait=true${query ? `&${query}` : ''}`, undefined);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { id: number; kind: string; status: string; rowsRead: number; complaints: number; error?: string };
}

async function pgCount(app: RunningApp, where = 'true'): Promise<number> {
  const r = await sql<{ n: string }>`select count(*)::text as n from complaints where ${sql.raw(where)}`.execute(app.store.db);
  return Number(r.rows[0]!.n);
}

async function summary(c: Client, query = '') {
  const r = await c.get(`/api/v1/stats/summary${query ? `?${query}` : ''}`);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as Record<string, number | null> & { asOf: { etlRunId: number; complaints: number; finishedAt: string } };
}

async function postBulk(c: Client, complaints: TestComplaint[]) {
  const r = await c.ndjson(ndjson(complaints));
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

async function caseId(app: RunningApp, ref: string): Promise<string> {
  const row = await app.store.db.selectFrom('complaints').select('id').where('external_ref', '=', ref).executeTakeFirstOrThrow();
  return String(row.id);
}

describe('incremental runs', () => {
  let app: RunningApp;
  let c: Client;
  const traderKeys = () =>
    app.app
      .get<AnalyticsStores>(ANALYTICS)
      .source.read((q) => q('SELECT trader_id, trader_key FROM trader_keys ORDER BY trader_key')) as Promise<
      { trader_id: string; trader_key: number }[]
    >;
  /**
   * A copy of some of complaint_facts' rows (closed_facts: the closed cases in range buckets,
   * sorted for the quantiles; adr_facts: those an ADR body received) against those rows, in the copy's columns:
   * rows in one and not the other, and how many rows.
   */
  const copyDrift = async (copy: 'closed_facts' | 'adr_facts', rows: string) => {
    const [r] = (await app.app.get<AnalyticsStores>(ANALYTICS).source.read(async (q) => {
      const columns = (await q(`SELECT column_name FROM duckdb_columns() WHERE table_name = '${copy}' ORDER BY column_index`))
        .map((x) => `"${String(x.column_name)}"`)
        .join(', ');
      return q(`WITH copy AS (SELECT ${columns} FROM ${copy}),
                     facts AS (SELECT ${columns} FROM complaint_facts WHERE ${rows})
                SELECT (SELECT count(*) FROM (FROM copy EXCEPT ALL FROM facts))::INTEGER AS extra,
                       (SELECT count(*) FROM (FROM facts EXCEPT ALL FROM copy))::INTEGER AS missing,
                       (SELECT count(*) FROM copy)::INTEGER AS n`);
    })) as [{ extra: number; missing: number; n: number }];
    return r;
  };
  const copiesAgree = async () => {
    // closed_facts leaves out the cases in a one-value bucket (their value needs no row).
    const ranged = 'close_cb IN (SELECT close_cb FROM close_buckets WHERE point_us IS NULL)';
    const closed = await copyDrift('closed_facts', ranged);
    expect(closed).toMatchObject({ extra: 0, missing: 0 });
    expect(closed.n).toBeGreaterThan(0);
    expect(closed.n).toBeLessThan(await pgCount(app, 'closed_at IS NOT NULL'));
    expect(await copyDrift('adr_facts', 'agreed_at IS NOT NULL')).toEqual({
      extra: 0,
      missing: 0,
      n: await pgCount(app, 'agreed_at IS NOT NULL'),
    });
  };
  beforeAll(async () => {
    app = await startApp();
    c = client(app.baseUrl);
    await seedDemo(app.store, { traderReplyDays: 10 }, { complaints: 1500, seed: 7 });
  }, 60_000);
  afterAll(() => app.close());

  test('before the first run analytics answer 503 and health says not_built', async () => {
    const r = await c.get('/api/v1/stats/summary');
    expect(r.status).toBe(503);
    expect(r.body.message).toMatch(/not built/);
    const h = await c.get('/api/health');
    expect(h.body.analytics.status).toBe('not_built');
    expect(h.body.lastEtlRun).toBeNull();
  });

  test('the first run is full and publishes every complaint', async () => {
    const run = await runEtl(c);
    expect(run).toMatchObject({ kind: 'full', status: 'succeeded', rowsRead: 1500, complaints: 1500 });
    const s = await summary(c);
    expect(s.asOf).toMatchObject({ etlRunId: run.id, complaints: 1500 });
    expect(s.complaints).toBe(await pgCount(app));
    expect(s.closed).toBe(await pgCount(app, "status = 'closed'"));
    const h = await c.get('/api/health');
    expect(h.body.analytics).toMatchObject({ status: 'up', asOf: { etlRunId: run.id } });
    expect(h.body.lastEtlRun).toMatchObject({ id: run.id, status: 'succeeded' });
  });

  test('a run with nothing changed is incremental and changes no figure', async () => {
    const before = await summary(c);
    const run = await runEtl(c);
    expect(run.kind).toBe('incremental');
    // Other databases' open transactions on a shared server can hold the watermark back, so
    // only the embedded store is quiet enough to promise an empty increment.
    if (!onRealPostgres) expect(run.rowsRead).toBe(0);
    const after = await summary(c);
    const { asOf: a, ...fa } = after;
    const { asOf: b, ...fb } = before;
    expect(a.etlRunId).toBe(run.id);
    expect(b.etlRunId).not.toBe(run.id);
    expect(fa).toEqual(fb);
  });

  test('new complaints appear after the next run', async () => {
    const before = await summary(c, 'traderId=T-ETL-NEW');
    expect(before.complaints).toBe(0);
    const fresh = [0, 1, 2].map(() =>
      validComplaint({ trader: { id: 'T-ETL-NEW', name: 'Nuovo Srl', country: 'IT' }, consumer: { country: 'IT' } }),
    );
    await postBulk(c, fresh);
    const run = await runEtl(c);
    expect(run.kind).toBe('incremental');
    if (!onRealPostgres) expect(run.rowsRead).toBe(3);
    const after = await summary(c, 'traderId=T-ETL-NEW');
    expect(after).toMatchObject({ complaints: 3, crossBorder: 0, sentToTrader: 3, closed: 0 });
    expect((await summary(c)).complaints).toBe(await pgCount(app));
  });

  test('new events on old complaints and a voided event (a correction) are picked up', async () => {
    const ref = uniqueRef('ETL');
    const filed = '2024-05-02T08:00:00Z';
    await postBulk(c, [
      validComplaint({
        externalRef: ref,
        filedAt: filed,
        trader: { id: 'T-ETL-OLD', name: 'Vecchio Spa', country: 'IT' },
        events: [{ type: 'sent_to_trader', at: addDays(filed, 0.1) }],
      }),
    ]);
    await runEtl(c);
    const id = await caseId(app, ref);
    expect(await summary(c, 'traderId=T-ETL-OLD')).toMatchObject({ complaints: 1, closed: 0, traderReplied: 0 });

    expect((await c.event(id, { type: 'trader_replied', at: addDays(filed, 2), decision: 'direct_talks' })).status).toBe(201);
    const settled = await c.event(id, { type: 'settled_directly', at: addDays(filed, 5) });
    expect(settled.status).toBe(201);
    await runEtl(c);
    const closed = await summary(c, 'traderId=T-ETL-OLD');
    expect(closed).toMatchObject({
      complaints: 1,
      closed: 1,
      resolved: 1,
      resolutionRate: 1,
      traderReplied: 1,
      timelyTraderResponseRate: 1,
    });
    expect(closed.medianDaysToClose).toBeCloseTo(5, 9);

    const detail = await c.complaint(id);
    const settledEvent = (detail.body.events as { id: string; type: string }[]).find((e) => e.type === 'settled_directly')!;
    expect((await c.void(id, settledEvent.id, 'recorded on the wrong case')).status).toBe(200);
    await runEtl(c);
    expect(await summary(c, 'traderId=T-ETL-OLD')).toMatchObject({
      complaints: 1,
      closed: 0,
      resolved: 0,
      resolutionRate: null,
      medianDaysToClose: null,
      traderReplied: 1,
    });
    // The increments kept the copies of some cases in step: the case closed, then reopened.
    await copiesAgree();
  });

  test('full=true rebuilds to the same figures as the increments', async () => {
    const inc = await summary(c);
    const keysBefore = await traderKeys();
    const run = await runEtl(c, 'full=true');
    expect(run).toMatchObject({ kind: 'full', status: 'succeeded', rowsRead: await pgCount(app) });
    const { asOf: _a, ...full } = await summary(c);
    const { asOf: _b, ...incremental } = inc;
    expect(full).toEqual(incremental);
    // Trader keys (the integer analytics filter traders by) are given once: the traders first
    // seen by increments kept theirs through the rebuild, and no two traders share one.
    const keysAfter = await traderKeys();
    expect(keysAfter).toEqual(keysBefore);
    expect(keysAfter.map((k) => k.trader_key)).toEqual([...new Set(keysAfter.map((k) => k.trader_key))]);
    expect(keysAfter.map((k) => k.trader_id)).toEqual(expect.arrayContaining(['T-ETL-NEW', 'T-ETL-OLD']));
    for (const id of ['T-ETL-NEW', 'T-ETL-OLD'])
      expect((await summary(c, `traderId=${id}`)).complaints).toBe(await pgCount(app, `trader_id = '${id}'`));
    await copiesAgree();
  });

  test('close_cb puts each closed case in the close bucket whose range holds its time to close; x_class is its flags and coarse bucket', async () => {
    const micros = new Map(
      (
        await sql<{
          id: string;
          us: string;
        }>`select id::text as id, (extract(epoch from closed_at - filed_at) * 1000000)::bigint::text as us from complaints where closed_at is not null`.execute(
          app.store.db,
        )
      ).rows.map((r) => [r.id, BigInt(r.us)]),
    );
    const read = (text: string) => app.app.get<AnalyticsStores>(ANALYTICS).source.read((q) => q(text));
    const facts = (await read(
      'SELECT id::VARCHAR AS id, close_cb, close_us::VARCHAR AS close_us FROM complaint_facts WHERE close_us IS NOT NULL',
    )) as { id: string; close_cb: number; close_us: string }[];
    const buckets = (await read(
      'SELECT close_cb, lo_us::VARCHAR AS lo, point_us::VARCHAR AS point FROM close_buckets ORDER BY close_cb',
    )) as { close_cb: number; lo: string; point: string | null }[];
    // Numbered in order of their ranges, from 0.
    expect(buckets.map((b) => b.close_cb)).toEqual(buckets.map((_, i) => i));
    expect(facts.length).toBe(micros.size);
    for (const f of facts) {
      // close_us (the quantiles' input) is PostgreSQL's own duration to the microsecond.
      const us = micros.get(f.id)!;
      expect(f.close_us, `complaint ${f.id}`).toBe(String(us));
      const b = buckets[f.close_cb]!;
      const next = buckets[f.close_cb + 1];
      expect(BigInt(b.lo) <= us && (next === undefined || us < BigInt(next.lo)), `complaint ${f.id} in bucket ${f.close_cb}`).toBe(true);
      if (b.point !== null) expect(String(us), `complaint ${f.id}: one-value bucket`).toBe(b.point);
    }
    // The demo data's automatic closures make a one-value bucket, and other cases fill ranges.
    expect(facts.some((f) => buckets[f.close_cb]!.point !== null)).toBe(true);
    expect(facts.some((f) => buckets[f.close_cb]!.point === null)).toBe(true);
    // Coarse buckets are runs of consecutive buckets, from 0; a one-value bucket is one alone.
    const coarse = (await read('SELECT close_cb, close_cc FROM close_buckets ORDER BY close_cb')) as {
      close_cb: number;
      close_cc: number;
    }[];
    expect(coarse[0]!.close_cc).toBe(0);
    for (const [i, b] of coarse.entries()) if (i > 0) expect([0, 1], `bucket ${i}`).toContain(b.close_cc - coarse[i - 1]!.close_cc);
    for (const [i, b] of buckets.entries())
      if (b.point !== null) expect(coarse.filter((x) => x.close_cc === coarse[i]!.close_cc).length, `one-value bucket ${i}`).toBe(1);
    // Every row's class is its flags, overdue and its close bucket's coarse bucket (none when open),
    // also after increments moved cases past their deadlines (open_facts keeps the open ones).
    for (const table of ['complaint_facts', 'open_facts']) {
      const [classes] = (await read(`SELECT count(*)::INTEGER AS n,
          count(*) FILTER (WHERE c.x_bits IS DISTINCT FROM f.x_bits - 16384 * f.x_overdue OR c.x_overdue IS DISTINCT FROM f.x_overdue
                             OR c.close_cc IS DISTINCT FROM b.close_cc)::INTEGER AS wrong
        FROM ${table} f LEFT JOIN flag_classes c USING (x_class) LEFT JOIN close_buckets b ON b.close_cb = f.close_cb`)) as [
        { n: number; wrong: number },
      ];
      expect(classes.n, table).toBeGreaterThan(0);
      expect(classes.wrong, table).toBe(0);
    }
    // An open case's class has a twin differing in overdue alone, and is its twin's twin.
    const [twins] = (await read(`SELECT count(*) FILTER (WHERE c.x_bits & 2 = 0)::INTEGER AS open,
        count(*) FILTER (WHERE c.x_bits & 2 = 0 AND (t.x_class IS NULL OR t.x_twin <> c.x_class OR t.x_overdue = c.x_overdue OR t.x_bits <> c.x_bits))::INTEGER AS wrong,
        count(*) FILTER (WHERE c.x_bits & 2 <> 0 AND c.x_twin IS NOT NULL)::INTEGER AS closed_with_twin
      FROM flag_classes c LEFT JOIN flag_classes t ON t.x_class = c.x_twin`)) as [
      { open: number; wrong: number; closed_with_twin: number },
    ];
    expect(twins).toEqual({ open: expect.any(Number), wrong: 0, closed_with_twin: 0 });
    expect(twins.open).toBeGreaterThan(0);
  });

  test("x_bits holds x_cross_border in bit 0 and x_overdue in bit 14: the filters' columns and the measures' bits agree", async () => {
    // Its other bits are only read by the measures, which the correctness suite checks against
    // PostgreSQL (a deadline passing between two runs included); these two also have columns of
    // their own (the filters read them), kept in step.
    for (const table of ['complaint_facts', 'open_facts']) {
      const [row] = (await app.app.get<AnalyticsStores>(ANALYTICS).source.read((q) =>
        q(`SELECT count(*)::INTEGER AS n,
                  count(*) FILTER (WHERE (x_bits & 1) <> x_cross_border OR ((x_bits >> 14) & 1) <> x_overdue)::INTEGER AS wrong,
                  count(*) FILTER (WHERE x_overdue = 1)::INTEGER AS overdue
           FROM ${table}`),
      )) as [{ n: number; wrong: number; overdue: number }];
      expect(row.n, table).toBeGreaterThan(0);
      expect(row.wrong, table).toBe(0);
      expect(row.overdue, table).toBeGreaterThan(0);
    }
  });

  test('GET /etl/runs lists the runs newest first with the contract fields', async () => {
    const r = await c.get('/api/v1/etl/runs');
    expect(r.status).toBe(200);
    const items = r.body.items as { id: number; kind: string; status: string; startedAt: string; finishedAt: string; rowsRead: number }[];
    expect(items.length).toBeGreaterThanOrEqual(6);
    expect(items.map((i) => i.id)).toEqual([...items.map((i) => i.id)].sort((a, b) => b - a));
    for (const i of items) {
      expect(i.status).toBe('succeeded');
      expect(Date.parse(i.finishedAt)).toBeGreaterThanOrEqual(Date.parse(i.startedAt));
      expect(typeof i.rowsRead).toBe('number');
    }
    expect(r.body.running).toBeNull();
  });

  test('bad parameters are 400 naming the parameter', async () => {
    const r = await c.postRaw('/api/v1/etl/runs?full=yes', undefined);
    expect(r.status).toBe(400);
    expect(r.body.details[0].field).toBe('full');
  });
});

describe('failures and publication', () => {
  let app: RunningApp;
  let c: Client;
  let fail = false;
  let gate: Promise<void> | null = null;
  beforeAll(async () => {
    app = await startApp({
      etl: {
        beforePublish: async () => {
          if (gate) await gate;
          if (fail) throw new Error('disk full (injected)');
        },
      },
    });
    c = client(app.baseUrl);
    await seedDemo(app.store, { traderReplyDays: 10 }, { complaints: 800, seed: 3 });
    await runEtl(c);
  }, 60_000);
  afterAll(() => app.close());

  test('a failed run is recorded as failed and the previous snapshot stays in service', async () => {
    const before = await summary(c);
    await postBulk(c, [validComplaint({ trader: { id: 'T-ETL-FAIL', name: 'Fail Ltd', country: 'IE' } })]);
    fail = true;
    const full = await runEtl(c, 'full=true');
    const run = await runEtl(c);
    fail = false;
    // A failed full run (which replaces the whole fact table) and a failed increment alike.
    expect(full).toMatchObject({ kind: 'full', status: 'failed', error: 'disk full (injected)' });
    expect(run).toMatchObject({ status: 'failed', error: 'disk full (injected)' });
    // The INSERT's instance-wide optimizer switch (etl/steps/complaint-facts.ts) is not left behind.
    const [setting] = (await app.app
      .get<AnalyticsStores>(ANALYTICS)
      .source.read((q) => q(`SELECT current_setting('disabled_optimizers') AS v`))) as [{ v: string }];
    expect(setting.v).toBe('');
    const during = await summary(c);
    expect(during).toEqual(before);
    expect((await c.get('/api/v1/stats/trend?interval=year')).status).toBe(200);
    const runs = await c.get('/api/v1/etl/runs');
    expect(runs.body.items[0]).toMatchObject({ id: run.id, status: 'failed', error: 'disk full (injected)' });
    expect((await c.get('/api/health')).body.lastEtlRun).toMatchObject({ id: run.id, status: 'failed' });

    // The failed run moved no watermark: the next one still picks the new complaint up.
    const next = await runEtl(c);
    expect(next.status).toBe('succeeded');
    expect((await summary(c, 'traderId=T-ETL-FAIL')).complaints).toBe(1);
    expect((await summary(c)).complaints).toBe(Number(before.complaints) + 1);
  });

  test('readers see the old snapshot while a run is publishing, and runs never overlap', async () => {
    const before = await summary(c);
    await postBulk(c, [validComplaint({ trader: { id: 'T-ETL-GATE', name: 'Gate BV', country: 'NL' } })]);
    let open!: () => void;
    gate = new Promise((resolve) => (open = resolve));
    const started = await c.postRaw('/api/v1/etl/runs', undefined);
    expect(started.status).toBe(202);
    expect(started.body.status).toBe('running');
    // Wait until the run holds its DuckDB transaction (the new rows are inserted, not committed).
    for (let i = 0; i < 200 && (await c.get('/api/v1/etl/runs')).body.running === null; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    const again = await c.postRaw('/api/v1/etl/runs', undefined);
    expect(again.status).toBe(409);
    expect(again.body.message).toMatch(new RegExp(`run ${started.body.id} is in progress`));
    expect(await summary(c)).toEqual(before);
    expect((await summary(c, 'traderId=T-ETL-GATE')).complaints).toBe(0);
    open();
    gate = null;
    for (let i = 0; i < 200 && (await c.get('/api/v1/etl/runs')).body.running !== null; i++) await new Promise((r) => setTimeout(r, 20));
    const after = await summary(c, 'traderId=T-ETL-GATE');
    expect(after.complaints).toBe(1);
    expect(after.asOf.etlRunId).toBe(started.body.id);
  });

  test('a run left running by a stopped process is marked failed at the next start', async () => {
    const row = await app.store.db
      .insertInto('etl_runs')
      .values({ kind: 'incremental', status: 'running', trigger: 'schedule' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const other = await startApp({ store: app.store });
    try {
      const r = await app.store.db.selectFrom('etl_runs').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
      expect(r.status).toBe('failed');
      expect(r.error).toMatch(/interrupted/);
    } finally {
      await other.close();
    }
  });
});

describe('the analytics file across restarts', () => {
  test('a restart serves the published snapshot at once; a new TRADER_REPLY_DAYS forces a full run', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'odr-etl-'));
    const t = await createTestStore();
    const env = { DUCKDB_PATH: path.join(dir, 'analytics.duckdb'), DATA_DIR: dir };
    try {
      await seedDemo(t.store, { traderReplyDays: 10 }, { complaints: 400, seed: 11 });
      const first = await startApp({ store: t.store, env });
      const run1 = await runEtl(client(first.baseUrl));
      const s1 = await summary(client(first.baseUrl));
      await first.close();

      const second = await startApp({ store: t.store, env });
      const c2 = client(second.baseUrl);
      const s2 = await summary(c2);
      expect(s2).toEqual(s1);
      expect(s2.asOf.etlRunId).toBe(run1.id);
      expect((await runEtl(c2)).kind).toBe('incremental');
      await second.close();

      const third = await startApp({ store: t.store, env: { ...env, TRADER_REPLY_DAYS: '1' } });
      const c3 = client(third.baseUrl);
      const run3 = await runEtl(c3);
      expect(run3.kind).toBe('full');
      const s3 = await summary(c3);
      expect(s3.complaints).toBe(s1.complaints);
      expect(Number(s3.timelyTraderResponseRate)).toBeLessThan(Number(s1.timelyTraderResponseRate));
      await third.close();
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('schedule (ETL_CRON)', () => {
  test('ETL_CRON accepts 5 and 6 fields and off, and refuses anything else naming the variable', () => {
    expect(loadConfig({ ETL_CRON: '*/5 * * * *' }).etlCron).toBe('*/5 * * * *');
    expect(loadConfig({ ETL_CRON: '*/10 * * * * *' }).etlCron).toBe('*/10 * * * * *');
    expect(loadConfig({ ETL_CRON: 'off' }).etlCron).toBeNull();
    expect(loadConfig({}).etlCron).toBe('*/5 * * * *');
    for (const bad of ['every minute', '* * * *', '61 * * * *', '* * * * * * *']) {
      expect(() => loadConfig({ ETL_CRON: bad }), bad).toThrow(ConfigError);
      expect(() => loadConfig({ ETL_CRON: bad }), bad).toThrow(/ETL_CRON/);
    }
  });

  test('the scheduled run happens on its own and a new complaint becomes visible', async () => {
    const app = await startApp({ env: { ETL_CRON: '* * * * * *' } });
    try {
      const c = client(app.baseUrl);
      await postBulk(c, [validComplaint({ trader: { id: 'T-ETL-CRON', name: 'Cron Oy', country: 'FI' } })]);
      let seen = 0;
      for (let i = 0; i < 100 && seen === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        const r = await c.get('/api/v1/stats/summary?traderId=T-ETL-CRON');
        if (r.status === 200) seen = r.body.complaints as number;
      }
      expect(seen).toBe(1);
      const runs = await c.get('/api/v1/etl/runs');
      expect(runs.body.items.some((r: { trigger: string; status: string }) => r.trigger === 'schedule' && r.status === 'succeeded')).toBe(
        true,
      );
    } finally {
      await app.close();
    }
  });
});

describe('watermark', () => {
  // A transaction that started before an ETL snapshot and commits after it must not be skipped.
  // Only a real server can hold two connections open at once.
  if (onRealPostgres) {
    let t: TestStore;
    let app: RunningApp;
    beforeAll(async () => {
      t = await createTestStore();
      app = await startApp({ store: t.store });
      await seedDemo(t.store, { traderReplyDays: 10 }, { complaints: 300, seed: 5 });
    }, 60_000);
    afterAll(async () => {
      await app.close();
      await t.close();
    });

    test('a transaction that commits after a run is picked up by the next run', async () => {
      const c = client(app.baseUrl);
      await runEtl(c);
      const target = await app.store.db
        .selectFrom('complaints')
        .select(['id', 'sector'])
        .where('sector', '<>', 'food')
        .orderBy('id')
        .executeTakeFirstOrThrow();
      const foodBefore = (await summary(c, 'sector=food')).complaints!;
      const late = new pg.Client({ connectionString: t.url });
      await late.connect();
      try {
        await late.query('BEGIN');
        await late.query(`UPDATE complaints SET sector = 'food' WHERE id = $1`, [target.id]);
        const during = await runEtl(c);
        expect(during.status).toBe('succeeded');
        expect((await summary(c, 'sector=food')).complaints).toBe(foodBefore);
        await late.query('COMMIT');
      } finally {
        await late.end();
      }
      // A later transaction commits and ends first: a timestamp or sequence watermark taken
      // from it would now be past the late one.
      await postBulk(c, [validComplaint()]);
      await runEtl(c);
      expect((await summary(c, 'sector=food')).complaints).toBe(foodBefore + 1);
    });

    test('a full extract split over connections reads one snapshot: every complaint once, nothing committed after it', async () => {
      const before = (await app.store.db.selectFrom('complaints').select('id').execute()).map((r) => String(r.id)).sort();
      // A complaint read by a helper connection (parts 1 and 2; part 0 is the first connection's).
      const target = await app.store.db
        .selectFrom('complaints')
        .select(['id', 'sector'])
        .where('sector', '<>', 'food')
        .where(sql<boolean>`id % 3 <> 0`)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      const dir = mkdtempSync(path.join(os.tmpdir(), 'odr-extract-'));
      const late = new pg.Client({ connectionString: t.url });
      await late.connect();
      try {
        const x = await extract(app.store, dir, null, {
          parts: 3,
          // Committed after the snapshot, before any part is read: no part may see it.
          afterSnapshot: async () => void (await late.query(`UPDATE complaints SET sector = 'food' WHERE id = $1`, [target.id])),
        });
        expect(x.files.complaints).toHaveLength(3);
        const read: string[] = [];
        let sectorRead: string | undefined;
        for (const [i, file] of x.files.complaints.entries()) {
          for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
            const fields = line.split(',');
            expect(BigInt(fields[0]!) % 3n, `complaint ${fields[0]} in part ${i}`).toBe(BigInt(i));
            read.push(fields[0]!);
            if (fields[0] === String(target.id)) sectorRead = fields[6];
          }
        }
        expect(read.sort()).toEqual(before);
        expect(sectorRead).toBe(target.sector);
      } finally {
        await late.query(`UPDATE complaints SET sector = $2 WHERE id = $1`, [target.id, target.sector]);
        await late.end();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  } else {
    test('the extract reads in one REPEATABLE READ snapshot and keeps its xmin as the watermark', async () => {
      const app = await startApp();
      try {
        const c = client(app.baseUrl);
        await postBulk(c, [validComplaint()]);
        const run = await runEtl(c);
        const row = await app.store.db.selectFrom('etl_runs').selectAll().where('id', '=', String(run.id)).executeTakeFirstOrThrow();
        const xmin = await sql<{ x: string }>`select pg_snapshot_xmin(pg_current_snapshot())::text as x`.execute(app.store.db);
        expect(row.snapshot_xmin).toMatch(/^\d+$/);
        expect(BigInt(row.snapshot_xmin!)).toBeLessThanOrEqual(BigInt(xmin.rows[0]!.x));
        const changed = await sql<{
          n: string;
        }>`select count(*)::text as n from complaints where changed_xid >= ${row.snapshot_xmin}::xid8`.execute(app.store.db);
        expect(Number(changed.rows[0]!.n)).toBe(0);
      } finally {
        await app.close();
      }
    });
  }
});

describe('shutdown during a run (issue 6)', () => {
  test('stop() aborts the run at its next step: recorded failed, the previous snapshot stays, no new run starts', async () => {
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    let release!: () => void;
    let gate: Promise<void> | null = null;
    const app = await startApp({
      etl: {
        beforePublish: async () => {
          if (!gate) return;
          entered();
          await gate;
        },
      },
    });
    try {
      const c = client(app.baseUrl);
      await postBulk(c, [validComplaint()]);
      const first = await runEtl(c, 'full=true');
      expect(first.status).toBe('succeeded');
      await postBulk(c, [validComplaint()]);
      gate = new Promise((resolve) => (release = resolve));
      const runner = app.app.get(EtlRunner);
      const { run, done } = await runner.start({ full: false, trigger: 'api' });
      await inside;
      const stopped = runner.stop();
      release();
      await stopped;
      expect(await done).toMatchObject({ id: run.id, status: 'failed', error: 'aborted: the server is shutting down' });
      expect((await app.app.get<AnalyticsStores>(ANALYTICS).source.snapshot())?.etlRunId).toBe(first.id);
      await expect(runner.start({ full: false, trigger: 'api' })).rejects.toThrow(/aborted/);
    } finally {
      await app.close();
    }
  });
});
