/**
 * Ingestion and the lifecycle over real HTTP (createApp + listen on an ephemeral port + fetch):
 * status codes and the error shape, the lifecycle table through POST …/events, voiding,
 * idempotency of single and bulk ingest, all-or-nothing batches and their records, aliases and
 * trader matching, literal storage of SQL-looking text, and CSV ≡ NDJSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import {
  client,
  counts,
  expectError,
  expectHealthy,
  findStackTraces,
  putAdrBody,
  startApp,
  type Client,
  type RunningApp,
} from './support/http.js';
import {
  ALL_EVENT_TYPES,
  FILED_AT,
  MIN_CSV_HEADER,
  NEXT_STAGE,
  STAGE_TABLE,
  addDays,
  csv,
  csvOf,
  ev,
  eventOf,
  minCsvRow,
  minimalComplaint,
  ndjson,
  uniqueRef,
  validComplaint,
  type EventTypeName,
  type TestComplaint,
  type TestEvent,
} from './support/complaints.js';

let app: RunningApp;
let small: RunningApp;
let api: Client;
let smallApi: Client;
const ADR = 'ADR-HTTP-1';
const d = (n: number) => addDays(FILED_AT, n);

beforeAll(async () => {
  app = await startApp();
  // Same store, tiny body limits: 0.001 MB ≈ 1 KB for bulk and single bodies.
  small = await startApp({ store: app.store, env: { BULK_BODY_LIMIT_MB: '0.001', BODY_LIMIT_MB: '0.001' } });
  api = client(app.baseUrl);
  smallApi = client(small.baseUrl);
  await putAdrBody(api, ADR);
});
afterAll(async () => {
  await small?.close();
  await app?.close();
});

const sorted = (xs: readonly string[]) => [...xs].sort();

async function fileCase(c: TestComplaint): Promise<any> {
  const a = await api.postJson('/api/v1/complaints', c);
  expect(a.status, a.text).toBe(201);
  return a.body;
}

async function idOf(ref: string, source: string): Promise<string> {
  const r = await app.store.db
    .selectFrom('complaints')
    .select('id')
    .where('source', '=', source)
    .where('external_ref', '=', ref)
    .executeTakeFirstOrThrow();
  return r.id;
}

// ─────────────────────────────── lifecycle over HTTP ───────────────────────────────

describe('POST /complaints/:id/events follows domain.md §1', () => {
  const situations: Array<{ name: string; stage: string; path: TestEvent[]; allowed: readonly EventTypeName[] }> = [
    { name: 'filed', stage: 'filed', path: [], allowed: STAGE_TABLE.filed },
    { name: 'with_trader', stage: 'with_trader', path: [ev.sent(d(0.1))], allowed: STAGE_TABLE.with_trader },
    {
      name: 'trader_replied (proposes_adr)',
      stage: 'trader_replied',
      path: [ev.sent(d(0.1)), ev.replied(d(1))],
      allowed: STAGE_TABLE.trader_replied,
    },
    {
      name: 'trader_replied (direct_talks)',
      stage: 'trader_replied',
      path: [ev.sent(d(0.1)), ev.replied(d(1), 'direct_talks')],
      allowed: STAGE_TABLE.trader_replied,
    },
    {
      name: 'trader_replied (declines)',
      stage: 'trader_replied',
      path: [ev.sent(d(0.1)), ev.replied(d(1), 'declines')],
      allowed: STAGE_TABLE.trader_replied_declines,
    },
    {
      name: 'at_adr_body',
      stage: 'at_adr_body',
      path: [ev.sent(d(0.1)), ev.replied(d(1)), ev.agreed(d(2), ADR)],
      allowed: STAGE_TABLE.at_adr_body,
    },
    {
      name: 'adr_in_progress',
      stage: 'adr_in_progress',
      path: [ev.sent(d(0.1)), ev.replied(d(1)), ev.agreed(d(2), ADR), ev.accepted(d(3))],
      allowed: STAGE_TABLE.adr_in_progress,
    },
    {
      name: 'closed by adr_outcome',
      stage: 'closed',
      path: [ev.sent(d(0.1)), ev.replied(d(1)), ev.agreed(d(2), ADR), ev.accepted(d(3)), ev.outcome(d(40))],
      allowed: STAGE_TABLE.closed_after_outcome,
    },
    { name: 'closed by withdrawn', stage: 'closed', path: [ev.withdrawn(d(1))], allowed: STAGE_TABLE.closed_otherwise },
    {
      name: 'closed by adr_refused',
      stage: 'closed',
      path: [ev.sent(d(0.1)), ev.replied(d(1)), ev.agreed(d(2), ADR), ev.refused(d(4))],
      allowed: STAGE_TABLE.closed_otherwise,
    },
  ];

  for (const s of situations) {
    describe(s.name, () => {
      let caseId: string;
      beforeAll(async () => {
        const c = await fileCase(validComplaint({ events: s.path }));
        caseId = c.id;
        expect(c.stage).toBe(s.stage);
        expect(sorted(c.allowedNextEvents)).toEqual(sorted(s.allowed));
      });

      for (const type of ALL_EVENT_TYPES) {
        const ok = (s.allowed as readonly string[]).includes(type);
        it(`${ok ? '201' : '409'} for ${type}`, async () => {
          if (!ok) {
            const before = await counts(app.store);
            const a = await api.event(caseId, eventOf(type, d(60), ADR));
            expectError(a, 409);
            expect(a.body.stage).toBe(s.stage);
            expect(sorted(a.body.allowedNextEvents)).toEqual(sorted(s.allowed));
            expect(a.body.message).toContain(type);
            expect(a.body.message).toContain(s.stage);
            expect(await counts(app.store)).toEqual(before);
            return;
          }
          const fresh = await fileCase(validComplaint({ events: s.path }));
          const a = await api.event(fresh.id, eventOf(type, d(60), ADR));
          expect(a.status, a.text).toBe(201);
          expect(a.body.stage).toBe(NEXT_STAGE[type]);
          expect(a.body.events.at(-1)).toMatchObject({ type, at: d(60), voided: null });
          expect(a.body.events).toHaveLength(s.path.length + 1);
          if (NEXT_STAGE[type] === 'closed') {
            expect(a.body.status).toBe('closed');
            expect(a.body.closedAt).toBe(type === 'compliance_reported' ? d(40) : d(60));
            expect(a.body.closure).toBe(type === 'compliance_reported' ? 'adr_outcome' : type);
          } else {
            expect(a.body.status).toBe('open');
            expect(a.body.closure).toBeNull();
          }
          const detail = await api.complaint(fresh.id);
          expect(detail.body.stage).toBe(NEXT_STAGE[type]);
        });
      }
    });
  }

  it('an event before filedAt is refused (422), the case unchanged', async () => {
    const c = await fileCase(validComplaint({ events: [] }));
    const a = await api.event(c.id, ev.sent(d(-0.5)));
    expectError(a, 422);
    expect(a.body.details.map((x: { field: string }) => x.field)).toContain('at');
    expect((await api.complaint(c.id)).body.stage).toBe('filed');
  });

  it('an event before the latest event is refused (422)', async () => {
    const c = await fileCase(validComplaint({ events: [ev.sent(d(1)), ev.replied(d(5))] }));
    const a = await api.event(c.id, ev.settled(d(4)));
    expectError(a, 422);
    expect(a.body.message).toMatch(/latest event|order/);
  });

  it('a tie in `at` is allowed', async () => {
    const c = await fileCase(validComplaint({ events: [ev.sent(d(1))] }));
    const a = await api.event(c.id, ev.replied(d(1)));
    expect(a.status, a.text).toBe(201);
    const b = await api.event(c.id, ev.settled('2024-03-06T11:22:00+01:00'));
    expect(b.status, b.text).toBe(201);
    expect(b.body.events.map((e: { seq: number; type: string }) => [e.seq, e.type])).toEqual([
      [1, 'sent_to_trader'],
      [2, 'trader_replied'],
      [3, 'settled_directly'],
    ]);
  });

  it('compliance_reported is repeatable after adr_outcome; the latest counts', async () => {
    const c = await fileCase(
      validComplaint({ events: [ev.sent(d(0.1)), ev.replied(d(1)), ev.agreed(d(2), ADR), ev.accepted(d(3)), ev.outcome(d(40))] }),
    );
    expect((await api.event(c.id, ev.compliance(d(50), false))).status).toBe(201);
    const a = await api.event(c.id, ev.compliance(d(55), true));
    expect(a.status, a.text).toBe(201);
    expect(a.body.milestones).toMatchObject({ complied: true, complianceAt: d(55) });
    expect(a.body).toMatchObject({ status: 'closed', closure: 'adr_outcome', closedAt: d(40) });
  });

  it('an unknown ADR body in adr_body_agreed → 422 on adrBodyId; nothing appended', async () => {
    const c = await fileCase(validComplaint({ events: [ev.sent(d(0.1)), ev.replied(d(1))] }));
    const a = await api.event(c.id, ev.agreed(d(2), 'NO-SUCH-ADR'));
    expectError(a, 422);
    expect(a.body.details.map((x: { field: string }) => x.field)).toContain('adrBodyId');
    expect(a.body.message).toContain('NO-SUCH-ADR');
    const after = await api.complaint(c.id);
    expect(after.body.events).toHaveLength(2);
    expect(after.body.stage).toBe('trader_replied');
  });

  it('a malformed event → 422 naming the field; unknown event type → 422', async () => {
    const c = await fileCase(validComplaint({ events: [ev.sent(d(0.1))] }));
    const a = await api.event(c.id, { type: 'trader_replied', at: d(1), decision: 'maybe' });
    expectError(a, 422);
    expect(a.body.details.map((x: { field: string }) => x.field)).toContain('decision');
    const b = await api.event(c.id, { type: 'escalated', at: d(1) });
    expectError(a, 422);
    expectError(b, 422);
    expect(b.body.message + JSON.stringify(b.body.details)).toContain('escalated');
    const e = await api.event(c.id, { type: 'trader_replied', at: 'tomorrow', decision: 'declines' });
    expectError(e, 422);
    expect(e.body.details.map((x: { field: string }) => x.field)).toContain('at');
    const f = await api.event(c.id, {
      type: 'trader_replied',
      at: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      decision: 'declines',
    });
    expectError(f, 422);
    expect(f.body.message + JSON.stringify(f.body.details)).toMatch(/future/);
    const g = await api.event(c.id, { type: 'trader_replied', at: d(1), decision: 'declines', note: 'extra' });
    expectError(g, 422);
    expect((await api.complaint(c.id)).body.events).toHaveLength(1);
  });

  it('unknown complaint → 404; bad id → 400; non-JSON → 415', async () => {
    expectError(await api.event('987654321', ev.sent(d(1))), 404);
    expectError(await api.event('abc', ev.sent(d(1))), 400);
    expectError(await api.event('0', ev.sent(d(1))), 400);
    const c = await fileCase(validComplaint({ events: [] }));
    expectError(await api.postRaw(`/api/v1/complaints/${c.id}/events`, 'type=sent_to_trader', 'application/x-www-form-urlencoded'), 415);
    await expectHealthy(app.baseUrl);
  });
});

describe('stage deadlines and overdue, as stored by ingest and by event appends', () => {
  const deadlines: Array<{ name: string; events: TestEvent[]; due: string | null }> = [
    { name: 'filed: 30 days after filing', events: [], due: d(30) },
    { name: 'with_trader: 10 days after sending', events: [ev.sent(d(2))], due: d(12) },
    { name: 'with_trader: 30 days after filing when earlier', events: [ev.sent(d(25))], due: d(30) },
    { name: 'trader_replied: 30 days after filing', events: [ev.sent(d(1)), ev.replied(d(3))], due: d(30) },
    { name: 'at_adr_body: 21 days after agreement', events: [ev.sent(d(1)), ev.replied(d(3)), ev.agreed(d(7.5), ADR)], due: d(28.5) },
    {
      name: 'adr_in_progress: 90 days after agreement',
      events: [ev.sent(d(1)), ev.replied(d(3)), ev.agreed(d(7), ADR), ev.accepted(d(20))],
      due: d(97),
    },
    { name: 'closed: none', events: [ev.sent(d(1)), ev.settled(d(3))], due: null },
  ];

  it.each(deadlines)('ingested — $name', async ({ events, due }) => {
    const c = await fileCase(validComplaint({ events }));
    expect(c.dueAt).toBe(due);
    // filed in 2024: every open case is past its deadline
    expect(c.overdue).toBe(due !== null);
  });

  it.each(deadlines)('appended one by one over HTTP — $name', async ({ events, due }) => {
    const c = await fileCase(validComplaint({ events: [] }));
    let last = c;
    for (const e of events) {
      const a = await api.event(c.id, e);
      expect(a.status, a.text).toBe(201);
      last = a.body;
    }
    expect(last.dueAt).toBe(due);
    expect(last.overdue).toBe(due !== null);
  });

  it('a recent case is not overdue yet', async () => {
    const filed = new Date(Date.now() - 86_400_000).toISOString();
    const c = await fileCase(validComplaint({ filedAt: filed, purchasedAt: undefined, events: [ev.sent(filed)] }));
    expect(c.dueAt).toBe(addDays(filed, 10));
    expect(c.overdue).toBe(false);
  });

  it('voiding recomputes the deadline', async () => {
    const c = await fileCase(validComplaint({ events: [ev.sent(d(2)), ev.replied(d(3))] }));
    expect(c.dueAt).toBe(d(30));
    const a = await api.void(c.id, c.events[1].id, 'reply was for another case');
    expect(a.body.dueAt).toBe(d(12));
  });
});

describe('voiding an event', () => {
  it('recomputes the stage; the voided event is kept and flagged', async () => {
    const c = await fileCase(validComplaint({ events: [ev.sent(d(0.1)), ev.replied(d(1)), ev.agreed(d(2), ADR)] }));
    expect(c.stage).toBe('at_adr_body');
    const replied = c.events.find((e: { type: string }) => e.type === 'trader_replied');
    const before = await counts(app.store);
    const a = await api.void(c.id, replied.id, 'recorded on the wrong case');
    expect(a.status, a.text).toBe(200);
    // Without the reply the agreement no longer fits: the case is back with the trader.
    expect(a.body.stage).toBe('with_trader');
    expect(a.body.milestones.repliedAt).toBeNull();
    expect(a.body.milestones.agreedAt).toBeNull();
    expect(a.body.adrBodyId).toBeNull();
    expect(a.body.events).toHaveLength(3);
    const voided = a.body.events.find((e: { id: string }) => e.id === replied.id);
    expect(voided.voided).toMatchObject({ reason: 'recorded on the wrong case' });
    expect(typeof voided.voided.at).toBe('string');
    expect(a.body.events.filter((e: { voided: unknown }) => e.voided === null)).toHaveLength(2);
    expect(await counts(app.store)).toEqual(before);
    expect(sorted(a.body.allowedNextEvents)).toEqual(sorted(STAGE_TABLE.with_trader));

    // the lifecycle goes on from the recomputed stage
    const b = await api.event(c.id, ev.replied(d(3), 'declines'));
    expect(b.status, b.text).toBe(201);
    expect(b.body.stage).toBe('trader_replied');

    // voiding twice → 409; unknown event → 404; a reason is required → 422
    expectError(await api.void(c.id, replied.id, 'again please'), 409);
    expectError(await api.void(c.id, '99999999', 'no such event'), 404);
    const other = c.events.find((e: { type: string }) => e.type === 'sent_to_trader');
    expectError(await api.void(c.id, other.id, ''), 422);
    expectError(await api.void(c.id, 'x1', 'bad id'), 400);
    await expectHealthy(app.baseUrl);
  });

  it('voiding the closing event reopens the case', async () => {
    const c = await fileCase(validComplaint({ events: [ev.sent(d(0.1)), ev.withdrawn(d(2))] }));
    expect(c.status).toBe('closed');
    const closing = c.events.at(-1);
    const a = await api.void(c.id, closing.id, 'withdrawal was a mistake');
    expect(a.status, a.text).toBe(200);
    expect(a.body).toMatchObject({ stage: 'with_trader', status: 'open', closure: null, closedAt: null });
    expect(a.body.events.at(-1).voided).not.toBeNull();
  });

  it('voiding an event of another case → 404', async () => {
    const a = await fileCase(validComplaint({ events: [ev.sent(d(0.1))] }));
    const b = await fileCase(validComplaint({ events: [ev.sent(d(0.1))] }));
    expectError(await api.void(b.id, a.events[0].id, 'not this case'), 404);
  });
});

// ─────────────────────────────── status codes & error shape ───────────────────────────────

describe('status codes, error shape, and the server keeps serving', () => {
  it('415: bulk with a wrong or missing content type; single with a non-JSON type', async () => {
    const body = ndjson([validComplaint()]);
    expectError(await api.postRaw('/api/v1/complaints/bulk', body, 'application/json'), 415);
    expectError(await api.postRaw('/api/v1/complaints/bulk', body, 'text/plain'), 415);
    expectError(await api.postRaw('/api/v1/complaints/bulk', new Blob([body])), 415);
    expectError(await api.postRaw('/api/v1/complaints', JSON.stringify(validComplaint()), 'text/plain'), 415);
    expectError(await api.postRaw('/api/v1/complaints', body, 'application/x-ndjson'), 415);
    await expectHealthy(app.baseUrl);
  });

  it('413: bulk body over BULK_BODY_LIMIT_MB (declared length); nothing stored', async () => {
    const before = await counts(app.store);
    const body = ndjson(Array.from({ length: 4 }, () => validComplaint()));
    expect(Buffer.byteLength(body)).toBeGreaterThan(1100);
    expectError(await smallApi.ndjson(body), 413);
    expectError(
      await smallApi.csv(
        csv(
          MIN_CSV_HEADER,
          Array.from({ length: 20 }, () => minCsvRow()),
        ),
      ),
      413,
    );
    expect(await counts(app.store)).toEqual(before);
    await expectHealthy(small.baseUrl);
    // the same body fits the normal limit
    expect((await api.ndjson(body)).status).toBe(200);
  });

  it('413: bulk body over the limit sent without a length (chunked)', async () => {
    const before = await counts(app.store);
    const lines = Array.from({ length: 4 }, () => ndjson([validComplaint()]));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const l of lines) controller.enqueue(new TextEncoder().encode(l));
        controller.close();
      },
    });
    const a = await smallApi.postRaw('/api/v1/complaints/bulk', stream, 'application/x-ndjson', { duplex: 'half' } as RequestInit);
    expectError(a, 413);
    expect(await counts(app.store)).toEqual(before);
    await expectHealthy(small.baseUrl);
  });

  it('413: single JSON body over BODY_LIMIT_MB', async () => {
    const before = await counts(app.store);
    expectError(await smallApi.postJson('/api/v1/complaints', validComplaint({ description: 'x'.repeat(3000) })), 413);
    expect(await counts(app.store)).toEqual(before);
    await expectHealthy(small.baseUrl);
  });

  it('400: malformed JSON on single', async () => {
    for (const body of ['{"externalRef": ', '{not json}', '[1,2', '']) {
      const a = await api.postRaw('/api/v1/complaints', body, 'application/json');
      if (body === '') {
        // an empty JSON body is no complaint at all
        expect([400, 422]).toContain(a.status);
        expectError(a, a.status);
      } else {
        expectError(a, 400);
      }
    }
    await expectHealthy(app.baseUrl);
  });

  it('400: bad path id, bad query parameter', async () => {
    expectError(await api.get('/api/v1/complaints/abc'), 400);
    expectError(await api.get('/api/v1/complaints/-1'), 400);
    expectError(await api.get('/api/v1/complaints/1.5'), 400);
    expectError(await api.get(`/api/v1/complaints/${'9'.repeat(30)}`), 400);
    expectError(await api.get('/api/v1/batches/not-a-uuid'), 400);
    expectError(await api.ndjson(ndjson([validComplaint()]), '?source=has%20space'), 400);
    expectError(await api.ndjson(ndjson([validComplaint()]), '?sauce=feed'), 400);
    expectError(await api.get('/api/v1/traders?limit=abc'), 400);
    expectError(await api.get('/api/v1/traders?limit=0'), 400);
    expectError(await api.get('/api/v1/traders?country=US'), 400);
    await expectHealthy(app.baseUrl);
  });

  it('404: unknown complaint, unknown batch, unknown route', async () => {
    expectError(await api.get('/api/v1/complaints/987654321'), 404);
    expectError(await api.get(`/api/v1/batches/${randomUUID()}`), 404);
    expectError(await api.get('/api/v1/nothing-here'), 404);
    await expectHealthy(app.baseUrl);
  });

  it('422: an invalid single complaint names its fields (no line)', async () => {
    const a = await api.postJson('/api/v1/complaints', validComplaint({ consumer: { country: 'US' }, sector: 'spaceships' }));
    expectError(a, 422);
    const fields = a.body.details.map((x: { field: string }) => x.field);
    expect(fields).toContain('consumer.country');
    expect(fields).toContain('sector');
    await expectHealthy(app.baseUrl);
  });

  it('422: a value of the wrong type is not called missing', async () => {
    const a = await api.postJson('/api/v1/complaints', validComplaint({ events: {} as never, orderedOnline: 'yes' as never }));
    expectError(a, 422);
    for (const field of ['events', 'orderedOnline']) {
      const detail = a.body.details.find((x: { field: string }) => x.field === field);
      expect(detail, field).toBeDefined();
      expect(detail.message).not.toMatch(/^is required$/);
    }
    const b = await api.postJson('/api/v1/complaints', [validComplaint()]);
    expectError(b, 422);
    expect(b.body.message).not.toMatch(/is required/);
  });

  it('415: a JSON body in a charset other than UTF-8', async () => {
    expectError(await api.postRaw('/api/v1/complaints', JSON.stringify(validComplaint()), 'application/json; charset=latin1'), 415);
    await expectHealthy(app.baseUrl);
  });

  it('422: a single complaint with a NUL character in a text (not a 500)', async () => {
    const before = await counts(app.store);
    const a = await api.postJson('/api/v1/complaints', validComplaint({ description: 'nul \u0000 here' }));
    expectError(a, 422);
    expect(a.body.details.map((x: { field: string }) => x.field)).toContain('description');
    const b = await api.ndjson(ndjson([validComplaint(), validComplaint({ consumer: { country: 'IT', name: 'Ma\u0000ria' } })]));
    expectError(b, 422);
    expect(b.body.details).toContainEqual(expect.objectContaining({ line: 2, field: 'consumer.name' }));
    expect(await counts(app.store)).toEqual(before);
    // the other free texts of this API: a void reason, a trader's name
    const c = await fileCase(validComplaint({ events: [ev.sent(d(1))] }));
    expectError(await api.void(c.id, c.events[0].id, 'typo \u0000 here'), 422);
    expect((await api.complaint(c.id)).body.events[0].voided).toBeNull();
    expectError(await api.putJson(`/api/v1/traders/${uniqueRef('NUL')}`, { name: 'Nul\u0000 Ltd', country: 'IT' }), 422);
    await expectHealthy(app.baseUrl);
  });

  it('error bodies never carry a stack, whatever went wrong', async () => {
    const answers = [
      await api.postRaw('/api/v1/complaints', '{', 'application/json'),
      await api.ndjson('{\n[\n"x"\n'),
      await api.csv('a,b\n1,2\n'),
      await api.csv('external_ref,filed_at\n"unclosed,2024\n'),
      await api.get('/api/v1/complaints/abc'),
    ];
    for (const a of answers) {
      expect(a.status).toBeGreaterThanOrEqual(400);
      expect(a.status).toBeLessThan(500);
      expect(findStackTraces(a.body)).toEqual([]);
    }
    await expectHealthy(app.baseUrl);
  });
});

// ─────────────────────────────── bulk: lines and fields over HTTP ───────────────────────────────

describe('bulk errors over HTTP carry the physical line and the field', () => {
  it('NDJSON', async () => {
    const a = await api.ndjson(ndjson([validComplaint(), '', 'not json', validComplaint({ consumer: { country: 'XX' } }), [1]]));
    expectError(a, 422);
    expect(a.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 3, field: '(line)' }),
        expect.objectContaining({ line: 4, field: 'consumer.country' }),
        expect.objectContaining({ line: 5, field: '(line)' }),
      ]),
    );
    expect(a.body.details).toHaveLength(3);
  });

  it('an upload without a complaint → 422 saying it is empty; recorded as a rejected batch', async () => {
    for (const body of ['', '\n\n']) {
      const a = await api.ndjson(body);
      expectError(a, 422);
      expect(a.body.message).toMatch(/holds no complaint/);
      expect(a.body.details).toEqual([expect.objectContaining({ field: '(body)' })]);
    }
    const header = await api.csv(csv(MIN_CSV_HEADER, []));
    expectError(header, 422);
    expect(header.body.message).toMatch(/holds no complaint.*header row and one row per complaint/);
    const batches = await app.store.db
      .selectFrom('ingest_batches')
      .select(['status', 'received'])
      .where('error', 'like', '%holds no complaint%')
      .execute();
    expect(batches).toEqual(Array.from({ length: 3 }, () => ({ status: 'rejected', received: 0 })));
  });

  it('CSV: header problems on line 1, row problems on their line, by column', async () => {
    const h = await api.csv(csv([...MIN_CSV_HEADER, 'colour'], [minCsvRow()]));
    expectError(h, 422);
    expect(h.body.details).toContainEqual(expect.objectContaining({ line: 1, field: 'colour' }));
    const H = [...MIN_CSV_HEADER, 'description', 'ordered_online', 'trader_replied_at', 'trader_decision'];
    const r = await api.csv(
      csv(H, [minCsvRow({ description: 'two\nlines' }), minCsvRow({ ordered_online: 'nah' }), minCsvRow({ trader_replied_at: d(1) })]),
    );
    expectError(r, 422);
    expect(r.body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ line: 4, field: 'ordered_online' }),
        expect.objectContaining({ line: 5, field: 'trader_decision' }),
      ]),
    );
  });
});

// ─────────────────────────────── idempotency ───────────────────────────────

describe('idempotency over HTTP', () => {
  it('the same complaint again → 200, the same record, nothing written', async () => {
    const c = validComplaint();
    const first = await fileCase(c);
    const before = await counts(app.store);
    const again = await api.postJson('/api/v1/complaints', c);
    expect(again.status, again.text).toBe(200);
    expect(again.body.id).toBe(first.id);
    expect(again.body.updatedAt).toBe(first.updatedAt);
    expect(again.body.events).toEqual(first.events);
    expect(await counts(app.store)).toEqual(before);
  });

  it('a source given with surrounding spaces is stored trimmed and answered 201 with the record', async () => {
    const c = validComplaint({ source: ' feed-trim ' });
    const a = await api.postJson('/api/v1/complaints', c);
    expect(a.status, a.text).toBe(201);
    expect(a.body).toMatchObject({ source: 'feed-trim', externalRef: c.externalRef });
    const again = await api.postJson('/api/v1/complaints', { ...c, source: 'feed-trim' });
    expect(again.status, again.text).toBe(200);
    expect(again.body.id).toBe(a.body.id);
  });

  it('normalised values count as identical (EL/GR, 59.9/59.90, eur/EUR, zone offsets)', async () => {
    const c = validComplaint({ consumer: { country: 'GR' }, price: { amount: '59.90', currency: 'EUR' } });
    const first = await fileCase(c);
    const before = await counts(app.store);
    const variant = { ...c, consumer: { country: 'el' }, price: { amount: '59.9', currency: 'eur' }, filedAt: '2024-03-05T11:22:00+01:00' };
    const again = await api.postJson('/api/v1/complaints', variant);
    expect(again.status, again.text).toBe(200);
    expect(again.body.id).toBe(first.id);
    expect(await counts(app.store)).toEqual(before);
  });

  it('re-sent with extended events → 200, only the new events appended', async () => {
    const c = validComplaint({ events: [ev.sent(d(0.1))] });
    const first = await fileCase(c);
    const before = await counts(app.store);
    const a = await api.postJson('/api/v1/complaints', {
      ...c,
      events: [...c.events!, ev.replied(d(2), 'declines'), ev.noAgreement(d(30))],
    });
    expect(a.status, a.text).toBe(200);
    expect(a.body.id).toBe(first.id);
    expect(a.body.events.map((e: { type: string }) => e.type)).toEqual(['sent_to_trader', 'trader_replied', 'closed_no_agreement']);
    expect(a.body.events[0].id).toBe(first.events[0].id);
    expect(a.body).toMatchObject({ stage: 'closed', closure: 'closed_no_agreement', status: 'closed' });
    const after = await counts(app.store);
    expect(after).toEqual({ ...before, events: before.events + 2 });
  });

  it('re-sent with a changed field → 409 naming the field; nothing written', async () => {
    const c = validComplaint();
    await fileCase(c);
    const before = await counts(app.store);
    const a = await api.postJson('/api/v1/complaints', { ...c, sector: 'airlines' });
    expectError(a, 409);
    expect(a.body.details.map((x: { field: string }) => x.field)).toContain('sector');
    expect(a.body.message).toMatch(/sector/);
    expect(await counts(app.store)).toEqual(before);
    const b = await api.postJson('/api/v1/complaints', { ...c, events: [ev.withdrawn(d(1))] });
    expectError(b, 409);
    expect(await counts(app.store)).toEqual(before);
  });

  it('bulk: changed field → 422 on that line naming the field', async () => {
    const c = validComplaint();
    await fileCase(c);
    const a = await api.ndjson(ndjson([validComplaint(), validComplaint(), { ...c, trader: { ...c.trader, country: 'AT' } }]));
    expectError(a, 422);
    expect(a.body.details).toContainEqual(expect.objectContaining({ line: 3, field: 'trader.country' }));
  });

  it('the same new complaint posted 8 times at once → one 201, seven 200, one record', async () => {
    const c = validComplaint({ trader: { name: `Race ${uniqueRef()}`, country: 'SE' } });
    const before = await counts(app.store);
    const answers = await Promise.all(Array.from({ length: 8 }, () => api.postJson('/api/v1/complaints', c)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    const after = await counts(app.store);
    expect(after.complaints - before.complaints).toBe(1);
    expect(after.events - before.events).toBe(1);
    expect(after.traders - before.traders).toBe(1);
    await expectHealthy(app.baseUrl);
  });

  it('the same event posted 5 times at once → one 201, the others 409', async () => {
    const c = await fileCase(validComplaint({ events: [] }));
    const answers = await Promise.all(Array.from({ length: 5 }, () => api.event(c.id, ev.sent(d(1)))));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const detail = await api.complaint(c.id);
    expect(detail.body.events).toHaveLength(1);
    expect(detail.body.stage).toBe('with_trader');
  });

  it('a whole bulk batch re-sent → inserted 0, duplicates N; both batches readable', async () => {
    const body = ndjson(Array.from({ length: 25 }, () => validComplaint()));
    const first = await api.ndjson(body);
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({ received: 25, inserted: 25, updated: 0, duplicates: 0 });
    const before = await counts(app.store);
    const again = await api.ndjson(body);
    expect(again.status, again.text).toBe(200);
    expect(again.body).toMatchObject({ received: 25, inserted: 0, updated: 0, duplicates: 25 });
    expect(await counts(app.store)).toEqual(before);
    const b1 = await api.get(`/api/v1/batches/${first.body.batchId}`);
    expect(b1.status).toBe(200);
    expect(b1.body).toMatchObject({
      batchId: first.body.batchId,
      status: 'completed',
      format: 'ndjson',
      received: 25,
      inserted: 25,
      updated: 0,
      duplicates: 0,
      rejected: 0,
      error: null,
    });
    expect(Date.parse(b1.body.startedAt)).toBeLessThanOrEqual(Date.parse(b1.body.finishedAt));
    expect(typeof b1.body.caller).toBe('string');
    const b2 = await api.get(`/api/v1/batches/${again.body.batchId}`);
    expect(b2.body).toMatchObject({ status: 'completed', received: 25, inserted: 0, duplicates: 25 });
  });

  it('within one batch: an identical repeated line is a duplicate; a repeated reference with other content names both lines', async () => {
    const c = validComplaint();
    const ok = await api.ndjson(ndjson([c, validComplaint(), c]));
    expect(ok.body).toMatchObject({ received: 3, inserted: 2, duplicates: 1 });
    const x = validComplaint();
    const bad = await api.ndjson(ndjson([x, validComplaint(), { ...x, problem: 'quality', problemDetail: 'defective' }]));
    expectError(bad, 422);
    const detail = bad.body.details.find((e: { line: number }) => e.line === 3);
    expect(detail).toBeDefined();
    expect(detail.message).toMatch(/line 1\b/);
  });

  it('a CSV batch re-sent → duplicates N, and the source query parameter scopes references', async () => {
    const rows = [minCsvRow(), minCsvRow()];
    const body = csv(MIN_CSV_HEADER, rows);
    expect((await api.csv(body, '?source=feed-a')).body).toMatchObject({ inserted: 2 });
    expect((await api.csv(body, '?source=feed-a')).body).toMatchObject({ inserted: 0, duplicates: 2 });
    expect((await api.csv(body, '?source=feed-b')).body).toMatchObject({ inserted: 2, duplicates: 0 });
  });
});

// ─────────────────────────────── all or nothing ───────────────────────────────

describe('all or nothing over HTTP', () => {
  const many = (n: number) =>
    Array.from({ length: n }, () => validComplaint({ trader: { name: `AON Trader ${uniqueRef()}`, country: 'BE' } }));

  async function rejectedBatches(): Promise<number> {
    const r = await app.store.db
      .selectFrom('ingest_batches')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'rejected')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  it('1,000 lines, the last one bad → 422 on line 1000; store exactly as before; batch recorded as rejected', async () => {
    const before = await counts(app.store);
    const rejected = await rejectedBatches();
    const a = await api.ndjson(
      ndjson([...many(999), validComplaint({ filedAt: '2024-02-30T10:00:00Z', purchasedAt: undefined, events: [] })]),
    );
    expectError(a, 422);
    expect(a.body.details).toEqual([expect.objectContaining({ line: 1000, field: 'filedAt' })]);
    expect(await counts(app.store)).toEqual(before);
    expect(await rejectedBatches()).toBe(rejected + 1);
    const last = await app.store.db
      .selectFrom('ingest_batches')
      .selectAll()
      .where('status', '=', 'rejected')
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(last).toMatchObject({ received: 1000, inserted: 0, format: 'ndjson' });
    await expectHealthy(app.baseUrl);
  });

  it('1,000 lines, the last one conflicting with a stored complaint → 422; store exactly as before', async () => {
    const stored = validComplaint();
    await fileCase(stored);
    const before = await counts(app.store);
    const rejected = await rejectedBatches();
    const a = await api.ndjson(ndjson([...many(999), { ...stored, description: 'a different story' }]));
    expectError(a, 422);
    expect(a.body.details).toEqual([expect.objectContaining({ line: 1000, field: 'description' })]);
    expect(await counts(app.store)).toEqual(before);
    expect(await rejectedBatches()).toBe(rejected + 1);
  });

  it('1,000 CSV rows, the last one bad → 422 on line 1001; store exactly as before', async () => {
    const before = await counts(app.store);
    const rows = [
      ...Array.from({ length: 999 }, () => minCsvRow({ trader_id: undefined, trader_name: `CSV AON ${uniqueRef()}` })),
      minCsvRow({ problem: 'nope' }),
    ];
    const a = await api.csv(csv([...MIN_CSV_HEADER, 'trader_name'], rows));
    expectError(a, 422);
    expect(a.body.details).toEqual([expect.objectContaining({ line: 1001, field: 'problem' })]);
    expect(await counts(app.store)).toEqual(before);
  });

  it('a good batch: counts in the answer match the batch record and the store', async () => {
    const before = await counts(app.store);
    const existing = validComplaint({ events: [ev.sent(d(0.1))] });
    await fileCase(existing);
    const dup = validComplaint();
    await fileCase(dup);
    const lines = [...many(10), { ...existing, events: [...existing.events!, ev.withdrawn(d(3))] }, dup];
    const a = await api.ndjson(ndjson(lines));
    expect(a.status, a.text).toBe(200);
    expect(a.body).toMatchObject({ received: 12, inserted: 10, updated: 1, duplicates: 1 });
    const b = await api.get(`/api/v1/batches/${a.body.batchId}`);
    expect(b.body).toMatchObject({ status: 'completed', received: 12, inserted: 10, updated: 1, duplicates: 1, rejected: 0 });
    const after = await counts(app.store);
    expect(after.complaints - before.complaints).toBe(12);
    expect(after.events - before.events).toBe(10 + 1 + 1 + 1);
  });
});

// ─────────────────────────────── aliases, traders ───────────────────────────────

describe('aliases and traders over HTTP', () => {
  it('EL → GR, UK → GB (any case), stored and read back as ISO', async () => {
    const a = await fileCase(validComplaint({ consumer: { country: 'el' }, trader: { id: 'T-UK-1', name: 'Brit Ltd', country: 'UK' } }));
    expect(a).toMatchObject({ consumerCountry: 'GR', traderCountry: 'GB', consumer: { country: 'GR' }, trader: { country: 'GB' } });
    const detail = await api.complaint(a.id);
    expect(detail.body).toMatchObject({ consumerCountry: 'GR', traderCountry: 'GB' });
    const b = await api.ndjson(ndjson([validComplaint({ consumer: { country: 'EL' }, trader: { id: 'T-UK-1', country: 'uk' } })]));
    expect(b.status, b.text).toBe(200);
  });

  it('a trader without id: "Shop GmbH" and "shop gmbh " are one trader; traders are created from complaints', async () => {
    const name = `Shop ${uniqueRef('H')} GmbH`;
    const a = await fileCase(validComplaint({ trader: { name, country: 'DE' } }));
    const b = await fileCase(validComplaint({ trader: { name: `${name.toLowerCase()} `, country: 'DE' } }));
    expect(b.traderId).toBe(a.traderId);
    const c = await fileCase(validComplaint({ trader: { name, country: 'AT' } }));
    expect(c.traderId).not.toBe(a.traderId);
    const list = await api.get(`/api/v1/traders?q=${encodeURIComponent(name.toLowerCase())}&country=DE`);
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([expect.objectContaining({ id: a.traderId, name, country: 'DE' })]);
    const newId = uniqueRef('NEWT');
    await fileCase(validComplaint({ trader: { id: newId, name: 'Fresh Oy', country: 'FI', website: 'https://fresh.example' } }));
    const t = await api.get(`/api/v1/traders?q=${newId}`);
    expect(t.body.items).toEqual([
      expect.objectContaining({ id: newId, name: 'Fresh Oy', country: 'FI', website: 'https://fresh.example' }),
    ]);
  });

  it('a trader without id matches a trader registered with PUT (case, accents, punctuation folded)', async () => {
    const id = uniqueRef('PUT');
    const put = await api.putJson(`/api/v1/traders/${id}`, { name: 'Café Überlin GmbH & Co.', country: 'DK' });
    expect(put.status, put.text).toBe(201);
    const tradersBefore = (await counts(app.store)).traders;
    const c = await fileCase(validComplaint({ trader: { name: 'CAFE UBERLIN gmbh - co', country: 'DK' } }));
    expect(c.traderId).toBe(id);
    expect((await counts(app.store)).traders).toBe(tradersBefore);
  });
});

// ─────────────────────────────── literal text ───────────────────────────────

describe('SQL-looking text is stored literally', () => {
  const nasty = {
    description: "'); DROP TABLE complaints; --",
    consumerName: 'Robert"); DELETE FROM traders; --',
    traderName: "Bobby'; UPDATE complaints SET status='closed' WHERE '1'='1",
    address: 'Line 1\nLine 2, "quoted", \\N, \\., $$ E\'\\x00\'',
  };

  it('single POST: read back identical through GET /complaints/:id', async () => {
    const before = await counts(app.store);
    const ref = `'); DROP TABLE complaints; -- ${uniqueRef()}`;
    const c = await fileCase(
      validComplaint({
        externalRef: ref,
        description: nasty.description,
        consumer: { country: 'IT', name: nasty.consumerName, address: nasty.address },
        trader: { id: uniqueRef('INJ'), name: nasty.traderName, country: 'IT' },
      }),
    );
    const detail = await api.complaint(c.id);
    expect(detail.body).toMatchObject({
      externalRef: ref,
      description: nasty.description,
      consumer: { name: nasty.consumerName, address: nasty.address },
      trader: { name: nasty.traderName },
    });
    const after = await counts(app.store);
    expect(after.complaints).toBe(before.complaints + 1);
    expect(after.traders).toBe(before.traders + 1);
  });

  it('bulk NDJSON and CSV: read back identical', async () => {
    const nd = validComplaint({
      description: nasty.description,
      consumer: { country: 'IT', name: nasty.consumerName, address: nasty.address },
      trader: { name: nasty.traderName, country: 'IT' },
    });
    const cs = validComplaint({
      description: nasty.description,
      consumer: { country: 'IT', name: nasty.consumerName, address: nasty.address },
      trader: { name: nasty.traderName, country: 'IT' },
      events: [],
    });
    expect((await api.ndjson(ndjson([nd]), '?source=inj')).status).toBe(200);
    const r = await api.csv(csvOf([cs]), '?source=inj');
    expect(r.status, r.text).toBe(200);
    for (const x of [nd, cs]) {
      const detail = await api.complaint(await idOf(x.externalRef, 'inj'));
      expect(detail.body).toMatchObject({
        description: nasty.description,
        consumer: { name: nasty.consumerName, address: nasty.address },
        trader: { name: nasty.traderName },
      });
    }
    const traders = await app.store.db.selectFrom('traders').select('name').where('name', '=', nasty.traderName).execute();
    expect(traders).toHaveLength(1);
  });
});

// ─────────────────────────────── CSV ≡ NDJSON ───────────────────────────────

describe('the same cases as CSV milestones and as NDJSON events', () => {
  it('give identical stored cases (GET detail minus ids and recording times)', async () => {
    const cases: TestComplaint[] = [
      validComplaint({ events: [] }),
      minimalComplaint(),
      validComplaint({ events: [ev.sent(d(0.1))] }),
      validComplaint({ events: [ev.sent(d(0.1)), ev.replied(d(2), 'declines'), ev.noAgreement(d(30))] }),
      validComplaint({ events: [ev.sent(d(0.1)), ev.replied(d(2), 'direct_talks'), ev.settled(d(20))] }),
      validComplaint({ events: [ev.sent(d(0.1)), ev.replied(d(2)), ev.agreed(d(4), ADR)] }),
      validComplaint({ events: [ev.sent(d(0.1)), ev.replied(d(2)), ev.agreed(d(4), ADR), ev.refused(d(6), 'a')] }),
      validComplaint({
        events: [
          ev.sent(d(0.1)),
          ev.replied(d(2)),
          ev.agreed(d(4), ADR),
          ev.accepted(d(6)),
          ev.outcome(d(60), 'in_favour_of_consumer'),
          ev.compliance(d(80), true),
        ],
      }),
      validComplaint({
        events: [
          ev.sent(d(0.1)),
          ev.replied(d(2)),
          ev.agreed(d(4), ADR),
          ev.accepted(d(6)),
          ev.discontinued(d(30), 'consumer_withdrew', 'the consumer, "tired", gave up'),
        ],
      }),
      validComplaint({
        events: [ev.withdrawn(d(1))],
        consumer: { country: 'EL', language: 'el' },
        trader: { name: 'Ελληνικό Κατάστημα', country: 'EL' },
        description: 'multi\nline, "quoted"',
      }),
      validComplaint({ complainant: 'trader', orderedOnline: false, contactedTrader: false, price: { amount: '0.5', currency: 'sek' } }),
    ];
    const n = await api.ndjson(ndjson(cases), '?source=eq-ndjson');
    expect(n.status, n.text).toBe(200);
    const c = await api.csv(csvOf(cases), '?source=eq-csv');
    expect(c.status, c.text).toBe(200);
    expect(c.body).toMatchObject({ received: cases.length, inserted: cases.length });

    const comparable = (body: any) => {
      const { id: _id, source: _s, createdAt: _c, updatedAt: _u, daysOpen: _d, ...rest } = body;
      return { ...rest, events: rest.events.map(({ id: _i, recordedAt: _r, ...e }: Record<string, unknown>) => e) };
    };
    for (const x of cases) {
      const fromNd = await api.complaint(await idOf(x.externalRef, 'eq-ndjson'));
      const fromCsv = await api.complaint(await idOf(x.externalRef, 'eq-csv'));
      expect(comparable(fromCsv.body), x.externalRef).toEqual(comparable(fromNd.body));
      expect(fromNd.body.events).toHaveLength(x.events?.length ?? 0);
    }
  });
});
