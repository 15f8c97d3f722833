/**
 * Audit log and retention (issue 5): every write, token change, export and retention run leaves
 * one entry (who, what, when, how many rows) without personal data; GET /api/v1/audit is admin
 * only, filtered and keyset-paged. The retention job erases personal data RETENTION_MONTHS after
 * closing, in batches, audited, and the statistics and registry counts do not move.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eraseExpiredPersonalData, RetentionJob } from '../api/src/jobs/retention.job.js';
import { client, expectError, putAdrBody, startApp, type Client, type RunningApp } from './support/http.js';
import { ev, ndjson, uniqueRef, validComplaint } from './support/complaints.js';

const PERSONAL = ['Maria Rossi', 'm.rossi@example.org', 'Via Roma 1', 'Ordered shoes'];

interface Entry {
  id: string;
  at: string;
  tokenId: string | null;
  role: string | null;
  actor: string;
  action: string;
  target: string | null;
  rows: number | null;
  detail: Record<string, unknown> | null;
  outcome: 'succeeded' | 'denied' | 'rejected';
  status: number | null;
}

describe('audit log', () => {
  let app: RunningApp;
  let admin: Client;
  const tok = { ingest: '', ingestId: '', regulator: '', regulatorId: '' };

  const audit = async (query: string): Promise<Entry[]> => {
    const a = await admin.get(`/api/v1/audit?${query}`);
    expect(a.status, a.text).toBe(200);
    return a.body.items as Entry[];
  };
  const latest = async (action: string, tokenId?: string): Promise<Entry> => {
    const items = await audit(`action=${action}${tokenId ? `&tokenId=${tokenId}` : ''}&limit=1`);
    expect(items.length, `no ${action} entry`).toBe(1);
    return items[0]!;
  };

  beforeAll(async () => {
    app = await startApp();
    admin = client(app.baseUrl);
    await putAdrBody(admin, 'ADR-AUD');
    const ing = await admin.postJson('/api/v1/tokens', { role: 'ingest', label: 'audit feed', source: 'feed-audit' });
    const reg = await admin.postJson('/api/v1/tokens', { role: 'regulator', label: 'audit analyst desk' });
    expect([ing.status, reg.status]).toEqual([201, 201]);
    Object.assign(tok, { ingest: ing.body.token, ingestId: ing.body.id, regulator: reg.body.token, regulatorId: reg.body.id });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('records token changes by id, never the secret', async () => {
    const created = await latest('tokens.create');
    expect(created).toMatchObject({ tokenId: 'admin-token', role: 'admin', action: 'tokens.create', target: tok.regulatorId, rows: 1 });
    expect(created.actor).toContain('admin');
    expect(JSON.stringify(created)).not.toContain(tok.regulator);
    const t = await admin.postJson('/api/v1/tokens', { role: 'regulator', label: 'short-lived' });
    expect((await admin.delete(`/api/v1/tokens/${t.body.id}`)).status).toBe(200);
    expect(await latest('tokens.revoke')).toMatchObject({ target: t.body.id, rows: 1, tokenId: 'admin-token' });
  });

  it('records a single complaint and a bulk load with their row counts, without personal data', async () => {
    const feed = client(app.baseUrl, tok.ingest);
    const one = await feed.postJson('/api/v1/complaints', validComplaint({ source: 'feed-audit' }));
    expect(one.status, one.text).toBe(201);
    const e1 = await latest('complaints.create', tok.ingestId);
    expect(e1).toMatchObject({ role: 'ingest', target: String(one.body.id), rows: 1 });
    expect(e1.actor).toContain('ingest:feed-audit (audit feed)');
    expect(Date.now() - Date.parse(e1.at)).toBeLessThan(60_000);

    const lines = [
      validComplaint({ source: 'feed-audit' }),
      validComplaint({ source: 'feed-audit' }),
      validComplaint({ source: 'feed-audit' }),
    ];
    const bulk = await feed.ndjson(ndjson(lines));
    expect(bulk.status, bulk.text).toBe(200);
    const e2 = await latest('complaints.bulk', tok.ingestId);
    expect(e2).toMatchObject({ target: bulk.body.batchId, rows: 3 });
    expect(e2.detail).toMatchObject({ batchId: bulk.body.batchId, received: 3, inserted: 3, duplicates: 0 });
    // The same batch again writes nothing: rows 0.
    expect((await feed.ndjson(ndjson(lines))).status).toBe(200);
    expect((await latest('complaints.bulk', tok.ingestId)).rows).toBe(0);

    const all = JSON.stringify(await audit('limit=1000'));
    for (const p of PERSONAL) expect(all).not.toContain(p);
  });

  it('records a rejected write with its outcome and status, naming the fields but never the input', async () => {
    const before = await audit('action=complaints.create&limit=1000');
    const bad = await admin.postJson('/api/v1/complaints', {
      externalRef: uniqueRef(),
      consumer: { country: 'IT', name: 'Maria Rossi' },
      filedAt: 'Via Roma 1',
    });
    expectError(bad, 422);
    const after = await audit('action=complaints.create&limit=1000');
    expect(after.slice(1)).toEqual(before);
    const e = after[0]!;
    expect(e).toMatchObject({ tokenId: 'admin-token', role: 'admin', outcome: 'rejected', status: 422, rows: 0, target: null });
    expect(e.detail).toMatchObject({ problems: bad.body.details.length, fields: expect.arrayContaining(['filedAt', 'trader']) });
    for (const p of PERSONAL) expect(JSON.stringify(e)).not.toContain(p);

    // A conflict on the same reference is a rejection too.
    const c = validComplaint();
    expect((await admin.postJson('/api/v1/complaints', c)).status).toBe(201);
    const conflict = await admin.postJson('/api/v1/complaints', { ...c, sector: 'airlines' });
    expectError(conflict, 409);
    expect(await latest('complaints.create')).toMatchObject({ outcome: 'rejected', status: 409, rows: 0 });
  });

  it('records a rejected batch with its batch id and number of problems', async () => {
    const feed = client(app.baseUrl, tok.ingest);
    const lines = [
      validComplaint({ source: 'feed-audit' }),
      { ...validComplaint({ source: 'feed-audit' }), sector: 'nope' },
      { ...validComplaint({ source: 'feed-audit' }), filedAt: 'never' },
    ];
    const bad = await feed.ndjson(ndjson(lines));
    expectError(bad, 422);
    const e = await latest('complaints.bulk', tok.ingestId);
    expect(e).toMatchObject({
      role: 'ingest',
      outcome: 'rejected',
      status: 422,
      rows: 0,
      target: bad.body.batchId,
      detail: { batchId: bad.body.batchId, problems: 2, fields: ['sector', 'filedAt'] },
    });
    for (const p of PERSONAL) expect(JSON.stringify(e)).not.toContain(p);
  });

  it('records denied writes (the route refuses, or the role may not call it), but not denied reads', async () => {
    const feed = client(app.baseUrl, tok.ingest);
    const reg = client(app.baseUrl, tok.regulator);
    expect((await admin.putJson('/api/v1/traders/T-AUD-DENY', { name: 'Denied Shop', country: 'DE' })).status).toBe(201);
    const tr = await admin.postJson('/api/v1/tokens', { role: 'trader', label: 'audit trader', traderId: 'T-AUD-DENY' });
    expect(tr.status, tr.text).toBe(201);
    const trader = client(app.baseUrl, tr.body.token);
    const c = await admin.postJson('/api/v1/complaints', validComplaint({ trader: { id: 'T-AUD-DENY', country: 'DE' } }));
    expect(c.status, c.text).toBe(201);
    const caseId = String(c.body.id);

    // An ingest token writing another feed's source, one complaint and a batch.
    expectError(await feed.postJson('/api/v1/complaints', validComplaint({ source: 'someone-else' })), 403);
    expect(await latest('complaints.create', tok.ingestId)).toMatchObject({
      outcome: 'denied',
      status: 403,
      rows: 0,
      role: 'ingest',
      detail: { reason: expect.stringContaining('someone-else') },
    });
    expectError(await feed.ndjson(ndjson([validComplaint({ source: 'someone-else' })])), 403);
    expect(await latest('complaints.bulk', tok.ingestId)).toMatchObject({ outcome: 'denied', status: 403, rows: 0 });
    // A line's source is unchecked text: what is not an id is never quoted, in the answer or the log.
    const pii = 'Jane Roe jane@example.org';
    const leaked = await feed.ndjson(ndjson([{ ...validComplaint(), source: pii }]));
    expectError(leaked, 403);
    expect(JSON.stringify(leaked.body)).not.toContain('jane@example.org');
    expect(JSON.stringify(await latest('complaints.bulk', tok.ingestId))).not.toContain('jane@example.org');

    // A trader posting an ADR body's event on its own case.
    expectError(await trader.event(caseId, { type: 'adr_outcome', at: '2024-03-20T10:00:00Z', result: 'in_favour_of_consumer' }), 403);
    expect(await latest('events.append', tr.body.id)).toMatchObject({
      outcome: 'denied',
      status: 403,
      target: caseId,
      role: 'trader',
      actor: expect.stringContaining('trader:T-AUD-DENY'),
    });

    // Roles the route does not allow at all (refused by the access guard before the route runs).
    expectError(await reg.putJson('/api/v1/traders/T-AUD-X', { name: 'X', country: 'DE' }), 403);
    expect(await latest('traders.put', tok.regulatorId)).toMatchObject({
      outcome: 'denied',
      status: 403,
      target: 'T-AUD-X',
      rows: 0,
      role: 'regulator',
    });
    expectError(await trader.postJson('/api/v1/tokens', { role: 'admin', label: 'escalation' }), 403);
    expect(await latest('tokens.create', tr.body.id)).toMatchObject({ outcome: 'denied', status: 403 });

    // Denied reads are not audited.
    const count = (await audit('limit=1000')).length;
    expectError(await trader.get('/api/v1/audit'), 403);
    expectError(await reg.get('/api/v1/tokens'), 403);
    expect((await audit('limit=1000')).length).toBe(count);
  });

  it('filters by outcome; successful entries say succeeded with their status', async () => {
    const denied = await audit('outcome=denied&limit=1000');
    expect(denied.length).toBeGreaterThan(0);
    expect(denied.every((e) => e.outcome === 'denied' && e.status === 403)).toBe(true);
    const refused = await audit('outcome=denied,rejected&limit=1000');
    expect(new Set(refused.map((e) => e.outcome))).toEqual(new Set(['denied', 'rejected']));
    const succeeded = await audit('outcome=succeeded&limit=1000');
    expect(succeeded.length + refused.length).toBe((await audit('limit=1000')).length);
    expect(succeeded.find((e) => e.action === 'tokens.create')).toMatchObject({ status: 201 });
    expectError(await admin.get('/api/v1/audit?outcome=failed'), 400);
  });

  it('records events, voids, erasure, reference data and ETL starts', async () => {
    const c = await admin.postJson('/api/v1/complaints', validComplaint());
    expect(c.status).toBe(201);
    const id = String(c.body.id);
    const appended = await admin.event(id, ev.replied('2024-03-08T09:00:00Z'));
    expect(appended.status, appended.text).toBe(201);
    expect(await latest('events.append')).toMatchObject({ target: id, rows: 1, detail: { type: 'trader_replied' } });

    const last = appended.body.events.at(-1);
    const voided = await admin.void(id, String(last.id), 'entered on the wrong case by Maria Rossi');
    expect(voided.status, voided.text).toBe(200);
    const v = await latest('events.void');
    expect(v).toMatchObject({ target: id, detail: { eventId: String(last.id) } });
    expect(JSON.stringify(v)).not.toContain('Maria Rossi');

    expect((await admin.delete(`/api/v1/complaints/${id}/personal-data`)).status).toBe(200);
    expect(await latest('complaints.erase-personal-data')).toMatchObject({ target: id, rows: 1, tokenId: 'admin-token' });

    expect((await admin.putJson('/api/v1/traders/T-AUD', { name: 'Audit Shop', country: 'DE' })).status).toBe(201);
    expect(await latest('traders.put')).toMatchObject({ target: 'T-AUD', detail: { created: true } });
    expect((await admin.putJson('/api/v1/traders/T-AUD', { name: 'Audit Shop AG', country: 'DE' })).status).toBe(200);
    expect(await latest('traders.put')).toMatchObject({ target: 'T-AUD', detail: { created: false } });
    expect(await latest('adr-bodies.put')).toMatchObject({ target: 'ADR-AUD' });

    const run = await admin.postJson('/api/v1/etl/runs?wait=true', {});
    expect(run.status, run.text).toBe(200);
    expect(await latest('etl.start')).toMatchObject({ target: String(run.body.id), detail: { kind: run.body.kind } });
  });

  it('records an export with the number of rows streamed; a text search only as such', async () => {
    const reg = client(app.baseUrl, tok.regulator);
    const list = await reg.get('/api/v1/complaints?source=feed-audit&limit=1');
    const total = list.body.total as number;
    expect(total).toBeGreaterThanOrEqual(4);
    for (const format of ['csv', 'ndjson', 'parquet']) {
      const a = await reg.get(`/api/v1/complaints/export?format=${format}&source=feed-audit`);
      expect(a.status, a.text.slice(0, 200)).toBe(200);
      // A streamed export is recorded once its stream has ended, which the client may see a moment
      // before the entry is written: wait for it.
      await expect.poll(async () => (await latest('registry.export', tok.regulatorId)).detail).toMatchObject({ filters: { format } });
      const e = await latest('registry.export', tok.regulatorId);
      expect(e).toMatchObject({ role: 'regulator', rows: total, detail: { filters: { format, source: 'feed-audit' } } });
    }
    expect((await reg.get('/api/v1/complaints/export?format=ndjson&q=Maria')).status).toBe(200);
    await expect
      .poll(async () => (await latest('registry.export', tok.regulatorId)).detail)
      .toMatchObject({ filters: { q: '(text search)' } });
    const e = await latest('registry.export', tok.regulatorId);
    expect(JSON.stringify(e)).not.toContain('Maria');
  });

  it('is for admins only, filters by action, actor, token and time, and pages without gaps', async () => {
    expectError(await client(app.baseUrl, tok.regulator).get('/api/v1/audit'), 403);
    expectError(await client(app.baseUrl, null).get('/api/v1/audit'), 401);
    expectError(await admin.get('/api/v1/audit?action=nonsense'), 400);
    expectError(await admin.get('/api/v1/audit?from=yesterday'), 400);
    expectError(await admin.get('/api/v1/audit?limit=0'), 400);

    const everything = await audit('limit=1000');
    expect(everything.length).toBeGreaterThan(10);
    const ids = everything.map((e) => Number(e.id));
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);

    const paged: Entry[] = [];
    let cursor: string | null = null;
    do {
      const a = await admin.get(`/api/v1/audit?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(a.status).toBe(200);
      paged.push(...a.body.items);
      cursor = a.body.nextCursor;
    } while (cursor);
    expect(paged.map((e) => e.id)).toEqual(everything.map((e) => e.id));

    const two = await audit('action=tokens.create,tokens.revoke&limit=1000');
    expect(new Set(two.map((e) => e.action))).toEqual(new Set(['tokens.create', 'tokens.revoke']));
    const byActor = await audit('actor=AUDIT%20FEED&limit=1000');
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((e) => e.tokenId === tok.ingestId)).toBe(true);
    expect((await audit(`tokenId=${tok.ingestId}&limit=1000`)).map((e) => e.id)).toEqual(byActor.map((e) => e.id));

    const future = new Date(Date.now() + 86_400_000).toISOString();
    expect(await audit(`from=${encodeURIComponent(future)}`)).toEqual([]);
    expect((await audit(`to=${encodeURIComponent(future)}&limit=1000`)).length).toBe(everything.length);
    expect(await audit('to=2020-01-01')).toEqual([]);
  });

  it('documents GET /api/v1/audit in the OpenAPI document, admin only', async () => {
    const doc = (await admin.get('/api/openapi.json')).body;
    const op = doc.paths['/api/v1/audit'].get;
    expect(op['x-roles']).toEqual(['admin']);
    expect(op.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['action', 'outcome', 'actor', 'tokenId', 'from', 'to', 'limit', 'cursor']),
    );
  });
});

describe('retention', () => {
  let app: RunningApp;
  let admin: Client;
  const recent = new Date(Date.now() - 86_400_000).toISOString();
  /** Closed in 2024 (long past any retention period), closed yesterday, still open. */
  const cases = {
    old: [0, 1, 2, 3].map(() =>
      validComplaint({ source: 'feed-ret', events: [ev.sent('2024-03-05T10:22:05Z'), ev.settled('2024-03-20T10:00:00Z')] }),
    ),
    recent: validComplaint({
      source: 'feed-ret',
      filedAt: new Date(Date.now() - 5 * 86_400_000).toISOString(),
      events: [ev.sent(new Date(Date.now() - 5 * 86_400_000 + 5000).toISOString()), ev.withdrawn(recent)],
    }),
    open: validComplaint({ source: 'feed-ret' }),
  };
  const ids: Record<string, string> = {};

  const detail = async (ref: string) => {
    const list = await admin.get(`/api/v1/complaints?source=feed-ret&q=${ref}&limit=1`);
    return (await admin.complaint(String(list.body.items[0].id))).body;
  };
  const figures = async () => {
    const paths = [
      '/api/v1/stats/summary',
      '/api/v1/stats/countries?side=consumer',
      '/api/v1/stats/flows',
      '/api/v1/stats/trend?interval=month',
      '/api/v1/stats/sectors',
      '/api/v1/stats/problems',
      '/api/v1/stats/outcomes',
      '/api/v1/stats/traders',
    ];
    const out: Record<string, unknown> = {};
    for (const p of paths) {
      const a = await admin.get(p);
      expect(a.status, `${p}: ${a.text}`).toBe(200);
      const { asOf: _asOf, ...rest } = a.body;
      out[p] = rest;
    }
    return out;
  };

  beforeAll(async () => {
    app = await startApp();
    admin = client(app.baseUrl);
    const load = await admin.ndjson(ndjson([...cases.old, cases.recent, cases.open]));
    expect(load.status, load.text).toBe(200);
    for (const c of [...cases.old, cases.recent, cases.open]) ids[c.externalRef] = String((await detail(c.externalRef)).id);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('erases personal data of cases closed RETENTION_MONTHS ago, audited, statistics and counts unchanged', async () => {
    expect((await admin.postJson('/api/v1/etl/runs?full=true&wait=true', {})).body.status).toBe('succeeded');
    const before = await figures();
    const registryBefore = (await admin.get('/api/v1/complaints?limit=1')).body.total;

    const erased = await app.app.get(RetentionJob).run();
    expect(erased).toBe(cases.old.length);

    for (const c of cases.old) {
      const d = await detail(c.externalRef);
      expect(d.consumer).toMatchObject({ country: 'IT', name: null, email: null, address: null });
      expect(d.description).toBeNull();
      expect(d.personalDataErasedAt).not.toBeNull();
      expect(d.sector).toBe(c.sector);
      expect(d.events.length).toBe(2);
    }
    for (const c of [cases.recent, cases.open]) {
      const d = await detail(c.externalRef);
      expect(d.consumer.name).toBe('Maria Rossi');
      expect(d.personalDataErasedAt).toBeNull();
    }

    const entry = (await admin.get('/api/v1/audit?action=retention.erase')).body.items;
    expect(entry).toHaveLength(1);
    expect(entry[0]).toMatchObject({ actor: 'system:retention', tokenId: null, rows: cases.old.length, detail: { retentionMonths: 6 } });

    // Incremental picks up the erased rows; a full rebuild reads everything again: same figures.
    expect((await admin.postJson('/api/v1/etl/runs?wait=true', {})).body.status).toBe('succeeded');
    expect(await figures()).toEqual(before);
    expect((await admin.postJson('/api/v1/etl/runs?full=true&wait=true', {})).body.status).toBe('succeeded');
    expect(await figures()).toEqual(before);
    expect((await admin.get('/api/v1/complaints?limit=1')).body.total).toBe(registryBefore);

    // Nothing left to erase: no second entry.
    expect(await app.app.get(RetentionJob).run()).toBe(0);
    expect((await admin.get('/api/v1/audit?action=retention.erase')).body.items).toHaveLength(1);
  });

  it('works in batches that together reach every due case', async () => {
    const more = [0, 1, 2, 3, 4].map(() =>
      validComplaint({ source: 'feed-ret', events: [ev.sent('2024-03-05T10:22:05Z'), ev.withdrawn('2024-04-01T10:00:00Z')] }),
    );
    expect((await admin.ndjson(ndjson(more))).status).toBe(200);
    expect(await eraseExpiredPersonalData(app.store, 6, { batch: 2 })).toBe(5);
    for (const c of more) expect((await detail(c.externalRef)).consumer.name).toBeNull();
    // The period counts: with 100 years, a case closed in 2024 keeps its data.
    const far = validComplaint({ source: 'feed-ret', events: [ev.sent('2024-03-05T10:22:05Z'), ev.withdrawn('2024-04-01T10:00:00Z')] });
    expect((await admin.ndjson(ndjson([far]))).status).toBe(200);
    expect(await eraseExpiredPersonalData(app.store, 1200)).toBe(0);
  });

  it('runs at start-up when scheduled', async () => {
    const late = validComplaint({ source: 'feed-ret', events: [ev.sent('2024-03-05T10:22:05Z'), ev.withdrawn('2024-04-01T10:00:00Z')] });
    expect((await admin.ndjson(ndjson([late]))).status).toBe(200);
    const second = await startApp({ store: app.store, env: { RETENTION_CRON: '30 3 * * *', RETENTION_MONTHS: '3' } });
    try {
      const api = client(second.baseUrl);
      let name: unknown = 'Maria Rossi';
      for (let i = 0; i < 50 && name !== null; i++) {
        const list = await api.get(`/api/v1/complaints?source=feed-ret&q=${late.externalRef}&limit=1`);
        name = (await api.complaint(String(list.body.items[0].id))).body.consumer.name;
        if (name !== null) await new Promise((r) => setTimeout(r, 100));
      }
      expect(name).toBeNull();
      const entries = (await api.get('/api/v1/audit?action=retention.erase')).body.items;
      expect(entries[0]).toMatchObject({ detail: { retentionMonths: 3 } });
    } finally {
      await second.close();
    }
  });
});
