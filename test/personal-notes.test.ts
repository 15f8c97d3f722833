/**
 * Issue 17, finding 1: the free text of events is personal data. An ADR discontinuation carries a
 * reason code and an optional `note`; an admin voids an event with a reason. Neither may reach a
 * regulator (case detail, registry list, CSV/NDJSON/Parquet export), the analytics store (the
 * DuckDB file), the outcomes or the ADR report; both go with DELETE personal-data and with the
 * retention job. Analytics and the report count the reason codes. And a store written before
 * migration 0006 (free-text reasons, an analytics file holding them) keeps none of that text after
 * the migration and a full ETL run.
 */
import 'reflect-metadata';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYTICS } from '../api/src/app.tokens.js';
import { adrReportToCsv, adrReportToMarkdown } from '../core/adr-report.format.js';
import type { AdrReport } from '../core/analytics-answers.js';
import { migrate } from '../api/src/db/migrate.js';
import type { Store } from '../core/postgres/store.js';
import { readParquetFile } from '../api/src/ingest/parquet-reader.js';
import { eraseExpiredPersonalData } from '../api/src/jobs/retention.job.js';
import type { AnalyticsStores } from '../core/duckdb/analytics-stores.js';
import { addDays, csvOf, ev, ndjson, uniqueRef, validComplaint, type TestComplaint } from './support/complaints.js';
import { client, putAdrBody, startApp, type Client, type RunningApp } from './support/http.js';
import { insertLegacyCase } from './support/legacy.js';
import { createTestStore } from './support/store.js';

/** Distinctive fragments of the free text: none may appear where personal data must not. */
const NOTE = 'Jane Roe-Notetext (jane.roe@example.org, +39 333 1234567) withdrew after a hospital stay';
const NOTE_CSV = 'Mario Bianchi-Notetext told us, by phone, that he gives up';
const VOID = 'Keyed in for Paolo Verdi-Voidtext by mistake';
const FRAGMENTS = ['Notetext', 'jane.roe@example.org', '333 1234567', 'hospital stay', 'Voidtext'];
const leaks = (text: string) => FRAGMENTS.filter((f) => text.includes(f));

const BODY = 'ADR-PII';
const FILED = '2024-03-01T09:00:00.000Z';
const toAdr = (f: string) => [
  ev.sent(addDays(f, 0.1)),
  ev.replied(addDays(f, 1)),
  ev.agreed(addDays(f, 2), BODY),
  ev.accepted(addDays(f, 3)),
];

let dir: string;
let app: RunningApp;
let admin: Client;
let regulator: Client;
let regulatorToken: string;
const refs = { ndjson: uniqueRef('PII-N'), csv: uniqueRef('PII-C'), voided: uniqueRef('PII-V') };
const ids: Record<keyof typeof refs, string> = { ndjson: '', csv: '', voided: '' };
const cases: Record<'ndjson' | 'csv' | 'voided', TestComplaint> = {
  ndjson: validComplaint({
    externalRef: refs.ndjson,
    source: 'pii',
    filedAt: FILED,
    events: [...toAdr(FILED), ev.discontinued(addDays(FILED, 40), 'consumer_withdrew', NOTE)],
  }),
  csv: validComplaint({
    externalRef: refs.csv,
    source: 'pii',
    filedAt: FILED,
    events: [...toAdr(FILED), ev.discontinued(addDays(FILED, 41), 'other', NOTE_CSV)],
  }),
  voided: validComplaint({
    externalRef: refs.voided,
    source: 'pii',
    filedAt: FILED,
    events: [...toAdr(FILED), ev.outcome(addDays(FILED, 30))],
  }),
};

async function etl(full = false): Promise<void> {
  const r = await admin.postRaw(`/api/v1/etl/runs?wait=true${full ? '&full=true' : ''}`, undefined);
  expect(r.body.status, r.text).toBe('succeeded');
}

