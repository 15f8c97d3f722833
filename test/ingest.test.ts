/**
 * Ingestion at service level (readers → IngestService → store), on PGlite or on the real server:
 * every bad-input class with its physical line and field (NDJSON and CSV), idempotency and
 * normalised comparison, all-or-nothing on 1,000-line batches, aliases and trader matching.
 */
import 'reflect-metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type ErrorDetail } from '../api/src/common/errors.js';
import { IngestService, type IngestSummary } from '../api/src/ingest/ingest.service.js';
import { readCsv, readNdjson } from '../api/src/ingest/readers.js';
import type { Store } from '../core/postgres/store.js';
import { createTestStore, type TestStore } from './support/store.js';
import { counts } from './support/http.js';
import {
  FILED_AT,
  MIN_CSV_HEADER,
  addDays,
  csv,
  csvOf,
  ev,
  minCsvRow,
  minimalComplaint,
  ndjson,
  uniqueRef,
  validComplaint,
  type TestComplaint,
} from './support/complaints.js';

let ts: TestStore;
let store: Store;
let svc: IngestService;
const ADR = 'ADR-SVC-1';

beforeAll(async () => {
  ts = await createTestStore();
  store = ts.store;
  svc = new IngestService(store, { traderReplyDays: 10 });
  await store.db.insertInto('adr_bodies').values({ id: ADR, name: 'Conciliatore', country: 'IT' }).execute();
});
afterAll(async () => {
  await ts?.close();
});

/** The body as a stream of `size`-byte chunks (small sizes split lines and UTF-8 characters). */
async function* chunks(text: string, size = 64 * 1024): AsyncGenerator<Buffer> {
  const buf = Buffer.from(text, 'utf8');
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

const SOURCE = 'svc-test';
const ingestNd = (text: string, o: { size?: number; source?: string } = {}): Promise<IngestSummary> =>
  svc.ingest({ items: readNdjson(chunks(text, o.size)), format: 'ndjson', defaultSource: o.source ?? SOURCE, caller: 'test' });
const ingestCsv = (text: string, o: { size?: number; source?: string } = {}): Promise<IngestSummary> =>
  svc.ingest({ items: readCsv(chunks(text, o.size)), format: 'csv', defaultSource: o.source ?? SOURCE, caller: 'test' });

async function rejection(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw new Error(`expected an ApiError, got ${(err as Error)?.stack ?? String(err)}`, { cause: err });
  }
  throw new Error('expected the ingest to be rejected, it succeeded');
}

function detailsAt(err: ApiError, line: number): ErrorDetail[] {
  return (err.details ?? []).filter((d) => d.line === line);
}

/** A detail on `line` whose field is `field` (string: exact) and whose message matches. */
function expectDetail(err: ApiError, line: number, field: string | RegExp, message?: RegExp): void {
  const at = detailsAt(err, line);
  const all = JSON.stringify(err.details);
  const match = at.filter((d) => (typeof field === 'string' ? d.field === field : field.test(d.field)));
  expect(match, `no detail on line ${line} with field ${field}; details: ${all}`).not.toHaveLength(0);
  if (message) expect(match.map((d) => d.message).join(' | '), all).toMatch(message);
  for (const d of err.details ?? []) expect(d.message).not.toMatch(/\n\s+at |Error:|node_modules|\.ts:\d+/);
}

