/**
 * Registry exports round-trip (contract "Case registry", "Complaints (ingest)"): a varied store is
 * exported as CSV, NDJSON and Parquet; each file is ingested into a fresh store and exported again,
 * byte for byte the same; and ingesting an export back into its own store changes nothing (every
 * line a duplicate). Also: the download's headers and name, filters in the export, bounded pages,
 * and no temporary file left behind.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { generateDemo } from '../fixtures/generator.js';
import { loadReferenceData } from '../api/src/demo/demo-seed.js';
import { IngestService } from '../api/src/ingest/ingest.service.js';
import type { ReaderItem } from '../api/src/ingest/readers.js';
import type { ComplaintInput } from '../api/src/complaints/complaint.schema.js';
import { complaintInput } from '../api/src/complaints/complaint.schema.js';
import { RegistryExporter } from '../api/src/registry/registry.export.js';
import type { Store } from '../core/postgres/store.js';
import { addDays, ev, minimalComplaint, validComplaint, type TestComplaint } from './support/complaints.js';
import { adminHeaders, client, counts, expectError, putAdrBody, startApp, type Client, type RunningApp } from './support/http.js';

const DEMO = generateDemo({ complaints: 1500, seed: 11 });
const FORMATS = ['csv', 'ndjson', 'parquet'] as const;
type Format = (typeof FORMATS)[number];
const CONTENT: Record<Format, string> = { csv: 'text/csv', ndjson: 'application/x-ndjson', parquet: 'application/vnd.apache.parquet' };

const T0 = '2024-05-02T08:15:30.250Z';
const t = (days: number) => addDays(T0, days);

/** Every lifecycle ending, open cases at each stage, awkward text and exact prices. */
function handmade(): TestComplaint[] {
  const base = (ref: string, over: Partial<TestComplaint>) =>
    validComplaint({ externalRef: `HAND-${ref}`, source: 'hand', filedAt: T0, ...over });
  return [
    base('OUTCOME', {
      consumer: {
        country: 'IT',
        language: 'it',
        name: "José Ñúñez-O'Brien",
        email: 'jose@example.org',
        address: 'Via "Roma", 1\nTorino, IT',
      },
      description: '=HYPERLINK("http://x") — ordered 2 × "shoes", 50% off;\r\nnever delivered 📦 „neuwertig“\ttab',
      price: { amount: '59.90', currency: 'EUR' },
      events: [
        ev.sent(t(0.01)),
        ev.replied(t(2)),
        ev.agreed(t(5), 'ADR-RT'),
        ev.accepted(t(9)),
        ev.outcome(t(40), 'in_favour_of_consumer'),
        ev.compliance(t(70), true),
      ],
    }),
    base('REFUSED', {
      events: [ev.sent(t(0.01)), ev.replied(t(2)), ev.agreed(t(5), 'ADR-RT'), ev.refused(t(8), 'd')],
      price: { amount: '0.50', currency: 'GBP' },
    }),
    base('DISCONTINUED', {
      events: [
        ev.sent(t(0.01)),
        ev.replied(t(2)),
        ev.agreed(t(5), 'ADR-RT2'),
        ev.accepted(t(9)),
        ev.discontinued(t(30), 'consumer_withdrew', 'Consumer said "stop", then, no reply'),
      ],
      price: { amount: '12.3456', currency: 'SEK' },
    }),
    base('NOCOMPLY', {
      events: [
        ev.sent(t(0.01)),
        ev.replied(t(2)),
        ev.agreed(t(5), 'ADR-RT'),
        ev.accepted(t(9)),
        ev.outcome(t(50), 'in_favour_of_trader'),
        ev.compliance(t(80), false),
      ],
    }),
    base('WITHDRAWN', { events: [ev.withdrawn(t(1))], price: { amount: '1000', currency: 'EUR' } }),
    base('DECLINED', { events: [ev.sent(t(0.01)), ev.replied(t(3), 'declines'), ev.noAgreement(t(4))] }),
    base('SETTLED', {
      events: [ev.sent(t(0.01)), ev.replied(t(3), 'direct_talks'), ev.settled(t(20))],
      orderedOnline: false,
      contactedTrader: false,
    }),
    base('OPEN-FILED', { events: [] }),
    base('OPEN-SENT', { events: [ev.sent(t(0.5))], complainant: 'trader' }),
    base('OPEN-REPLIED', { events: [ev.sent(t(0.5)), ev.replied(t(1))] }),
    base('OPEN-AGREED', { events: [ev.sent(t(0.5)), ev.replied(t(1)), ev.agreed(t(2), 'ADR-RT2')] }),
    base('OPEN-ACCEPTED', { events: [ev.sent(t(0.5)), ev.replied(t(1)), ev.agreed(t(2), 'ADR-RT2'), ev.accepted(t(3))] }),
    // Named traders without an id, and the EU's own country codes.
    base('NAMEONLY', {
      trader: { name: 'Ελληνικό Κατάστημα Α.Ε.', country: 'EL' },
      consumer: { country: 'UK', name: 'Ann, "the" buyer' },
      events: [ev.sent(t(0.2))],
    }),
    { ...minimalComplaint({ externalRef: 'HAND-MINIMAL', source: 'hand', filedAt: T0 }) },
    base('INJECTION', { description: "'); DROP TABLE complaints; --", events: [] }),
    // Spreadsheet formulas in text (issue 17): written neutralised in CSV, read back as they were.
    base('FORMULA', {
      trader: { id: 'T-FORMULA', name: "=cmd|' /C calc'!A0", country: 'DE' },
      consumer: { country: 'IT', name: '-12', address: '@SUM(A1)' },
      description: "'=already quoted",
      price: { amount: '12.50', currency: 'EUR' },
      events: [ev.sent(t(0.01))],
    }),
    base('ERASED', { events: [ev.withdrawn(t(1))] }),
    base('VOIDED', { events: [ev.sent(t(0.01))] }),
  ];
}