/** Every text cell of the analytics store (VARCHAR and ENUM columns of every table) holding a fragment. */
async function analyticsLeaks(a: RunningApp): Promise<string[]> {
  return a.app.get<AnalyticsStores>(ANALYTICS).source.read(async (q) => {
    const cols = await q(
      `SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal AND (data_type = 'VARCHAR' OR data_type LIKE 'ENUM%')`,
    );
    expect(cols.length).toBeGreaterThan(0);
    const found: string[] = [];
    for (const c of cols) {
      const like = FRAGMENTS.map((f) => `"${String(c.column_name)}"::VARCHAR LIKE '%${f}%'`).join(' OR ');
      const [r] = await q(`SELECT count(*) AS n FROM "${String(c.table_name)}" WHERE ${like}`);
      if (Number(r!.n) > 0) found.push(`${String(c.table_name)}.${String(c.column_name)}`);
    }
    return found;
  });
}

/** The analytics file's bytes (and its write-ahead log's) hold no fragment, compressed or not. */
function fileLeaks(file: string): string[] {
  const bytes = [file, `${file}.wal`]
    .filter(existsSync)
    .map((f) => readFileSync(f).toString('latin1'))
    .join('');
  expect(bytes.length).toBeGreaterThan(0);
  return leaks(bytes);
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'odr-pii-'));
  app = await startApp({ env: { DUCKDB_PATH: path.join(dir, 'analytics.duckdb') } });
  admin = client(app.baseUrl);
  await putAdrBody(admin, BODY);
  const n = await admin.ndjson(ndjson([cases.ndjson, cases.voided]));
  expect(n.status, n.text).toBe(200);
  const c = await admin.csv(csvOf([cases.csv]));
  expect(c.status, c.text).toBe(200);
  for (const k of Object.keys(refs) as (keyof typeof refs)[]) {
    ids[k] = (await app.store.db.selectFrom('complaints').select('id').where('external_ref', '=', refs[k]).executeTakeFirstOrThrow()).id;
  }
  // An admin voids the outcome (with a reason naming the consumer); the body then discontinues.
  const detail = await admin.complaint(ids.voided);
  const outcome = (detail.body.events as { id: string; type: string }[]).find((e) => e.type === 'adr_outcome')!;
  expect((await admin.void(ids.voided, outcome.id, VOID)).status).toBe(200);
  expect((await admin.event(ids.voided, ev.discontinued(addDays(FILED, 50), 'settled_in_between'))).status).toBe(201);
  const t = await admin.postJson('/api/v1/tokens', { role: 'regulator', label: 'pii regulator' });
  expect(t.status, t.text).toBe(201);
  regulatorToken = t.body.token as string;
  regulator = client(app.baseUrl, regulatorToken);
  await etl(true);
}, 60_000);