async function storedByRef(ref: string, source = SOURCE) {
  return store.db.selectFrom('complaints').selectAll().where('source', '=', source).where('external_ref', '=', ref).executeTakeFirst();
}
async function eventsOf(complaintId: string) {
  return store.db.selectFrom('complaint_events').selectAll().where('complaint_id', '=', complaintId).orderBy('seq').execute();
}
async function batchCount(status: 'completed' | 'rejected'): Promise<number> {
  const r = await store.db
    .selectFrom('ingest_batches')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', status)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

// ─────────────────────────────── NDJSON: bad input ───────────────────────────────

describe('NDJSON: every bad-input class, on its physical line', () => {
  const bad: Array<{ name: string; line: unknown; field: string | RegExp; message: RegExp; not?: RegExp }> = [
    { name: 'bad JSON', line: '{"externalRef": "x", "filedAt": ', field: /\(line\)|^$/, message: /JSON/ },
    { name: 'JSON array line', line: '[1, 2]', field: /\(line\)/, message: /object/ },
    { name: 'JSON number line', line: '42', field: /\(line\)/, message: /object/ },
    { name: 'JSON null line', line: 'null', field: /\(line\)/, message: /object/ },
    { name: 'JSON string line', line: '"a complaint"', field: /\(line\)/, message: /object/ },
    { name: 'unknown field', line: { ...validComplaint(), priority: 'high' }, field: /.*/, message: /priority/ },
    {
      name: 'unknown nested field',
      line: validComplaint({ consumer: { country: 'IT', phone: '123' } as never }),
      field: /consumer/,
      message: /phone/,
    },
    {
      name: 'unknown country',
      line: validComplaint({ consumer: { country: 'US' } }),
      field: 'consumer.country',
      message: /unknown country "US"/,
    },
    {
      name: 'unknown trader country',
      line: validComplaint({ trader: { id: 'T-1', country: 'XX' } }),
      field: 'trader.country',
      message: /unknown country "XX"/,
    },
    { name: 'unknown sector', line: validComplaint({ sector: 'spaceships' }), field: 'sector', message: /spaceships/ },
    {
      name: 'unknown problem',
      line: validComplaint({ problem: 'weather', problemDetail: undefined }),
      field: 'problem',
      message: /weather/,
    },
    {
      name: 'unknown currency',
      line: validComplaint({ price: { amount: '1.00', currency: 'EURO' } }),
      field: 'price.currency',
      message: /EURO/,
    },
    { name: 'unknown language', line: validComplaint({ language: 'xx' }), field: 'language', message: /"xx"/ },
    {
      name: 'problemDetail of another problem',
      line: validComplaint({ problem: 'delivery', problemDetail: 'defective' }),
      field: 'problemDetail',
      message: /defective/,
    },
    {
      name: 'negative price',
      line: validComplaint({ price: { amount: '-10.00', currency: 'EUR' } }),
      field: 'price.amount',
      message: /negative/,
    },
    {
      name: 'bad decimal',
      line: validComplaint({ price: { amount: '12,50', currency: 'EUR' } }),
      field: 'price.amount',
      message: /decimal/,
    },
    {
      name: 'float amount',
      line: validComplaint({ price: { amount: 12.5 as never, currency: 'EUR' } }),
      field: 'price.amount',
      message: /./,
      not: /^is required$/,
    },
    { name: 'bad filedAt', line: validComplaint({ filedAt: 'last Tuesday', events: [] }), field: 'filedAt', message: /date-time/ },
    {
      name: 'filedAt without zone',
      line: validComplaint({ filedAt: '2024-03-05T10:22:00', events: [] }),
      field: 'filedAt',
      message: /zone/,
    },
    {
      name: 'impossible filedAt',
      line: validComplaint({ filedAt: '2024-02-30T10:00:00Z', purchasedAt: undefined, events: [] }),
      field: 'filedAt',
      message: /2024-02-30/,
    },
    { name: 'impossible purchasedAt', line: validComplaint({ purchasedAt: '2023-02-29' }), field: 'purchasedAt', message: /not a date/ },
    { name: 'future filedAt', line: validComplaint({ filedAt: future(3), events: [] }), field: 'filedAt', message: /future/ },
    { name: 'future event', line: validComplaint({ events: [ev.sent(future(2))] }), field: 'events[0].at', message: /future/ },
    {
      name: 'purchase after filing',
      line: validComplaint({ purchasedAt: '2024-03-06' }),
      field: 'purchasedAt',
      message: /after the filing/,
    },
    {
      name: 'event before filing',
      line: validComplaint({ events: [ev.sent(addDays(FILED_AT, -1))] }),
      field: 'events[0]',
      message: /before the complaint was filed/,
    },
    {
      name: 'events out of order',
      line: validComplaint({ events: [ev.sent(addDays(FILED_AT, 2)), ev.replied(addDays(FILED_AT, 1))] }),
      field: 'events[1]',
      message: /before the case's latest event|order/,
    },
    {
      name: 'event after closing',
      line: validComplaint({ events: [ev.withdrawn(addDays(FILED_AT, 1)), ev.sent(addDays(FILED_AT, 2))] }),
      field: 'events[1]',
      message: /closed/,
    },
    {
      name: 'event the stage does not allow',
      line: validComplaint({ events: [ev.sent(addDays(FILED_AT, 1)), ev.accepted(addDays(FILED_AT, 2))] }),
      field: 'events[1]',
      message: /with_trader/,
    },
    {
      name: 'declines then adr_body_agreed',
      line: validComplaint({
        events: [ev.sent(addDays(FILED_AT, 1)), ev.replied(addDays(FILED_AT, 2), 'declines'), ev.agreed(addDays(FILED_AT, 3), ADR)],
      }),
      field: 'events[2]',
      message: /trader_replied/,
    },
    {
      name: 'unknown event type',
      line: validComplaint({ events: [{ type: 'escalated', at: addDays(FILED_AT, 1) }] }),
      field: 'events[0].type',
      message: /unknown event type "escalated"/,
    },
    {
      name: 'event without its payload',
      line: validComplaint({ events: [ev.sent(addDays(FILED_AT, 1)), { type: 'trader_replied', at: addDays(FILED_AT, 2) }] }),
      field: 'events[1].decision',
      message: /required/,
    },
    { name: 'trader without id or name', line: validComplaint({ trader: { country: 'DE' } }), field: /^trader/, message: /id or a name/ },
    {
      name: 'boolean as string',
      line: validComplaint({ orderedOnline: 'yes' as never }),
      field: 'orderedOnline',
      message: /./,
      not: /^is required$/,
    },
  ];

  // One file: a valid line first, then each bad line after a blank line and a valid line, so the
  // physical line numbers are not the item numbers.
  const lines: unknown[] = [];
  const lineOf = new Map<string, number>();
  for (const b of bad) {
    lines.push(validComplaint(), '');
    lines.push(b.line);
    lineOf.set(b.name, lines.length);
  }
  lines.push(validComplaint());

  let err: ApiError;
  let before: Awaited<ReturnType<typeof counts>>;
  beforeAll(async () => {
    before = await counts(store);
    err = await rejection(ingestNd(ndjson(lines), { size: 97 }));
  });

  it('answers 422 and stores nothing', async () => {
    expect(err.statusCode).toBe(422);
    expect(await counts(store)).toEqual(before);
  });

  it('reports only the bad lines', () => {
    const badLines = new Set(lineOf.values());
    for (const d of err.details ?? []) expect(badLines.has(d.line!), JSON.stringify(d)).toBe(true);
    expect(new Set((err.details ?? []).map((d) => d.line)).size).toBe(bad.length);
  });

  it.each(bad)('$name', (b) => {
    expectDetail(err, lineOf.get(b.name)!, b.field, b.message);
    // a value that is there but of the wrong type is not "missing"
    if (b.not) for (const d of detailsAt(err, lineOf.get(b.name)!)) expect(d.message).not.toMatch(b.not);
  });

  it('missing required fields: each named, worded as required', async () => {
    const e = await rejection(ingestNd(ndjson([validComplaint(), {}])));
    for (const field of ['externalRef', 'filedAt', 'consumer', 'trader', 'sector', 'problem']) expectDetail(e, 2, field, /required/i);
    const e2 = await rejection(ingestNd(ndjson([{ ...minimalComplaint(), consumer: {}, trader: { id: 'T-1' } }])));
    expectDetail(e2, 1, 'consumer.country', /required/i);
    expectDetail(e2, 1, 'trader.country', /required/i);
  });

  it('a NUL character in a text is a line error, not a server error', async () => {
    const before = await counts(store);
    const e = await rejection(ingestNd(ndjson([validComplaint(), validComplaint({ description: 'broken \u0000 text' })])));
    expect(e.statusCode).toBe(422);
    expectDetail(e, 2, 'description');
    expect(await counts(store)).toEqual(before);
  });

  it('CRLF line ends and blank lines count as physical lines', async () => {
    const e = await rejection(
      ingestNd(['', JSON.stringify(validComplaint()), '', JSON.stringify(validComplaint({ sector: 'nope' }))].join('\r\n')),
    );
    expectDetail(e, 4, 'sector');
  });
});

// ─────────────────────────────── CSV: bad input ───────────────────────────────

describe('CSV: every bad-input class, on its physical line (header = line 1), named by column', () => {
  const H = [
    ...MIN_CSV_HEADER,
    'trader_name',
    'ordered_online',
    'price_amount',
    'price_currency',
    'purchased_at',
    'description',
    'sent_to_trader_at',
    'trader_replied_at',
    'trader_decision',
    'adr_body_id',
    'adr_agreed_at',
    'adr_decided_at',
    'adr_decision',
    'refusal_ground',
    'closed_at',
    'closure',
    'adr_result',
    'compliance_reported_at',
    'complied',
  ];
  const d = (n: number) => addDays(FILED_AT, n);
  const bad: Array<{ name: string; row: Record<string, string | undefined>; field: string; message: RegExp }> = [
    { name: 'unknown country', row: minCsvRow({ consumer_country: 'US' }), field: 'consumer_country', message: /"US"/ },
    { name: 'alias is fine but not a made-up code', row: minCsvRow({ trader_country: 'ZZ' }), field: 'trader_country', message: /"ZZ"/ },
    { name: 'unknown sector', row: minCsvRow({ sector: 'spaceships' }), field: 'sector', message: /spaceships/ },
    { name: 'missing required cell', row: minCsvRow({ external_ref: '' }), field: 'external_ref', message: /required/ },
    { name: 'bad boolean', row: minCsvRow({ ordered_online: 'perhaps' }), field: 'ordered_online', message: /perhaps/ },
    { name: 'negative price', row: minCsvRow({ price_amount: '-3', price_currency: 'EUR' }), field: 'price_amount', message: /negative/ },
    { name: 'bad decimal', row: minCsvRow({ price_amount: '3,50', price_currency: 'EUR' }), field: 'price_amount', message: /decimal/ },
    {
      name: 'unknown currency',
      row: minCsvRow({ price_amount: '3.50', price_currency: 'XYZ1' }),
      field: 'price_currency',
      message: /XYZ1/,
    },
    { name: 'price half given', row: minCsvRow({ price_amount: '3.50' }), field: 'price_currency', message: /required/ },
    { name: 'bad filed_at', row: minCsvRow({ filed_at: '05/03/2024' }), field: 'filed_at', message: /date-time/ },
    { name: 'impossible purchased_at', row: minCsvRow({ purchased_at: '2024-02-30' }), field: 'purchased_at', message: /not a date/ },
    { name: 'purchase after filing', row: minCsvRow({ purchased_at: '2024-04-01' }), field: 'purchased_at', message: /after/ },
    {
      name: 'impossible milestone date',
      row: minCsvRow({ sent_to_trader_at: '2024-02-30T10:00:00Z' }),
      field: 'sent_to_trader_at',
      message: /date-time/,
    },
    { name: 'future milestone', row: minCsvRow({ sent_to_trader_at: future(5) }), field: 'sent_to_trader_at', message: /future/ },
    {
      name: 'trader_replied_at without trader_decision',
      row: minCsvRow({ sent_to_trader_at: d(1), trader_replied_at: d(2) }),
      field: 'trader_decision',
      message: /required/,
    },
    {
      name: 'trader_decision without trader_replied_at',
      row: minCsvRow({ sent_to_trader_at: d(1), trader_decision: 'declines' }),
      field: 'trader_replied_at',
      message: /required/,
    },
    {
      name: 'unknown trader_decision',
      row: minCsvRow({ sent_to_trader_at: d(1), trader_replied_at: d(2), trader_decision: 'ignores' }),
      field: 'trader_decision',
      message: /ignores/,
    },
    {
      name: 'adr_decision=refused without refusal_ground',
      row: minCsvRow({
        sent_to_trader_at: d(1),
        trader_replied_at: d(2),
        trader_decision: 'proposes_adr',
        adr_body_id: ADR,
        adr_agreed_at: d(3),
        adr_decided_at: d(4),
        adr_decision: 'refused',
      }),
      field: 'refusal_ground',
      message: /required/,
    },
    {
      name: 'unknown refusal_ground',
      row: minCsvRow({
        sent_to_trader_at: d(1),
        trader_replied_at: d(2),
        trader_decision: 'proposes_adr',
        adr_body_id: ADR,
        adr_agreed_at: d(3),
        adr_decided_at: d(4),
        adr_decision: 'refused',
        refusal_ground: 'q',
      }),
      field: 'refusal_ground',
      message: /"q"/,
    },
    {
      name: 'closure=adr_refused',
      row: minCsvRow({ sent_to_trader_at: d(1), closed_at: d(2), closure: 'adr_refused' }),
      field: 'closure',
      message: /adr_decision/,
    },
    { name: 'closed_at without closure', row: minCsvRow({ closed_at: d(2) }), field: 'closure', message: /required/ },
    {
      name: 'adr_result without adr_outcome',
      row: minCsvRow({ closed_at: d(2), closure: 'withdrawn', adr_result: 'amicable' }),
      field: 'adr_result',
      message: /adr_outcome/,
    },
    {
      name: 'milestones out of order',
      row: minCsvRow({ sent_to_trader_at: d(5), trader_replied_at: d(3), trader_decision: 'direct_talks' }),
      field: 'trader_replied_at',
      message: /latest event|order/,
    },
    { name: 'milestone before filing', row: minCsvRow({ sent_to_trader_at: d(-1) }), field: 'sent_to_trader_at', message: /filed/ },
    {
      name: 'closing after a refusal (event after closing)',
      row: minCsvRow({
        sent_to_trader_at: d(1),
        trader_replied_at: d(2),
        trader_decision: 'proposes_adr',
        adr_body_id: ADR,
        adr_agreed_at: d(3),
        adr_decided_at: d(4),
        adr_decision: 'refused',
        refusal_ground: 'a',
        closed_at: d(5),
        closure: 'withdrawn',
      }),
      field: 'closed_at',
      message: /closed/,
    },
    {
      name: 'agreement after declines',
      row: minCsvRow({
        sent_to_trader_at: d(1),
        trader_replied_at: d(2),
        trader_decision: 'declines',
        adr_body_id: ADR,
        adr_agreed_at: d(3),
      }),
      field: 'adr_agreed_at',
      message: /trader_replied/,
    },
    {
      name: 'compliance without an outcome',
      row: minCsvRow({
        sent_to_trader_at: d(1),
        closed_at: d(2),
        closure: 'settled_directly',
        compliance_reported_at: d(3),
        complied: 'yes',
      }),
      field: 'compliance_reported_at',
      message: /closed/,
    },
    { name: 'bad complied', row: minCsvRow({ compliance_reported_at: d(3), complied: 'sort of' }), field: 'complied', message: /sort of/ },
  ];

  let err: ApiError;
  const lineOf = new Map<string, number>();
  beforeAll(async () => {
    // Each bad row follows a good row whose description spans two physical lines, so a row's
    // physical line is not its record number.
    const rows: Array<Record<string, string | undefined>> = [];
    let line = 1;
    for (const b of bad) {
      rows.push(minCsvRow({ description: 'first line\nsecond line, with "quotes"' }));
      line += 2;
      rows.push(b.row);
      line += 1;
      lineOf.set(b.name, line);
    }
    err = await rejection(ingestCsv(csv(H, rows), { size: 101 }));
  });

  it('answers 422', () => {
    expect(err.statusCode).toBe(422);
  });

  it('reports only the bad rows', () => {
    const badLines = new Set(lineOf.values());
    for (const x of err.details ?? []) expect(badLines.has(x.line!), JSON.stringify(x)).toBe(true);
  });

  it.each(bad)('$name', (b) => {
    expectDetail(err, lineOf.get(b.name)!, b.field, b.message);
  });

  it('unknown column in the header → line 1, the column named', async () => {
    const e = await rejection(ingestCsv(csv([...MIN_CSV_HEADER, 'priority'], [minCsvRow({ priority: 'high' })])));
    expectDetail(e, 1, 'priority', /unknown column/);
  });

  it('column named in JSON style is unknown too', async () => {
    const e = await rejection(ingestCsv(csv([...MIN_CSV_HEADER, 'externalRef'], [minCsvRow()])));
    expectDetail(e, 1, 'externalRef', /unknown column/);
  });

  it.each(['external_ref', 'filed_at', 'consumer_country', 'trader_country', 'sector', 'problem'])(
    'missing required column %s → line 1',
    async (col) => {
      const header = MIN_CSV_HEADER.filter((h) => h !== col);
      const e = await rejection(ingestCsv(csv(header, [minCsvRow()])));
      expectDetail(e, 1, col, /missing/);
    },
  );

  it('neither trader_id nor trader_name column → line 1', async () => {
    const header = MIN_CSV_HEADER.filter((h) => h !== 'trader_id');
    const e = await rejection(ingestCsv(csv(header, [minCsvRow()])));
    expectDetail(e, 1, /trader_id|trader_name/, /trader/);
  });

  it('wrong field count on line N', async () => {
    const good = csv(MIN_CSV_HEADER, [minCsvRow(), minCsvRow()]);
    const text = `${good}${uniqueRef()},${FILED_AT},IT,T-1,DE,ict_goods\r\n${csv(MIN_CSV_HEADER, [minCsvRow()]).split('\r\n')[1]}\r\n`;
    const e = await rejection(ingestCsv(text));
    expectDetail(e, 4, /.*/, /7.*6|fields/);
    expect(detailsAt(e, 5)).toEqual([]);
  });

  it('too many fields on line N', async () => {
    const text = `${csv(MIN_CSV_HEADER, [minCsvRow()])}${uniqueRef()},${FILED_AT},IT,T-1,DE,ict_goods,quality,extra\r\n`;
    const e = await rejection(ingestCsv(text));
    expectDetail(e, 3, /.*/, /fields/);
  });

  it('a quote never closed → the line where the field opens', async () => {
    const r = minCsvRow();
    const text = `${csv(MIN_CSV_HEADER, [minCsvRow(), minCsvRow()])}${r.external_ref},"${FILED_AT},IT,T-1,DE,ict_goods,quality\r\n${csv(MIN_CSV_HEADER, [minCsvRow()]).split('\r\n')[1]}\r\n`;
    const e = await rejection(ingestCsv(text));
    expect(e.statusCode).toBe(422);
    expectDetail(e, 4, /.*/, /quote|"/);
  });

  it('a quote closed in the middle of a field → its line', async () => {
    const text = `${csv(MIN_CSV_HEADER, [minCsvRow()])}${uniqueRef()},"2024"-03-05T10:22:00Z,IT,T-1,DE,ict_goods,quality\r\n`;
    const e = await rejection(ingestCsv(text));
    expectDetail(e, 3, /.*/, /quote/);
  });

  it('blank lines count as physical lines', async () => {
    const [header, row1] = csv(MIN_CSV_HEADER, [minCsvRow()]).split('\r\n');
    const badRow = csv(MIN_CSV_HEADER, [minCsvRow({ sector: 'nope' })]).split('\r\n')[1];
    const e = await rejection(ingestCsv([header, row1, '', '', badRow, ''].join('\r\n')));
    expectDetail(e, 5, 'sector', /nope/);
  });

  it('an empty body → line 1, a header is required', async () => {
    const e = await rejection(ingestCsv(''));
    expect(e.statusCode).toBe(422);
    expect(e.details?.[0]?.line).toBe(1);
  });
});

// ─────────────────────────────── merge-stage errors ───────────────────────────────

describe('errors found while merging name the line and the field', () => {
  it('NDJSON: a repeated reference with other content names both lines', async () => {
    const a = validComplaint();
    const e = await rejection(ingestNd(ndjson([validComplaint(), a, validComplaint(), { ...a, sector: 'airlines' }])));
    expect(e.statusCode).toBe(422);
    expectDetail(e, 4, 'externalRef', /line 2/);
  });

  it('CSV: a repeated reference with other content names both lines, on the external_ref column', async () => {
    const a = minCsvRow();
    const e = await rejection(ingestCsv(csv(MIN_CSV_HEADER, [minCsvRow(), a, { ...a, sector: 'airlines' }])));
    expectDetail(e, 4, 'external_ref', /line 3/);
  });

  it('NDJSON: an unknown ADR body', async () => {
    const d = (n: number) => addDays(FILED_AT, n);
    const e = await rejection(
      ingestNd(ndjson([validComplaint({ events: [ev.sent(d(1)), ev.replied(d(2)), ev.agreed(d(3), 'NO-SUCH-BODY')] })])),
    );
    expectDetail(e, 1, /adrBodyId/, /NO-SUCH-BODY/);
  });

  it('CSV: an unknown ADR body, on the adr_body_id column', async () => {
    const d = (n: number) => addDays(FILED_AT, n);
    const H = [...MIN_CSV_HEADER, 'sent_to_trader_at', 'trader_replied_at', 'trader_decision', 'adr_body_id', 'adr_agreed_at'];
    const e = await rejection(
      ingestCsv(
        csv(H, [
          minCsvRow(),
          minCsvRow({
            sent_to_trader_at: d(1),
            trader_replied_at: d(2),
            trader_decision: 'proposes_adr',
            adr_body_id: 'NO-SUCH-BODY',
            adr_agreed_at: d(3),
          }),
        ]),
      ),
    );
    expectDetail(e, 3, 'adr_body_id', /NO-SUCH-BODY/);
  });

  it('CSV: a conflict with a stored complaint, on the column that differs', async () => {
    const r = minCsvRow();
    await ingestCsv(csv(MIN_CSV_HEADER, [r]));
    const e = await rejection(ingestCsv(csv(MIN_CSV_HEADER, [minCsvRow(), { ...r, consumer_country: 'FR' }])));
    expectDetail(e, 3, 'consumer_country', /differ/);
  });
});

// ─────────────────────────────── idempotency ───────────────────────────────

describe('idempotency', () => {
  it('a whole batch re-sent inserts nothing: duplicates = N', async () => {
    const batch = Array.from({ length: 7 }, (_, i) => validComplaint({ events: i % 2 ? [] : [ev.sent(addDays(FILED_AT, 0.5))] }));
    const first = await ingestNd(ndjson(batch));
    expect(first).toMatchObject({ received: 7, inserted: 7, updated: 0, duplicates: 0 });
    const before = await counts(store);
    const again = await ingestNd(ndjson(batch));
    expect(again).toMatchObject({ received: 7, inserted: 0, updated: 0, duplicates: 7 });
    expect(again.batchId).not.toBe(first.batchId);
    expect(await counts(store)).toEqual(before);
  });

  it('the same batch as CSV re-sent: duplicates = N', async () => {
    const rows = [minCsvRow(), minCsvRow(), minCsvRow()];
    expect(await ingestCsv(csv(MIN_CSV_HEADER, rows))).toMatchObject({ inserted: 3, duplicates: 0 });
    expect(await ingestCsv(csv(MIN_CSV_HEADER, rows))).toMatchObject({ inserted: 0, updated: 0, duplicates: 3 });
  });

  it('re-sent with extended events: only the new events are appended and the case advances', async () => {
    const d = (n: number) => addDays(FILED_AT, n);
    const c = validComplaint({ events: [ev.sent(d(0.1))] });
    await ingestNd(ndjson([c]));
    const row = (await storedByRef(c.externalRef))!;
    const firstEvents = await eventsOf(row.id);
    expect(firstEvents).toHaveLength(1);

    const extended = { ...c, events: [...c.events!, ev.replied(d(3), 'direct_talks'), ev.settled(d(9))] };
    const before = await counts(store);
    const r = await ingestNd(ndjson([validComplaint(), extended]));
    expect(r).toMatchObject({ received: 2, inserted: 1, updated: 1, duplicates: 0 });
    expect((await counts(store)).events - before.events).toBe(2 + 1);
    const events = await eventsOf(row.id);
    expect(events.map((e) => [e.seq, e.type])).toEqual([
      [1, 'sent_to_trader'],
      [2, 'trader_replied'],
      [3, 'settled_directly'],
    ]);
    expect(events[0]!.id).toBe(firstEvents[0]!.id);
    const after = (await storedByRef(c.externalRef))!;
    expect(after).toMatchObject({
      stage: 'closed',
      status: 'closed',
      closure: 'settled_directly',
      trader_decision: 'direct_talks',
      event_count: 3,
    });
    expect(after.closed_at?.toISOString()).toBe(d(9));

    // and sent once more: nothing
    expect(await ingestNd(ndjson([extended]))).toMatchObject({ inserted: 0, updated: 0, duplicates: 1 });
  });

  it('re-sent with a changed field → the line is an error naming the field; nothing written', async () => {
    const c = validComplaint();
    await ingestNd(ndjson([c]));
    const before = await counts(store);
    const e = await rejection(ingestNd(ndjson([validComplaint(), { ...c, sector: 'airlines' }])));
    expect(e.statusCode).toBe(422);
    expectDetail(e, 2, 'sector', /sector/);
    expect(await counts(store)).toEqual(before);
  });

  it.each([
    ['consumer.country', (c: TestComplaint) => ({ ...c, consumer: { ...c.consumer, country: 'FR' } })],
    ['price.amount', (c: TestComplaint) => ({ ...c, price: { amount: '60.00', currency: 'EUR' } })],
    ['filedAt', (c: TestComplaint) => ({ ...c, filedAt: '2024-03-05T10:21:00Z' })],
    ['description', (c: TestComplaint) => ({ ...c, description: 'something else' })],
  ])('a changed %s is named', async (field, change) => {
    const c = validComplaint();
    await ingestNd(ndjson([c]));
    const e = await rejection(ingestNd(ndjson([change(c)])));
    expectDetail(e, 1, field);
  });

  it('re-sent with different (not extending) events → error on events', async () => {
    const d = (n: number) => addDays(FILED_AT, n);
    const c = validComplaint({ events: [ev.sent(d(1)), ev.replied(d(2))] });
    await ingestNd(ndjson([c]));
    const e = await rejection(ingestNd(ndjson([{ ...c, events: [ev.sent(d(1)), ev.replied(d(2), 'declines')] }])));
    expectDetail(e, 1, /^events/);
    const e2 = await rejection(ingestNd(ndjson([{ ...c, events: [ev.sent(d(1))] }])));
    expectDetail(e2, 1, /^events/);
  });

  it('compliance reports in an NDJSON log: repeatable, the latest counts', async () => {
    const d = (n: number) => addDays(FILED_AT, n);
    const c = validComplaint({
      events: [
        ev.sent(d(0.1)),
        ev.replied(d(1)),
        ev.agreed(d(2), ADR),
        ev.accepted(d(3)),
        ev.outcome(d(40)),
        ev.compliance(d(50), true),
        ev.compliance(d(60), false),
      ],
    });
    await ingestNd(ndjson([c]));
    const row = (await storedByRef(c.externalRef))!;
    expect(row).toMatchObject({ stage: 'closed', closure: 'adr_outcome', complied: false, event_count: 7 });
    expect(row.compliance_at?.toISOString()).toBe(d(60));
    // and a later report extends the log
    expect(await ingestNd(ndjson([{ ...c, events: [...c.events!, ev.compliance(d(70), true)] }]))).toMatchObject({ updated: 1 });
    expect((await storedByRef(c.externalRef))!.complied).toBe(true);
  });

  it('a CSV re-send of a case with several compliance reports (CSV keeps the latest) is a duplicate', async () => {
    const d = (n: number) => addDays(FILED_AT, n);
    const c = validComplaint({
      events: [
        ev.sent(d(0.1)),
        ev.replied(d(1)),
        ev.agreed(d(2), ADR),
        ev.accepted(d(3)),
        ev.outcome(d(40)),
        ev.compliance(d(50), false),
        ev.compliance(d(60), true),
      ],
    });
    await ingestNd(ndjson([c]));
    expect(await ingestCsv(csvOf([c]))).toMatchObject({ inserted: 0, updated: 0, duplicates: 1 });
    // but a CSV whose compliance milestone is an earlier report is not the same case
    const stale = { ...c, events: c.events!.slice(0, 6) };
    const err = await rejection(ingestCsv(csvOf([stale])));
    expect(err.statusCode).toBe(422);
    expect((await eventsOf((await storedByRef(c.externalRef))!.id)).length).toBe(7);
  });

  it('within one batch an identical repeated line is a duplicate', async () => {
    const c = validComplaint();
    const r = await ingestNd(ndjson([c, validComplaint(), c, c]));
    expect(r).toMatchObject({ received: 4, inserted: 2, duplicates: 2 });
  });

  describe('normalised values count as identical', () => {
    const variants: Array<[string, (c: TestComplaint) => TestComplaint]> = [
      ['country EL vs GR', (c) => ({ ...c, consumer: { ...c.consumer, country: 'el' }, trader: { ...c.trader, country: 'EL' } })],
      ['country UK vs GB', (c) => ({ ...c, consumer: { ...c.consumer, country: 'uk' } })],
      ['amount 59.9 vs 59.90', (c) => ({ ...c, price: { amount: '59.9', currency: 'EUR' } })],
      ['amount 059.900 vs 59.90', (c) => ({ ...c, price: { amount: '059.900', currency: 'EUR' } })],
      ['currency eur vs EUR', (c) => ({ ...c, price: { amount: '59.90', currency: 'eur' } })],
      ['filedAt with offset vs Z', (c) => ({ ...c, filedAt: '2024-03-05T11:22:00+01:00' })],
      ['event at with offset vs Z', (c) => ({ ...c, events: [{ type: 'sent_to_trader', at: '2024-03-05T12:22:05+02:00' }] })],
      ['language case', (c) => ({ ...c, language: 'IT' })],
    ];
    const base = (): TestComplaint =>
      validComplaint({
        consumer: { country: 'GR', language: 'el' },
        trader: { id: 'T-NORM', country: 'GR' },
        price: { amount: '59.90', currency: 'EUR' },
        language: 'it',
      });
    const fixUk = (name: string, c: TestComplaint) => (name.includes('UK') ? { ...c, consumer: { ...c.consumer, country: 'GB' } } : c);

    it.each(variants)('across batches: %s', async (name, vary) => {
      const c = fixUk(name, base());
      await ingestNd(ndjson([c]));
      const r = await ingestNd(ndjson([vary(c)]));
      expect(r).toMatchObject({ inserted: 0, updated: 0, duplicates: 1 });
    });

    it.each(variants)('within one batch: %s', async (name, vary) => {
      const c = fixUk(name, base());
      const r = await ingestNd(ndjson([c, vary(c)]));
      expect(r).toMatchObject({ received: 2, inserted: 1, duplicates: 1 });
    });
  });
});

// ─────────────────────────────── all or nothing ───────────────────────────────

describe('all or nothing on 1,000 lines', () => {
  const thousand = (last: unknown) => [
    ...Array.from({ length: 999 }, (_, i) => validComplaint({ trader: { name: `Batch Trader ${uniqueRef()} ${i}`, country: 'AT' } })),
    last,
  ];

  it('the LAST line bad → 422 naming line 1000; store unchanged; batch recorded as rejected', async () => {
    const before = await counts(store);
    const rejectedBefore = await batchCount('rejected');
    const e = await rejection(ingestNd(ndjson(thousand(validComplaint({ consumer: { country: 'US' } })))));
    expect(e.statusCode).toBe(422);
    expect(e.details).toHaveLength(1);
    expectDetail(e, 1000, 'consumer.country', /US/);
    expect(await counts(store)).toEqual(before);
    expect(await batchCount('rejected')).toBe(rejectedBefore + 1);
    const rec = await store.db
      .selectFrom('ingest_batches')
      .selectAll()
      .where('status', '=', 'rejected')
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    expect(rec).toMatchObject({ received: 1000, inserted: 0, rejected: 1, format: 'ndjson' });
  });

  it('the LAST line conflicting with a stored complaint → 422 naming line 1000; store unchanged', async () => {
    const stored = validComplaint();
    await ingestNd(ndjson([stored]));
    const before = await counts(store);
    const e = await rejection(ingestNd(ndjson(thousand({ ...stored, problem: 'quality', problemDetail: 'defective' }))));
    expect(e.statusCode).toBe(422);
    expectDetail(e, 1000, /problem/);
    expect(await counts(store)).toEqual(before);
  });

  it('the last line repeating line 1 with other content → nothing stored', async () => {
    const first = validComplaint();
    const lines = thousand({ ...first, description: 'changed' });
    lines[0] = first;
    const before = await counts(store);
    const e = await rejection(ingestNd(ndjson(lines)));
    expectDetail(e, 1000, 'externalRef', /line 1\b/);
    expect(await counts(store)).toEqual(before);
  });

  it('an extension in a batch that fails elsewhere is not applied', async () => {
    const c = validComplaint({ events: [ev.sent(addDays(FILED_AT, 1))] });
    await ingestNd(ndjson([c]));
    const row = (await storedByRef(c.externalRef))!;
    const e = await rejection(
      ingestNd(ndjson([{ ...c, events: [...c.events!, ev.withdrawn(addDays(FILED_AT, 2))] }, validComplaint({ sector: 'x' })])),
    );
    expectDetail(e, 2, 'sector');
    expect(await eventsOf(row.id)).toHaveLength(1);
    expect((await storedByRef(c.externalRef))!.stage).toBe('with_trader');
  });

  it('a good 1,000-line batch lands whole and its batch is recorded', async () => {
    const lines = Array.from({ length: 1000 }, () => minimalComplaint());
    const before = await counts(store);
    const r = await ingestNd(ndjson(lines), { size: 4096 });
    expect(r).toMatchObject({ received: 1000, inserted: 1000, updated: 0, duplicates: 0 });
    expect((await counts(store)).complaints - before.complaints).toBe(1000);
    const rec = await store.db.selectFrom('ingest_batches').selectAll().where('id', '=', r.batchId).executeTakeFirstOrThrow();
    expect(rec).toMatchObject({ status: 'completed', received: 1000, inserted: 1000, duplicates: 0, rejected: 0 });
  });
});

describe('a batch merged in chunks (3 lines each here; 10,000 in service)', () => {
  const chunked = (text: string): Promise<IngestSummary> =>
    new IngestService(store, { traderReplyDays: 10, chunkLines: 3 }).ingest({
      items: readNdjson(chunks(text)),
      format: 'ndjson',
      defaultSource: SOURCE,
      caller: 'test',
    });
  const d = (n: number) => addDays(FILED_AT, n);

  it('lands whole: every chunk inserted with its events, then a re-send is all duplicates', async () => {
    const lines = Array.from({ length: 10 }, (_, i) => validComplaint({ events: i % 2 ? [ev.sent(d(0.1)), ev.replied(d(2))] : [] }));
    const before = await counts(store);
    expect(await chunked(ndjson(lines))).toMatchObject({ received: 10, inserted: 10, updated: 0, duplicates: 0 });
    const after = await counts(store);
    expect(after.complaints - before.complaints).toBe(10);
    expect(after.events - before.events).toBe(5 * 2);
    expect((await eventsOf((await storedByRef(lines[9]!.externalRef))!.id)).map((e) => e.type)).toEqual([
      'sent_to_trader',
      'trader_replied',
    ]);
    expect(await chunked(ndjson(lines))).toMatchObject({ received: 10, inserted: 0, updated: 0, duplicates: 10 });
    expect(await counts(store)).toEqual(after);
  });

  it("a line repeating an earlier chunk's line: identical → duplicate, stored once with the first line's events", async () => {
    const c = validComplaint({ events: [ev.sent(d(0.1))] });
    const lines = [c, validComplaint(), validComplaint(), validComplaint(), c, validComplaint(), validComplaint(), c];
    const before = await counts(store);
    expect(await chunked(ndjson(lines))).toMatchObject({ received: 8, inserted: 6, duplicates: 2 });
    expect((await counts(store)).complaints - before.complaints).toBe(6);
    expect(await eventsOf((await storedByRef(c.externalRef))!.id)).toHaveLength(1);
  });

  it("a line repeating an earlier chunk's line with more events → 422 naming both lines; nothing of any chunk stored", async () => {
    const c = validComplaint({ events: [ev.sent(d(0.1))] });
    const lines = [c, validComplaint(), validComplaint(), validComplaint(), { ...c, events: [...c.events!, ev.withdrawn(d(1))] }];
    const before = await counts(store);
    const e = await rejection(chunked(ndjson(lines)));
    expect(e.statusCode).toBe(422);
    expectDetail(e, 5, 'externalRef', /line 1\b/);
    expect(await counts(store)).toEqual(before);
  });

  it('a stored case extended in chunk 1 and repeated identically in chunk 3: one update, events appended once', async () => {
    const c = validComplaint({ events: [ev.sent(d(0.1))] });
    await chunked(ndjson([c]));
    const row = (await storedByRef(c.externalRef))!;
    const extended = { ...c, events: [...c.events!, ev.replied(d(3), 'direct_talks'), ev.settled(d(9))] };
    const lines = [extended, validComplaint(), validComplaint(), validComplaint(), validComplaint(), validComplaint(), extended];
    expect(await chunked(ndjson(lines))).toMatchObject({ received: 7, inserted: 5, updated: 1, duplicates: 1 });
    expect((await eventsOf(row.id)).map((e) => [e.seq, e.type])).toEqual([
      [1, 'sent_to_trader'],
      [2, 'trader_replied'],
      [3, 'settled_directly'],
    ]);
    expect((await storedByRef(c.externalRef))!).toMatchObject({ stage: 'closed', closure: 'settled_directly', event_count: 3 });
  });

  it('a conflict with a stored case in the last chunk → 422 naming its line; the earlier chunks are not stored', async () => {
    const stored = validComplaint();
    await chunked(ndjson([stored]));
    const before = await counts(store);
    const lines = [...Array.from({ length: 6 }, () => validComplaint()), { ...stored, sector: 'airlines' }];
    const e = await rejection(chunked(ndjson(lines)));
    expect(e.statusCode).toBe(422);
    expectDetail(e, 7, 'sector', /differ/);
    expect(await counts(store)).toEqual(before);
  });

  it("bad lines are answered before anything is merged; once they are right, a chunk's merge problem is found", async () => {
    const before = await counts(store);
    const lines = [
      validComplaint(),
      validComplaint(),
      validComplaint(),
      validComplaint(),
      validComplaint({ events: [ev.sent(d(0.1)), ev.replied(d(1)), ev.agreed(d(2), 'ADR-NOBODY')] }),
      validComplaint(),
      validComplaint(),
      validComplaint({ consumer: { country: 'US' } }),
    ];
    // The body is read and validated whole before a transaction opens: only line 8 is named.
    const e = await rejection(chunked(ndjson(lines)));
    expect(e.statusCode).toBe(422);
    expectDetail(e, 8, 'consumer.country', /US/);
    expect((e.details ?? []).map((x) => x.line)).toEqual([8]);
    lines[7] = validComplaint();
    const merged = await rejection(chunked(ndjson(lines)));
    expect(merged.statusCode).toBe(422);
    expectDetail(merged, 5, 'adrBodyId', /unknown ADR body/);
    expect((merged.details ?? []).map((x) => x.line)).toEqual([5]);
    expect(await counts(store)).toEqual(before);
  });
});

// ─────────────────────────────── aliases, traders, text ───────────────────────────────

describe('aliases and traders', () => {
  it('EL → GR and UK → GB (any case) are stored as ISO', async () => {
    const a = validComplaint({ consumer: { country: 'EL' }, trader: { id: 'T-ALIAS', country: 'uk' } });
    const b = validComplaint({ consumer: { country: 'uk' }, trader: { id: 'T-ALIAS', country: 'el' } });
    const text = csv(MIN_CSV_HEADER, [minCsvRow({ consumer_country: 'el', trader_country: 'Uk' })]);
    await ingestNd(ndjson([a, b]));
    const csvRef = text.split('\r\n')[1]!.split(',')[0]!;
    await ingestCsv(text);
    expect(await storedByRef(a.externalRef)).toMatchObject({ consumer_country: 'GR', trader_country: 'GB' });
    expect(await storedByRef(b.externalRef)).toMatchObject({ consumer_country: 'GB', trader_country: 'GR' });
    expect(await storedByRef(csvRef)).toMatchObject({ consumer_country: 'GR', trader_country: 'GB' });
  });

  it('a trader without id is matched on normalised name + country, within and across batches', async () => {
    const name = `Shop ${uniqueRef('N')} GmbH`;
    const a = validComplaint({ trader: { name, country: 'DE' } });
    const b = validComplaint({ trader: { name: `${name.toLowerCase()} `, country: 'DE' } });
    const c = validComplaint({ trader: { name: name.toUpperCase().replace('GMBH', 'GmbH.'), country: 'DE' } });
    const other = validComplaint({ trader: { name, country: 'AT' } });
    const tradersBefore = (await counts(store)).traders;
    await ingestNd(ndjson([a, b]));
    await ingestNd(ndjson([c, other]));
    const ids = await Promise.all([a, b, c, other].map(async (x) => (await storedByRef(x.externalRef))!.trader_id));
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).toBe(ids[0]);
    expect(ids[3]).not.toBe(ids[0]);
    expect((await counts(store)).traders - tradersBefore).toBe(2);
    const t = await store.db.selectFrom('traders').selectAll().where('id', '=', ids[0]!).executeTakeFirstOrThrow();
    expect(t).toMatchObject({ name, country: 'DE' });
  });

  it('a trader named without id matches a registered trader (accents and punctuation folded)', async () => {
    const id = uniqueRef('REG');
    await store.db
      .insertInto('traders')
      .values({ id, name: 'Müller & Söhne', name_norm: 'muller sohne', country: 'AT', website: null, sector: null })
      .execute();
    const c = validComplaint({ trader: { name: 'MULLER - SOHNE', country: 'AT' } });
    await ingestNd(ndjson([c]));
    expect((await storedByRef(c.externalRef))!.trader_id).toBe(id);
  });

  it('an unknown trader id creates the trader from the complaint', async () => {
    const id = uniqueRef('NEWT');
    const c = validComplaint({ trader: { id, name: 'Brand New Srl', country: 'IT', website: 'https://brand.example' } });
    await ingestNd(ndjson([c]));
    const t = await store.db.selectFrom('traders').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(t).toMatchObject({ id, name: 'Brand New Srl', country: 'IT', website: 'https://brand.example' });
  });

  it('text survives chunk boundaries inside UTF-8 characters, and SQL-looking text is stored literally', async () => {
    const description = `Società “Ünïcødé” € 日本語 🙂 '); DROP TABLE complaints; -- \\ \\. "quoted", tab\there`;
    const name = 'Robert"); DELETE FROM traders; --';
    const c = validComplaint({
      description,
      trader: { id: uniqueRef('SQL'), name, country: 'IT' },
      consumer: { country: 'IT', name: "O'Brien \\N" },
    });
    for (const size of [1, 3, 7]) {
      const x = { ...c, externalRef: uniqueRef('UTF') };
      await ingestNd(ndjson([x]), { size });
      const row = (await storedByRef(x.externalRef))!;
      expect(row.description).toBe(description);
      expect(row.trader_name).toBe(name);
      expect(row.consumer_name).toBe("O'Brien \\N");
    }
    expect((await counts(store)).complaints).toBeGreaterThan(0);
  });

  it('an empty string and the text NULL are kept apart from absent values', async () => {
    const c = validComplaint({ description: 'NULL', consumer: { country: 'IT', name: '\\N' } });
    await ingestNd(ndjson([c]));
    const row = (await storedByRef(c.externalRef))!;
    expect(row.description).toBe('NULL');
    expect(row.consumer_name).toBe('\\N');
  });
});

// ─────────────────────────────── CSV ≡ NDJSON ───────────────────────────────

describe('CSV milestones and NDJSON events store the same case', () => {
  it('same rows and same events', async () => {
    const d = (n: number) => addDays(FILED_AT, n);
    const cases: TestComplaint[] = [
      validComplaint({ events: [] }),
      validComplaint({ events: [ev.sent(d(0.1)), ev.replied(d(2), 'direct_talks'), ev.settled(d(20))] }),
      validComplaint({ events: [ev.sent(d(0.1)), ev.replied(d(2)), ev.agreed(d(4), ADR), ev.refused(d(6), 'd')] }),
      validComplaint({
        events: [
          ev.sent(d(0.1)),
          ev.replied(d(2)),
          ev.agreed(d(4), ADR),
          ev.accepted(d(6)),
          ev.outcome(d(60), 'in_favour_of_trader'),
          ev.compliance(d(80), false),
        ],
      }),
      validComplaint({
        events: [
          ev.sent(d(0.1)),
          ev.replied(d(2)),
          ev.agreed(d(4), ADR),
          ev.accepted(d(6)),
          ev.discontinued(d(30), 'consumer_unresponsive', 'no answer'),
        ],
      }),
      validComplaint({
        events: [ev.withdrawn(d(1))],
        trader: { name: 'No Id Trader', country: 'PL' },
        price: undefined,
        purchasedAt: undefined,
      }),
    ];
    await ingestNd(ndjson(cases), { source: 'eq-nd' });
    await ingestCsv(csvOf(cases), { source: 'eq-csv' });
    const strip = (r: Record<string, unknown>) => {
      const { id: _i, source: _s, batch_id: _b, created_at: _c, updated_at: _u, changed_xid: _x, ...rest } = r;
      return rest;
    };
    for (const c of cases) {
      const n = (await storedByRef(c.externalRef, 'eq-nd'))!;
      const k = (await storedByRef(c.externalRef, 'eq-csv'))!;
      expect(strip(k), c.externalRef).toEqual(strip(n));
      const en = (await eventsOf(n.id)).map((e) => ({ seq: e.seq, type: e.type, at: e.at.toISOString(), data: e.data }));
      const ek = (await eventsOf(k.id)).map((e) => ({ seq: e.seq, type: e.type, at: e.at.toISOString(), data: e.data }));
      expect(ek).toEqual(en);
      expect(en).toHaveLength(c.events!.length);
    }
  });
});