async function* items(list: readonly ComplaintInput[]): AsyncGenerator<ReaderItem> {
  let line = 0;
  for (const input of list) yield { line: ++line, input, problems: [] };
}

/** Reference data both stores need (ADR bodies named by events, the demo's traders). */
async function prepare(store: Store, api: Client): Promise<void> {
  await loadReferenceData(store, DEMO);
  await putAdrBody(api, 'ADR-RT');
  await putAdrBody(api, 'ADR-RT2', 'FR');
}

interface Download {
  status: number;
  headers: Headers;
  bytes: Buffer;
}
async function download(app: RunningApp, query: string): Promise<Download> {
  const res = await fetch(`${app.baseUrl}/api/v1/complaints/export?${query}`, { headers: adminHeaders });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function upload(api: Client, format: Format, bytes: Buffer) {
  return api.postRaw('/api/v1/complaints/bulk', new Uint8Array(bytes), CONTENT[format]);
}

const dirs: string[] = [];
async function dataDir(): Promise<string> {
  const d = await mkdtemp(path.join(tmpdir(), 'odr-export-'));
  dirs.push(d);
  return d;
}

let A: RunningApp;
let apiA: Client;
let dirA: string;
let total: number;

beforeAll(async () => {
  dirA = await dataDir();
  A = await startApp({ env: { DATA_DIR: dirA } });
  apiA = client(A.baseUrl);
  await prepare(A.store, apiA);
  const ingest = new IngestService(A.store, { traderReplyDays: 10 });
  await ingest.ingest({ items: items([...DEMO.complaints()]), format: 'ndjson', defaultSource: 'demo', caller: 'test' });
  const hand = await apiA.ndjson(
    handmade()
      .map((c) => JSON.stringify(c))
      .join('\n'),
  );
  expect(hand.status, hand.text).toBe(200);

  // Later history: erased personal data, an event appended then another voided.
  const id = async (ref: string) => (await apiA.get(`/api/v1/complaints?q=${ref}`)).body.items[0].id as string;
  const erased = await apiA.postRaw(`/api/v1/complaints/${await id('HAND-ERASED')}/personal-data`, undefined, undefined, {
    method: 'DELETE',
  });
  expect(erased.status, erased.text).toBe(200);
  const voided = await id('HAND-VOIDED');
  const appended = await apiA.event(voided, { type: 'trader_replied', at: t(3), decision: 'proposes_adr' });
  expect(appended.status, appended.text).toBe(201);
  const wrong = await apiA.event(voided, { type: 'withdrawn', at: t(4) });
  expect(wrong.status, wrong.text).toBe(201);
  const wrongId = wrong.body.events.at(-1).id;
  expect((await apiA.void(voided, wrongId, 'recorded on the wrong case')).status).toBe(200);

  total = (await counts(A.store)).complaints;
  expect(total).toBe(1500 + handmade().length);
}, 300_000);

afterAll(async () => {
  await A?.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe.each(FORMATS)('%s export', (format) => {
  let first: Download;

  beforeAll(async () => {
    first = await download(A, `format=${format}`);
  });

  it('is a download named after its filters and the time', () => {
    expect(first.status, first.bytes.toString('utf8', 0, 300)).toBe(200);
    expect(first.headers.get('content-type')).toContain(CONTENT[format]);
    expect(first.headers.get('content-disposition')).toMatch(
      new RegExp(`^attachment; filename="complaints_all_\\d{8}T\\d{6}Z\\.${format}"$`),
    );
  });

  it('ingests into a fresh store and exports again to the same bytes', async () => {
    const B = await startApp({ env: { DATA_DIR: await dataDir() } });
    try {
      const apiB = client(B.baseUrl);
      await prepare(B.store, apiB);
      const a = await upload(apiB, format, first.bytes);
      expect(a.status, a.text.slice(0, 2000)).toBe(200);
      expect(a.body).toMatchObject({ received: total, inserted: total, updated: 0, duplicates: 0 });
      const again = await download(B, `format=${format}`);
      expect(again.status).toBe(200);
      expect(again.bytes.length).toBe(first.bytes.length);
      expect(Buffer.compare(again.bytes, first.bytes)).toBe(0);
      expect(again.headers.get('content-disposition')).toMatch(/filename="complaints_all_\d{8}T\d{6}Z\./);
    } finally {
      await B.close();
    }
  });

  it('ingested into its own store again is all duplicates', async () => {
    const before = await counts(A.store);
    const a = await upload(apiA, format, first.bytes);
    expect(a.status, a.text.slice(0, 2000)).toBe(200);
    expect(a.body).toMatchObject({ received: total, inserted: 0, updated: 0, duplicates: total });
    expect(await counts(A.store)).toEqual(before);
  });
});

describe('export contents', () => {
  const text = async (query: string) => {
    const d = await download(A, query);
    expect(d.status, d.bytes.toString()).toBe(200);
    return d.bytes.toString('utf8');
  };

  it('NDJSON lines are the ingest shape: valid, with source and the non-voided events in order', async () => {
    const lines = (await text('format=ndjson&source=hand')).trimEnd().split('\n');
    const byRef = new Map(lines.map((l) => [JSON.parse(l).externalRef as string, JSON.parse(l)]));
    expect(byRef.size).toBe(handmade().length);
    for (const l of lines) expect(complaintInput.safeParse(JSON.parse(l)).success, l).toBe(true);
    const outcome = handmade()[0]!;
    expect(byRef.get('HAND-OUTCOME')).toEqual({
      externalRef: 'HAND-OUTCOME',
      source: 'hand',
      filedAt: T0,
      complainant: 'consumer',
      consumer: outcome.consumer,
      trader: outcome.trader,
      sector: outcome.sector,
      problem: outcome.problem,
      problemDetail: outcome.problemDetail,
      orderedOnline: true,
      price: { amount: '59.90', currency: 'EUR' },
      purchasedAt: outcome.purchasedAt,
      contactedTrader: true,
      language: 'it',
      description: outcome.description,
      events: outcome.events!.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
    });
    expect(Object.keys(byRef.get('HAND-OUTCOME'))).toEqual([
      'externalRef',
      'source',
      'filedAt',
      'complainant',
      'consumer',
      'trader',
      'sector',
      'problem',
      'problemDetail',
      'orderedOnline',
      'price',
      'purchasedAt',
      'contactedTrader',
      'language',
      'description',
      'events',
    ]);
    expect(byRef.get('HAND-VOIDED').events.map((e: { type: string }) => e.type)).toEqual(['sent_to_trader', 'trader_replied']);
    expect(byRef.get('HAND-ERASED').consumer).toEqual({ country: 'IT', language: 'it' });
    expect(byRef.get('HAND-ERASED').description).toBeUndefined();
    expect(byRef.get('HAND-NAMEONLY').trader).toMatchObject({ name: 'Ελληνικό Κατάστημα Α.Ε.', country: 'GR' });
    expect(byRef.get('HAND-NAMEONLY').trader.id).toMatch(/\S/);
    expect(byRef.get('HAND-NAMEONLY').consumer.country).toBe('GB');
    expect(byRef.get('HAND-MINIMAL')).toEqual({
      externalRef: 'HAND-MINIMAL',
      source: 'hand',
      filedAt: T0,
      complainant: 'consumer',
      consumer: { country: 'FR' },
      trader: { id: 'T-MIN', country: 'FR' },
      sector: 'airlines',
      problem: 'redress',
      events: [],
    });
    expect(byRef.get('HAND-DISCONTINUED').price).toEqual({ amount: '12.3456', currency: 'SEK' });
  });

  it('CSV has the contract header, the milestones, and quotes what needs quoting', async () => {
    const csv = await text('format=csv&source=hand&closure=adr_refused,adr_outcome');
    const [header] = csv.split('\n');
    expect(header).toBe(
      [
        'external_ref',
        'source',
        'filed_at',
        'complainant',
        'consumer_country',
        'consumer_language',
        'consumer_name',
        'consumer_email',
        'consumer_address',
        'trader_id',
        'trader_name',
        'trader_country',
        'trader_website',
        'sector',
        'problem',
        'problem_detail',
        'ordered_online',
        'price_amount',
        'price_currency',
        'purchased_at',
        'contacted_trader',
        'language',
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
        'discontinued_reason',
        'discontinued_note',
        'compliance_reported_at',
        'complied',
      ].join(','),
    );
    expect(csv).toContain(`,${t(8)},refused,d,,,,,,,`);
    expect(csv).toContain('"Via ""Roma"", 1\nTorino, IT"');
    expect(csv).toContain(',59.90,EUR,');
    expect(csv).toContain(`${t(40)},adr_outcome,in_favour_of_consumer,,,${t(70)},true`);
    expect(csv).not.toContain('HAND-WITHDRAWN');
  });

  it('CSV text cells cannot start a spreadsheet formula, numbers stay numbers, and re-ingest gives the text back', async () => {
    const original = handmade().find((c) => c.externalRef === 'HAND-FORMULA')!;
    const body = await text('format=csv&q=HAND-FORMULA');
    const rows = parse(body, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      trader_name: "'=cmd|' /C calc'!A0",
      consumer_name: "'-12",
      consumer_address: "'@SUM(A1)",
      description: "''=already quoted",
      price_amount: '12.50',
    });
    const everything = parse(await text('format=csv&source=hand'), { columns: true }) as Record<string, string>[];
    for (const r of everything)
      for (const [column, cell] of Object.entries(r)) expect(/^[=+\-@\t\r]/.test(cell), `${r.external_ref} ${column}: ${cell}`).toBe(false);

    const C = await startApp({ env: { DATA_DIR: await dataDir() } });
    try {
      const apiC = client(C.baseUrl);
      const loaded = await upload(apiC, 'csv', Buffer.from(body));
      expect(loaded.status, loaded.text).toBe(200);
      const res = await fetch(`${C.baseUrl}/api/v1/complaints/export?format=ndjson&q=HAND-FORMULA`, { headers: adminHeaders });
      const back = JSON.parse((await res.text()).trim()) as TestComplaint;
      expect(back.trader).toEqual(original.trader);
      expect(back.consumer).toEqual(original.consumer);
      expect(back.description).toBe(original.description);
      expect(back.price).toEqual(original.price);
    } finally {
      await C.close();
    }
  });

  it('filters apply, and are stamped in the file name', async () => {
    const d = await download(A, 'format=ndjson&consumerCountry=UK,EL&crossBorder=true&from=2024-05-01&q=HAND-NAME');
    expect(d.status).toBe(200);
    expect(d.headers.get('content-disposition')).toMatch(
      /^attachment; filename="complaints_consumerCountry-GB\+GR_crossBorder-true_from-2024-05-01_q-HAND-NAME_\d{8}T\d{6}Z\.ndjson"$/,
    );
    const refs = d.bytes
      .toString()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l).externalRef);
    expect(refs).toEqual(['HAND-NAMEONLY']);
    const empty = await download(A, 'format=csv&traderId=T-NOBODY');
    expect(empty.bytes.toString().split('\n').filter(Boolean)).toHaveLength(1);
    const emptyNd = await download(A, 'format=ndjson&traderId=T-NOBODY');
    expect(emptyNd.bytes.length).toBe(0);
  });

  it('reads in pages: any page size gives the same file', async () => {
    for (const format of ['csv', 'ndjson'] as const) {
      const whole = await text(`format=${format}`);
      const small = new RegistryExporter(A.store, dirA, { pageSize: 7 });
      let paged = '';
      for await (const chunk of small.open(format, {}).chunks) paged += chunk;
      expect(paged === whole, `${format} paged export differs`).toBe(true);
    }
  });

  it('answers 400 for bad parameters before sending anything', async () => {
    for (const q of [
      'format=xlsx',
      'format=csv&limit=5',
      'format=csv&cursor=abc',
      'stage=nope',
      'format=csv&from=2024-02-01&to=2024-01-01',
      'sort=filedAt',
    ]) {
      const res = await fetch(`${A.baseUrl}/api/v1/complaints/export?${q}`, { headers: adminHeaders });
      const body = await res.text();
      expectError({ status: res.status, headers: res.headers, text: body, body: JSON.parse(body) }, 400);
    }
  });

  it('leaves no temporary file behind', async () => {
    const left = await readdir(path.join(dirA, 'tmp')).catch(() => []);
    expect(left).toEqual([]);
  });

  it('the store still has its tables after the injection-looking description travelled through', async () => {
    const { rows } = await sql<{
      n: number;
    }>`select count(*)::int as n from complaints where description = ${"'); DROP TABLE complaints; --"}`.execute(A.store.db);
    expect(rows[0]!.n).toBe(1);
  });
});

describe('a case with two compliance reports', () => {
  it('NDJSON keeps both; CSV carries the latest (one milestone per step) and still round-trips', async () => {
    const C = await startApp({ env: { DATA_DIR: await dataDir() } });
    const D = await startApp({ env: { DATA_DIR: await dataDir() } });
    try {
      const api = client(C.baseUrl);
      await putAdrBody(api, 'ADR-RT');
      const c = validComplaint({
        externalRef: 'MULTI-1',
        source: 'multi',
        filedAt: T0,
        events: [
          ev.sent(t(0.01)),
          ev.replied(t(2)),
          ev.agreed(t(5), 'ADR-RT'),
          ev.accepted(t(9)),
          ev.outcome(t(40)),
          ev.compliance(t(60), false),
          ev.compliance(t(90), true),
        ],
      });
      expect((await api.ndjson(JSON.stringify(c))).status).toBe(200);

      const nd = await download(C, 'format=ndjson');
      expect(JSON.parse(nd.bytes.toString()).events.slice(-2)).toEqual([
        { type: 'compliance_reported', at: t(60), complied: false },
        { type: 'compliance_reported', at: t(90), complied: true },
      ]);
      expect((await upload(api, 'ndjson', nd.bytes)).body).toMatchObject({ inserted: 0, duplicates: 1 });

      const csv = await download(C, 'format=csv');
      expect(csv.bytes.toString()).toContain(`,${t(90)},true\n`);
      expect(csv.bytes.toString()).not.toContain(t(60));
      const apiD = client(D.baseUrl);
      await putAdrBody(apiD, 'ADR-RT');
      expect((await upload(apiD, 'csv', csv.bytes)).body).toMatchObject({ inserted: 1 });
      expect(Buffer.compare((await download(D, 'format=csv')).bytes, csv.bytes)).toBe(0);
    } finally {
      await C.close();
      await D.close();
    }
  });
});

describe('parquet upload problems', () => {
  it('a body that is not Parquet is one clear 422', async () => {
    const a = await upload(apiA, 'parquet', Buffer.from('external_ref,filed_at\nX,2024-01-01T00:00:00Z\n'));
    expectError(a, 422);
    expect(a.body.details).toHaveLength(1);
    expect(a.body.details[0].message).toMatch(/not a Parquet file/);
    const left = await readdir(path.join(dirA, 'tmp')).catch(() => []);
    expect(left).toEqual([]);
  });
});