afterAll(async () => {
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the note and the void reason are personal data', () => {
  it('stored as given: an admin reads them, and the NDJSON export gives the note back', async () => {
    const n = await admin.complaint(ids.ndjson);
    expect(n.body.milestones.discontinuedReason).toBe('consumer_withdrew');
    expect(n.body.events.at(-1).data).toEqual({ reason: 'consumer_withdrew', note: NOTE });
    const v = await admin.complaint(ids.voided);
    expect(v.body.events.find((e: { voided: unknown }) => e.voided).voided.reason).toBe(VOID);
    const c = await admin.complaint(ids.csv);
    expect(c.body.events.at(-1).data).toEqual({ reason: 'other', note: NOTE_CSV });
    const nd = await admin.get('/api/v1/complaints/export?format=ndjson&source=pii');
    expect(nd.text).toContain(JSON.stringify(NOTE));
  });

  it('regulators: case detail and registry list without them, the reason code kept', async () => {
    for (const k of Object.keys(ids) as (keyof typeof ids)[]) {
      const d = await regulator.complaint(ids[k]);
      expect(d.status).toBe(200);
      expect(leaks(d.text), k).toEqual([]);
    }
    const d = await regulator.complaint(ids.ndjson);
    expect(d.body.milestones.discontinuedReason).toBe('consumer_withdrew');
    expect(d.body.events.at(-1).data).toEqual({ reason: 'consumer_withdrew' });
    const v = await regulator.complaint(ids.voided);
    expect(v.body.events.find((e: { voided: unknown }) => e.voided).voided).toMatchObject({ reason: null });
    const list = await regulator.get('/api/v1/complaints?source=pii&closure=adr_discontinued');
    expect(list.body.total).toBe(3);
    expect(leaks(list.text)).toEqual([]);
  });

  it('regulators: CSV, NDJSON and Parquet exports without them, the reason code kept', async () => {
    const csv = await regulator.get('/api/v1/complaints/export?format=csv&source=pii');
    const nd = await regulator.get('/api/v1/complaints/export?format=ndjson&source=pii');
    const pq = await fetch(`${app.baseUrl}/api/v1/complaints/export?format=parquet&source=pii`, {
      headers: { authorization: `Bearer ${regulatorToken}` },
    });
    expect([csv.status, nd.status, pq.status]).toEqual([200, 200, 200]);
    const file = path.join(dir, 'regulator.parquet');
    writeFileSync(file, Buffer.from(await pq.arrayBuffer()));
    const rows: unknown[] = [];
    for await (const item of readParquetFile(file)) rows.push(item.input);
    expect(rows).toHaveLength(3);
    for (const text of [csv.text, nd.text, JSON.stringify(rows), readFileSync(file).toString('latin1')]) expect(leaks(text)).toEqual([]);
    for (const text of [csv.text, nd.text, JSON.stringify(rows)])
      for (const code of ['consumer_withdrew', 'other', 'settled_in_between']) expect(text).toContain(code);
  });

  it('analytics: the DuckDB store holds the codes only; outcomes and the ADR report count them', async () => {
    expect(await analyticsLeaks(app)).toEqual([]);
    expect(fileLeaks(path.join(dir, 'analytics.duckdb'))).toEqual([]);
    // Expected counts straight from the case store.
    const want = await sql<{ reason: string; n: number }>`
      select discontinued_reason as reason, count(*)::int as n from complaints where closure = 'adr_discontinued' group by 1 order by 1`.execute(
      app.store.db,
    );
    const total = want.rows.reduce((s, r) => s + r.n, 0);
    expect(total).toBe(3);
    for (const c of [admin, regulator]) {
      const o = await c.get('/api/v1/stats/outcomes');
      expect(o.status, o.text).toBe(200);
      expect(leaks(o.text)).toEqual([]);
      const got = (o.body.discontinuedReasons as { reason: string; count: number; share: number }[])
        .map((r) => [r.reason, r.count, r.share])
        .sort();
      expect(got).toEqual(want.rows.map((r) => [r.reason, r.n, r.n / total]));
      const a = await c.get(`/api/v1/stats/adr-bodies/${BODY}/report?year=2024`);
      expect(a.status, a.text).toBe(200);
      const report = a.body as AdrReport;
      for (const text of [a.text, adrReportToMarkdown(report), adrReportToCsv(report)]) expect(leaks(text)).toEqual([]);
      expect(report.discontinuedReasons.map((r) => [r.code, r.label, r.count]).sort()).toEqual([
        ['consumer_withdrew', 'Consumer withdrew', 1],
        ['other', 'Other', 1],
        ['settled_in_between', 'Settled in the meantime', 1],
      ]);
      expect(adrReportToMarkdown(report)).toContain('| Consumer withdrew | 1 |');
    }
  });

  it('DELETE personal-data erases the note (and a re-sent feed is still a duplicate); the retention job erases the rest', async () => {
    expect((await admin.delete(`/api/v1/complaints/${ids.ndjson}/personal-data`)).status).toBe(200);
    const n = await admin.complaint(ids.ndjson);
    expect(leaks(n.text)).toEqual([]);
    expect(n.body.events.at(-1).data).toEqual({ reason: 'consumer_withdrew' });
    expect(n.body.milestones.discontinuedReason).toBe('consumer_withdrew');
    const again = await admin.ndjson(ndjson([cases.ndjson]));
    expect(again.status, again.text).toBe(200);
    expect(again.body).toMatchObject({ duplicates: 1, inserted: 0, updated: 0 });
    expect(leaks((await admin.complaint(ids.ndjson)).text)).toEqual([]);
    // Still stored for the other two cases, closed in 2024: the retention job's turn.
    const stored = async () =>
      (
        await sql<{ n: number }>`select count(*)::int as n from complaint_events where data ? 'note' or void_reason is not null`.execute(
          app.store.db,
        )
      ).rows[0]!.n;
    expect(await stored()).toBe(2);
    expect(await eraseExpiredPersonalData(app.store, 6)).toBe(2);
    expect(await stored()).toBe(0);
    for (const k of ['csv', 'voided'] as const) {
      const d = await admin.complaint(ids[k]);
      expect(leaks(d.text), k).toEqual([]);
      expect(d.body.milestones.discontinuedReason).not.toBeNull();
    }
    expect(leaks((await admin.get('/api/v1/complaints/export?format=ndjson&source=pii')).text)).toEqual([]);
    expect(leaks((await admin.get('/api/v1/complaints/export?format=csv&source=pii')).text)).toEqual([]);
    // A note sent to a case already erased is not kept.
    const late = validComplaint({ externalRef: uniqueRef('PII-L'), source: 'pii', filedAt: FILED, events: toAdr(FILED) });
    expect((await admin.ndjson(ndjson([late]))).status).toBe(200);
    const lateId = (
      await app.store.db.selectFrom('complaints').select('id').where('external_ref', '=', late.externalRef).executeTakeFirstOrThrow()
    ).id;
    expect((await admin.delete(`/api/v1/complaints/${lateId}/personal-data`)).status).toBe(200);
    expect((await admin.event(lateId, ev.discontinued(addDays(FILED, 45), 'other', NOTE))).status).toBe(201);
    expect(leaks((await admin.complaint(lateId)).text)).toEqual([]);
  });
});

describe('a store from before migration 0006', () => {
  const TEXT = 'Jane Roe-Notetext (jane.roe@example.org) withdrew after a hospital stay';
  let legacyDir: string;
  let store: Store;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    legacyDir = mkdtempSync(path.join(os.tmpdir(), 'odr-pii-legacy-'));
    const t = await createTestStore({ migrateUpTo: 5 });
    store = t.store;
    cleanup = () => t.close();
  }, 60_000);
  afterAll(async () => {
    await cleanup?.();
    rmSync(legacyDir, { recursive: true, force: true });
  });

  it('after the migration and a full ETL run, the old free text is nowhere in the analytics file', async () => {
    const id = await insertLegacyCase(store.db, { ref: 'L-1', reason: TEXT });
    // The analytics file an older version wrote: the reason as text in its tables.
    const file = path.join(legacyDir, 'analytics.duckdb');
    const old = await DuckDBInstance.create(file);
    const conn = await old.connect();
    await conn.run(`CREATE TABLE snapshot (schema_version VARCHAR)`);
    await conn.run(`INSERT INTO snapshot VALUES ('14-000000000000')`);
    await conn.run(
      `CREATE TABLE complaint_facts AS SELECT ${id}::BIGINT AS id, '${TEXT}' || repeat(' ', i % 2) AS discontinued_reason FROM range(2000) t(i)`,
    );
    await conn.run('CHECKPOINT');
    conn.closeSync();
    old.closeSync();
    expect(readFileSync(file).toString('latin1')).toContain('Notetext');

    await migrate(store);
    const legacy = await startApp({ store, env: { DUCKDB_PATH: file } });
    try {
      const r = await client(legacy.baseUrl).postRaw('/api/v1/etl/runs?wait=true&full=true', undefined);
      expect(r.body.status, r.text).toBe('succeeded');
      const d = await client(legacy.baseUrl).complaint(id);
      expect(d.body.milestones.discontinuedReason).toBe('other');
      expect(d.body.events.at(-1).data).toEqual({ reason: 'other', note: TEXT });
      expect(await analyticsLeaks(legacy)).toEqual([]);
      const o = await client(legacy.baseUrl).get('/api/v1/stats/outcomes');
      expect(o.body.discontinuedReasons).toEqual([{ reason: 'other', count: 1, share: 1 }]);
    } finally {
      await legacy.close();
    }
    expect(fileLeaks(file)).toEqual([]);
  });
});
