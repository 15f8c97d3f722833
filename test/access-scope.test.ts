/**
 * Scope on every surface (contract "Access", issue 5): two traders, two ADR bodies, two feeds.
 * Each role reads the registry (list, detail, export), every /stats endpoint, the benchmark and
 * the ADR report inside its scope only — expected figures computed here with plain SQL on the
 * store; out-of-scope cases answer 404; regulators get personal data masked; event types are
 * limited by role; an ingest token writes only its own source; personal data never reaches
 * error messages or the log; and hostile strings in every filter parameter answer 200 or 400.
 */
import 'reflect-metadata';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../api/src/server.js';
import { loadConfig } from '../api/src/config/config.js';
import { readParquetFile } from '../api/src/ingest/parquet-reader.js';
import { addDays, csvOf, ndjson, uniqueRef, validComplaint, type TestComplaint, type TestEvent } from './support/complaints.js';
import { client, counts, expectError, putAdrBody, startApp, TEST_ADMIN_TOKEN, type Client, type RunningApp } from './support/http.js';
import { createTestStore } from './support/store.js';

const PII = {
  name: 'Zelda Quixote-Personal',
  email: 'zelda.personal@example.org',
  address: 'Geheimweg 77, Nowhere',
  description: 'Unmistakable-secret-wording of the complaint',
} as const;
const PII_VALUES = Object.values(PII);

const TRADERS = { A: { id: 'T-SCOPE-A', name: 'Alpha Scope Shop' }, B: { id: 'T-SCOPE-B', name: 'Beta Scope Shop' } } as const;

interface Seed {
  key: string;
  trader: 'A' | 'B';
  source: string;
  consumer: string;
  traderCountry: string;
  sector: string;
  problem: string;
  events: (filedAt: string) => TestEvent[];
}

const FILED = '2024-04-10T09:00:00.000Z';
const sent = (f: string): TestEvent => ({ type: 'sent_to_trader', at: addDays(f, 0.1) });
const replied = (f: string): TestEvent => ({ type: 'trader_replied', at: addDays(f, 1), decision: 'proposes_adr' });
const agreed = (f: string, body: string): TestEvent => ({ type: 'adr_body_agreed', at: addDays(f, 2), adrBodyId: body });

/** A1 and B3 went to ADR-X, B1 to ADR-Y; A3 is closed; the rest are open with the trader. */
const SEEDS: Seed[] = [
  {
    key: 'A1',
    trader: 'A',
    source: 'feed-a',
    consumer: 'IT',
    traderCountry: 'DE',
    sector: 'clothing_footwear',
    problem: 'delivery',
    events: (f) => [sent(f), replied(f), agreed(f, 'ADR-X')],
  },
  {
    key: 'A2',
    trader: 'A',
    source: 'feed-a',
    consumer: 'DE',
    traderCountry: 'DE',
    sector: 'clothing_footwear',
    problem: 'delivery',
    events: (f) => [sent(f)],
  },
  {
    key: 'A3',
    trader: 'A',
    source: 'feed-a',
    consumer: 'AT',
    traderCountry: 'DE',
    sector: 'food',
    problem: 'quality',
    events: (f) => [sent(f), { type: 'settled_directly', at: addDays(f, 3) }],
  },
  {
    key: 'B1',
    trader: 'B',
    source: 'feed-b',
    consumer: 'IT',
    traderCountry: 'FR',
    sector: 'food',
    problem: 'quality',
    events: (f) => [sent(f), replied(f), agreed(f, 'ADR-Y')],
  },
  {
    key: 'B2',
    trader: 'B',
    source: 'feed-b',
    consumer: 'FR',
    traderCountry: 'FR',
    sector: 'food',
    problem: 'delivery',
    events: (f) => [sent(f)],
  },
  {
    key: 'B3',
    trader: 'B',
    source: 'feed-b',
    consumer: 'ES',
    traderCountry: 'FR',
    sector: 'clothing_footwear',
    problem: 'delivery',
    events: (f) => [sent(f), replied(f), agreed(f, 'ADR-X')],
  },
];

function seedComplaint(s: Seed, i: number): TestComplaint {
  const filedAt = addDays(FILED, i);
  const t = TRADERS[s.trader];
  return validComplaint({
    externalRef: uniqueRef(`SC-${s.key}`),
    source: s.source,
    filedAt,
    purchasedAt: '2024-04-01',
    consumer: { country: s.consumer, language: 'en', name: `${PII.name} ${s.key}`, email: PII.email, address: PII.address },
    trader: { id: t.id, name: t.name, country: s.traderCountry },
    sector: s.sector,
    problem: s.problem,
    problemDetail: undefined,
    description: `${PII.description} ${s.key}`,
    events: s.events(filedAt),
  });
}

let app: RunningApp;
let admin: Client;
const tok = {} as Record<'regulator' | 'traderA' | 'traderB' | 'adrX' | 'adrY' | 'ingestA', string>;
const as = (who: keyof typeof tok) => client(app.baseUrl, tok[who]);
/** Case ids by seed key. */
const ids: Record<string, string> = {};

/** Plain SQL over the store: the expected figures, written independently of the services. */
async function expected(where: { traderId?: string; adrBodyId?: string }) {
  const rows = (
    await sql<{
      id: string;
      trader_id: string;
      adr_body_id: string | null;
      consumer_country: string;
      trader_country: string;
      sector: string;
      problem: string;
      status: string;
      closure: string | null;
    }>`
      select id::text as id, trader_id, adr_body_id, consumer_country, trader_country, sector, problem, status, closure from complaints`.execute(
      app.store.db,
    )
  ).rows.filter(
    (r) =>
      (where.traderId === undefined || r.trader_id === where.traderId) &&
      (where.adrBodyId === undefined || r.adr_body_id === where.adrBodyId),
  );
  const tally = (f: (r: (typeof rows)[number]) => string) => {
    const m: Record<string, number> = {};
    for (const r of rows) m[f(r)] = (m[f(r)] ?? 0) + 1;
    return m;
  };
  return {
    ids: rows.map((r) => r.id).sort(),
    complaints: rows.length,
    crossBorder: rows.filter((r) => r.consumer_country !== r.trader_country).length,
    closed: rows.filter((r) => r.status === 'closed').length,
    open: rows.filter((r) => r.status === 'open').length,
    byConsumer: tally((r) => r.consumer_country),
    byTraderCountry: tally((r) => r.trader_country),
    bySector: tally((r) => r.sector),
    byProblem: tally((r) => r.problem),
    flows: tally((r) => `${r.consumer_country}>${r.trader_country}`),
    traders: [...new Set(rows.map((r) => r.trader_id))].sort(),
  };
}

async function issue(role: string, label: string, binding: Record<string, string> = {}): Promise<string> {
  const a = await admin.postJson('/api/v1/tokens', { role, label, ...binding });
  expect(a.status, a.text).toBe(201);
  return a.body.token as string;
}

beforeAll(async () => {
  app = await startApp();
  admin = client(app.baseUrl);
  await putAdrBody(admin, 'ADR-X');
  await putAdrBody(admin, 'ADR-Y');
  const r = await admin.ndjson(ndjson(SEEDS.map(seedComplaint)));
  expect(r.status, r.text).toBe(200);
  const rows = await app.store.db.selectFrom('complaints').select(['id', 'external_ref']).execute();
  for (const row of rows) ids[row.external_ref.split('-')[1]!] = row.id;
  expect(Object.keys(ids).sort()).toEqual(SEEDS.map((s) => s.key).sort());
  tok.regulator = await issue('regulator', 'scope regulator');
  tok.traderA = await issue('trader', 'Alpha desk', { traderId: TRADERS.A.id });
  tok.traderB = await issue('trader', 'Beta desk', { traderId: TRADERS.B.id });
  tok.adrX = await issue('adr_body', 'ADR X desk', { adrBodyId: 'ADR-X' });
  tok.adrY = await issue('adr_body', 'ADR Y desk', { adrBodyId: 'ADR-Y' });
  tok.ingestA = await issue('ingest', 'feed A', { source: 'feed-a' });
  const run = await admin.postRaw('/api/v1/etl/runs?wait=true', undefined);
  expect(run.body.status, run.text).toBe('succeeded');
}, 60_000);
afterAll(() => app?.close());

const containsPii = (text: string) => PII_VALUES.filter((v) => text.includes(v));

describe('registry: list, detail, export by role', () => {
  it('admin and regulator list every case; traders their own; ADR bodies those transmitted to them', async () => {
    for (const [who, where] of [
      ['regulator', {}],
      ['traderA', { traderId: TRADERS.A.id }],
      ['traderB', { traderId: TRADERS.B.id }],
      ['adrX', { adrBodyId: 'ADR-X' }],
      ['adrY', { adrBodyId: 'ADR-Y' }],
    ] as const) {
      const want = await expected(where);
      const a = await as(who).get('/api/v1/complaints?limit=500');
      expect(a.status, `${who}: ${a.text}`).toBe(200);
      expect(a.body.total, who).toBe(want.complaints);
      expect(a.body.items.map((i: { id: string }) => i.id).sort(), who).toEqual(want.ids);
      expect(containsPii(a.text), who).toEqual([]);
    }
    const all = await admin.get('/api/v1/complaints?limit=500');
    expect(all.body.total).toBe(SEEDS.length);
  });

  it('a filter naming another trader or body narrows to nothing, never widens', async () => {
    const a = await as('traderA').get(`/api/v1/complaints?traderId=${TRADERS.B.id}`);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ items: [], total: 0 });
    const both = await as('traderA').get(`/api/v1/complaints?traderId=${TRADERS.A.id},${TRADERS.B.id}`);
    expect(both.body.total).toBe((await expected({ traderId: TRADERS.A.id })).complaints);
    expect((await as('adrX').get('/api/v1/complaints?adrBodyId=ADR-Y')).body.total).toBe(0);
    expect((await as('adrX').get(`/api/v1/complaints?traderId=${TRADERS.B.id}`)).body.total).toBe(1); // B3
    // Free text cannot reach another trader's cases either.
    const q = await as('traderA').get(`/api/v1/complaints?q=${encodeURIComponent(TRADERS.B.name)}`);
    expect(q.body.total).toBe(0);
    expect(q.text).not.toContain(TRADERS.B.name);
  });

  it('detail: out of scope is a 404 like a case that does not exist; inside, the trader and body read it in full', async () => {
    const ghost = await as('traderA').complaint('999999999');
    expectError(ghost, 404);
    for (const [who, key] of [
      ['traderA', 'B1'],
      ['traderB', 'A1'],
      ['adrX', 'A2'],
      ['adrX', 'B1'],
      ['adrY', 'A1'],
    ] as const) {
      const a = await as(who).complaint(ids[key]!);
      expectError(a, 404);
      expect(a.body.message, `${who} ${key}`).toBe(`no complaint ${ids[key]}`);
      expect(containsPii(a.text)).toEqual([]);
    }
    for (const [who, key] of [
      ['traderA', 'A1'],
      ['traderB', 'B3'],
      ['adrX', 'A1'],
      ['adrX', 'B3'],
      ['adrY', 'B1'],
    ] as const) {
      const a = await as(who).complaint(ids[key]!);
      expect(a.status, `${who} ${key}: ${a.text}`).toBe(200);
      expect(a.body.consumer.name).toBe(`${PII.name} ${key}`);
      expect(a.body.consumer.email).toBe(PII.email);
      expect(a.body.description).toBe(`${PII.description} ${key}`);
    }
  });

  it('regulators: every case, personal data null in the detail, unmasked for admins', async () => {
    for (const key of Object.keys(ids)) {
      const a = await as('regulator').complaint(ids[key]!);
      expect(a.status).toBe(200);
      expect(a.body.consumer).toMatchObject({ name: null, email: null, address: null });
      expect(a.body.consumer.country).toBeTruthy();
      expect(a.body.description).toBeNull();
      expect(containsPii(a.text)).toEqual([]);
    }
    const full = await admin.complaint(ids.A1!);
    expect(full.body.consumer.address).toBe(PII.address);
  });

  it("regulators' free text does not search descriptions; an admin's does", async () => {
    const q = `/api/v1/complaints?q=${encodeURIComponent('Unmistakable-secret')}`;
    expect((await admin.get(q)).body.total).toBe(SEEDS.length);
    expect((await as('regulator').get(q)).body.total).toBe(0);
    expect((await as('traderA').get(q)).body.total).toBe(3);
  });

  it('export (CSV, NDJSON, Parquet): scoped, and masked for regulators', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'odr-scope-'));
    try {
      for (const [who, where, masked] of [
        ['regulator', {}, true],
        ['traderA', { traderId: TRADERS.A.id }, false],
        ['adrX', { adrBodyId: 'ADR-X' }, false],
      ] as const) {
        const want = await expected(where);
        const refs = (await app.store.db.selectFrom('complaints').select(['id', 'external_ref']).execute())
          .filter((r) => want.ids.includes(r.id))
          .map((r) => r.external_ref)
          .sort();
        const nd = await as(who).get('/api/v1/complaints/export?format=ndjson');
        expect(nd.status, nd.text).toBe(200);
        const lines = nd.text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as TestComplaint);
        expect(lines.map((l) => l.externalRef).sort(), who).toEqual(refs);
        const csv = await as(who).get('/api/v1/complaints/export?format=csv');
        expect(csv.status).toBe(200);
        expect(csv.text.trim().split('\n').length - 1, who).toBe(refs.length);
        const pq = await fetch(`${app.baseUrl}/api/v1/complaints/export?format=parquet`, {
          headers: { authorization: `Bearer ${tok[who]}` },
        });
        expect(pq.status).toBe(200);
        const file = path.join(dir, `${who}.parquet`);
        await writeFile(file, Buffer.from(await pq.arrayBuffer()));
        const parquetRows: unknown[] = [];
        for await (const item of readParquetFile(file)) parquetRows.push(item.input);
        expect(parquetRows.length, who).toBe(refs.length);
        const texts = [nd.text, csv.text, JSON.stringify(parquetRows)];
        if (masked) {
          for (const t of texts) expect(containsPii(t), who).toEqual([]);
          for (const l of lines) {
            expect(l.consumer.name).toBeUndefined();
            expect(l.description).toBeUndefined();
            expect(l.consumer.country).toBeTruthy();
          }
        } else {
          for (const t of texts) expect(t).toContain(PII.email);
        }
        if (who === 'traderA') for (const t of texts) expect(t).not.toContain(TRADERS.B.name);
      }
      // A filter naming another trader exports nothing but the header.
      const none = await as('traderA').get(`/api/v1/complaints/export?format=csv&traderId=${TRADERS.B.id}`);
      expect(none.status).toBe(200);
      expect(none.text.trim().split('\n')).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const STATS = [
  'summary',
  'countries',
  'countries?side=trader',
  'flows',
  'trend',
  'trend?interval=year',
  'sectors',
  'problems',
  'outcomes',
  'overdue',
] as const;

describe('analytics by role', () => {
  async function checkStats(who: keyof typeof tok | 'admin', where: { traderId?: string; adrBodyId?: string }, query = '') {
    const c = who === 'admin' ? admin : as(who);
    const want = await expected(where);
    const get = async (p: string) => {
      const url = `/api/v1/stats/${p}${query ? (p.includes('?') ? '&' : '?') + query : ''}`;
      const a = await c.get(url);
      expect(a.status, `${who} ${url}: ${a.text}`).toBe(200);
      return a;
    };
    const sum = (items: { complaints: number }[]) => items.reduce((s, i) => s + i.complaints, 0);
    const byKey = (items: Record<string, unknown>[], k: string) => Object.fromEntries(items.map((i) => [String(i[k]), i.complaints]));
    const s = await get('summary');
    expect(s.body, who).toMatchObject({ complaints: want.complaints, crossBorder: want.crossBorder, closed: want.closed });
    expect(byKey((await get('countries')).body.items, 'country'), who).toEqual(want.byConsumer);
    expect(byKey((await get('countries?side=trader')).body.items, 'country'), who).toEqual(want.byTraderCountry);
    const flows = (await get('flows')).body.items as { consumerCountry: string; traderCountry: string; complaints: number }[];
    expect(Object.fromEntries(flows.map((f) => [`${f.consumerCountry}>${f.traderCountry}`, f.complaints])), who).toEqual(want.flows);
    expect(sum((await get('trend')).body.items), who).toBe(want.complaints);
    expect(byKey((await get('sectors')).body.items, 'code'), who).toEqual(want.bySector);
    expect(byKey((await get('problems')).body.items, 'code'), who).toEqual(want.byProblem);
    expect((await get('outcomes')).body.closed, who).toBe(want.closed);
    expect((await get('overdue')).body.open, who).toBe(want.open);
    return want;
  }

  it("each role's figures cover exactly its scope (the cache never serves one caller's answer to another)", async () => {
    // Scoped callers first, so a cache keyed without the scope would hand their answers to admin.
    await checkStats('traderA', { traderId: TRADERS.A.id });
    await checkStats('traderB', { traderId: TRADERS.B.id });
    await checkStats('adrX', { adrBodyId: 'ADR-X' });
    await checkStats('adrY', { adrBodyId: 'ADR-Y' });
    await checkStats('regulator', {});
    const all = await checkStats('admin', {});
    expect(all.complaints).toBe(SEEDS.length);
  });

  it("a filter naming another trader or body yields nothing; no other trader's id or name in any answer", async () => {
    const s = await as('traderA').get(`/api/v1/stats/summary?traderId=${TRADERS.B.id}`);
    expect(s.status).toBe(200);
    expect(s.body.complaints).toBe(0);
    expect((await as('adrX').get('/api/v1/stats/summary?adrBodyId=ADR-Y')).body.complaints).toBe(0);
    for (const p of STATS) {
      const a = await as('traderA').get(`/api/v1/stats/${p}`);
      expect(a.text, p).not.toContain(TRADERS.B.id);
      expect(a.text, p).not.toContain(TRADERS.B.name);
    }
    // The regulators' trader table is not for traders or ADR bodies.
    expectError(await as('traderA').get('/api/v1/stats/traders'), 403);
    expectError(await as('adrX').get('/api/v1/stats/traders'), 403);
    expect((await as('regulator').get('/api/v1/stats/traders')).status).toBe(200);
  });

  it("benchmark: a trader reads its own only (another's is a 404, like an unknown trader); suppressed peers carry no figure", async () => {
    const own = await as('traderA').get(`/api/v1/stats/traders/${TRADERS.A.id}/benchmark?year=2024`);
    expect(own.status, own.text).toBe(200);
    expect(own.body.own.complaints).toBe((await expected({ traderId: TRADERS.A.id })).complaints);
    // Fewer than 5 peers: withheld, and nothing about any peer is in the answer.
    expect(own.body.peers).toEqual({ suppressed: true, minPeers: 5, minClosed: 10, count: null, quartiles: null, percentile: null });
    expect(own.text).not.toContain(TRADERS.B.id);
    const other = await as('traderA').get(`/api/v1/stats/traders/${TRADERS.B.id}/benchmark?year=2024`);
    expectError(other, 404);
    const unknown = await as('traderA').get('/api/v1/stats/traders/T-NOBODY/benchmark?year=2024');
    expectError(unknown, 404);
    expect(other.body.message).toBe(`no trader "${TRADERS.B.id}"`);
    expect(unknown.body.message).toBe('no trader "T-NOBODY"');
    // Regulators and admins read any trader's; ADR bodies none.
    expect((await as('regulator').get(`/api/v1/stats/traders/${TRADERS.B.id}/benchmark?year=2024`)).status).toBe(200);
    expectError(await as('adrX').get(`/api/v1/stats/traders/${TRADERS.A.id}/benchmark?year=2024`), 403);
    // Computed for B first by the regulator: A's later read is still A's own.
    const again = await as('traderB').get(`/api/v1/stats/traders/${TRADERS.B.id}/benchmark?year=2024`);
    expect(again.body.traderId).toBe(TRADERS.B.id);
  });

  it("ADR report: a body reads its own only (another body's is a 404); figures match the store", async () => {
    const received = async (body: string) =>
      Number(
        (
          await sql<{
            n: number;
          }>`select count(*)::int as n from complaints where adr_body_id = ${body} and agreed_at >= '2024-01-01' and agreed_at < '2025-01-01'`.execute(
            app.store.db,
          )
        ).rows[0]!.n,
      );
    const own = await as('adrX').get('/api/v1/stats/adr-bodies/ADR-X/report?year=2024');
    expect(own.status, own.text).toBe(200);
    expect(own.body.received).toBe(await received('ADR-X'));
    expect(own.body.received).toBe(2);
    const other = await as('adrX').get('/api/v1/stats/adr-bodies/ADR-Y/report?year=2024');
    expectError(other, 404);
    expect(other.body.message).toBe('no ADR body "ADR-Y"');
    expectError(await as('adrX').get('/api/v1/stats/adr-bodies/ADR-NOBODY/report?year=2024'), 404);
    const y = await as('adrY').get('/api/v1/stats/adr-bodies/ADR-Y/report?year=2024');
    expect(y.body.received).toBe(await received('ADR-Y'));
    expect((await as('regulator').get('/api/v1/stats/adr-bodies/ADR-Y/report?year=2024')).body.received).toBe(1);
    expectError(await as('traderA').get('/api/v1/stats/adr-bodies/ADR-X/report?year=2024'), 403);
  });
});

describe('events by role', () => {
  const at = (key: string, days: number) => addDays(addDays(FILED, Object.keys(ids).sort().indexOf(key)), days);

  it('a trader posts only trader_replied and settled_directly, on its own cases', async () => {
    const before = await counts(app.store);
    const wrongType = await as('traderA').event(ids.A1!, { type: 'adr_accepted', at: at('A1', 5) });
    expectError(wrongType, 403);
    expect(wrongType.body.message).toContain('trader_replied, settled_directly');
    // Another trader's case: 404 (even with an allowed type), its existence not revealed.
    expectError(await as('traderA').event(ids.B2!, { type: 'trader_replied', at: at('B2', 1), decision: 'direct_talks' }), 404);
    expectError(await as('traderA').event('999999999', { type: 'trader_replied', at: at('B2', 1), decision: 'direct_talks' }), 404);
    expect(await counts(app.store)).toEqual(before);
    const ok = await as('traderA').event(ids.A2!, { type: 'trader_replied', at: addDays(FILED, 2), decision: 'direct_talks' });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.stage).toBe('trader_replied');
  });

  it('an ADR body posts only its five event types, on cases transmitted to it', async () => {
    expectError(await as('adrX').event(ids.A1!, { type: 'trader_replied', at: at('A1', 5), decision: 'declines' }), 403);
    expectError(await as('adrX').event(ids.A1!, { type: 'adr_body_agreed', at: at('A1', 5), adrBodyId: 'ADR-X' }), 403);
    expectError(await as('adrX').event(ids.B1!, { type: 'adr_accepted', at: at('B1', 5) }), 404);
    const ok = await as('adrX').event(ids.A1!, { type: 'adr_accepted', at: addDays(FILED, 4) });
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.stage).toBe('adr_in_progress');
  });

  it('an ingest token posts any event, but only on complaints of its source; regulators none', async () => {
    expectError(await as('ingestA').event(ids.B2!, { type: 'withdrawn', at: addDays(FILED, 9) }), 404);
    const ok = await as('ingestA').event(ids.A2!, { type: 'withdrawn', at: addDays(FILED, 9) });
    expect(ok.status, ok.text).toBe(201);
    expectError(await as('regulator').event(ids.B2!, { type: 'withdrawn', at: addDays(FILED, 9) }), 403);
  });
});

describe('ingest source scoping', () => {
  const mine = (o: Partial<TestComplaint> = {}) => validComplaint({ externalRef: uniqueRef('SC-ING'), ...o });

  it('one complaint naming another source → 403, nothing written; none → the token’s source', async () => {
    const ingest = as('ingestA');
    const before = await counts(app.store);
    const foreign = await ingest.postJson('/api/v1/complaints', mine({ source: 'feed-b' }));
    expectError(foreign, 403);
    expect(foreign.body.message).toContain('feed-a');
    expect(await counts(app.store)).toEqual(before);
    const ok = await ingest.postJson('/api/v1/complaints', mine());
    expect(ok.status, ok.text).toBe(201);
    expect(ok.body.source).toBe('feed-a');
    const named = await ingest.postJson('/api/v1/complaints', mine({ source: 'feed-a' }));
    expect(named.status).toBe(201);
  });

  it('bulk: a line (NDJSON or CSV) or ?source= naming another source → 403 for the whole request, nothing written', async () => {
    const ingest = as('ingestA');
    const before = await counts(app.store);
    const batchesBefore = await app.store.db.selectFrom('ingest_batches').select('id').execute();
    const nd = await ingest.ndjson(ndjson([mine(), mine({ source: 'feed-b' }), mine()]));
    expectError(nd, 403);
    expect(nd.body.message).toContain('line 2');
    const invalidToo = await ingest.ndjson(ndjson([{ ...mine({ source: 'feed-b' }), sector: 'nonsense' }]));
    expectError(invalidToo, 403);
    const cs = await ingest.csv(csvOf([mine(), mine({ source: 'feed-b' })]));
    expectError(cs, 403);
    expectError(await ingest.ndjson(ndjson([mine()]), '?source=feed-b'), 403);
    expect(await counts(app.store)).toEqual(before);
    expect((await app.store.db.selectFrom('ingest_batches').select('id').execute()).length).toBe(batchesBefore.length);
    // The admin may write any source.
    expect((await admin.ndjson(ndjson([mine({ source: 'feed-b' })]))).status).toBe(200);
  });

  it("batches: recorded with the caller; an ingest token reads only its source's batches", async () => {
    const ingest = as('ingestA');
    const own = await ingest.ndjson(ndjson([mine(), mine({ source: 'feed-a' })]));
    expect(own.status, own.text).toBe(200);
    const read = await ingest.get(`/api/v1/batches/${own.body.batchId}`);
    expect(read.status, read.text).toBe(200);
    expect(read.body).toMatchObject({ source: 'feed-a', caller: 'ingest:feed-a (feed A)', inserted: 2 });
    const adminBatch = await admin.ndjson(ndjson([mine({ source: 'feed-b' })]));
    expect(adminBatch.status).toBe(200);
    expectError(await ingest.get(`/api/v1/batches/${adminBatch.body.batchId}`), 404);
    const byAdmin = await admin.get(`/api/v1/batches/${adminBatch.body.batchId}`);
    expect(byAdmin.body.caller).toBe('admin (ADMIN_TOKEN)');
    expect((await admin.get(`/api/v1/batches/${own.body.batchId}`)).status).toBe(200);
  });
});

describe('personal data never in error messages or the log', () => {
  it('validation errors name the field, never its value', async () => {
    const long = `${PII.name}-`.repeat(30);
    const cases: [string, unknown][] = [
      ['bad e-mail', validComplaint({ consumer: { country: 'IT', email: `${PII.name} no-at-sign` } })],
      ['long name', validComplaint({ consumer: { country: 'IT', name: long } })],
      ['long address', validComplaint({ consumer: { country: 'IT', address: `${PII.address} `.repeat(60) } })],
      ['NUL in description', validComplaint({ description: `${PII.description}\u0000` })],
      ['unknown field', { ...validComplaint({ consumer: { country: 'IT', name: PII.name } }), nickname: PII.name }],
    ];
    for (const [what, body] of cases) {
      const a = await admin.postJson('/api/v1/complaints', body);
      expect(a.status, what).toBe(422);
      expect(containsPii(a.text), `${what}: ${a.text}`).toEqual([]);
      expect(a.text).not.toContain('Zelda');
    }
    // A broken NDJSON line and a broken JSON body are reported by position only.
    const nd = await admin.ndjson(`{"externalRef": "x", "consumer": {"name": "${PII.name}", }\n`);
    expectError(nd, 422);
    expect(nd.text).not.toContain('Zelda');
    const raw = await admin.postRaw('/api/v1/complaints', `{"consumer": {"name": "${PII.name}" oops`, 'application/json');
    expectError(raw, 400);
    expect(raw.text).not.toContain('Zelda');
  });

  it('the request log holds method, path and status only: no query, no body', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const t = await createTestStore();
    const config = loadConfig({
      LOG_LEVEL: 'info',
      ETL_CRON: 'off',
      DEMO: 'false',
      AUTO_CLOSE_DAYS: 'off',
      DUCKDB_PATH: ':memory:',
      ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    });
    const logged = await createApp({ config, store: t.store, logger: pino({ level: 'info' }, sink) });
    await logged.listen(0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${(logged.getHttpServer().address() as { port: number }).port}`;
      const c = client(base);
      await c.postJson(
        '/api/v1/complaints',
        validComplaint({
          consumer: { country: 'IT', name: PII.name, email: PII.email, address: PII.address },
          description: PII.description,
        }),
      );
      await c.postJson('/api/v1/complaints', validComplaint({ consumer: { country: 'IT', email: PII.email.replace('@', ' ') } }));
      await c.get(`/api/v1/complaints?q=${encodeURIComponent(PII.name)}`);
      await c.ndjson(`{"consumer": {"name": "${PII.name}"\n`);
    } finally {
      await logged.close();
      await t.close();
    }
    const log = lines.join('');
    expect(log).toContain('/api/v1/complaints');
    expect(containsPii(log)).toEqual([]);
    expect(log).not.toContain('Zelda');
  });
});

describe('hostile strings in every filter parameter: 200 or 400, never a 500', () => {
  const HOSTILE = [
    "'); DROP TABLE complaints;--",
    '%',
    '_',
    '\\',
    '<script>alert(1)</script>',
    'x'.repeat(5000),
    'Zoë 🚀 日本語 \u202e ﷽',
    'a\u0000b',
    '%00',
    "' OR '1'='1",
    '$1',
    '{{where}}',
  ];
  const REGISTRY_PARAMS = [
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
  ];
  const ANALYTICS_PARAMS = REGISTRY_PARAMS.filter((p) => !['q', 'sort', 'limit', 'cursor'].includes(p));

  async function sweep(c: Client, base: string, params: string[]) {
    const bad: string[] = [];
    for (const p of params) {
      for (const v of HOSTILE) {
        const url = `${base}${base.includes('?') ? '&' : '?'}${p}=${encodeURIComponent(v)}`;
        const a = await c.get(url);
        if (a.status !== 200 && a.status !== 400) bad.push(`${url.slice(0, 120)} → ${a.status} ${a.text.slice(0, 200)}`);
        else if (a.status === 400) expectError(a, 400);
      }
    }
    return bad;
  }

  it('registry list and export', async () => {
    const bad = [
      ...(await sweep(admin, '/api/v1/complaints', REGISTRY_PARAMS)),
      ...(await sweep(as('traderA'), '/api/v1/complaints', REGISTRY_PARAMS)),
      ...(await sweep(as('regulator'), '/api/v1/complaints/export', [
        ...REGISTRY_PARAMS.filter((p) => !['sort', 'limit', 'cursor'].includes(p)),
        'format',
      ])),
    ];
    expect(bad).toEqual([]);
    expect((await admin.get('/api/v1/complaints?limit=1')).body.total).toBeGreaterThanOrEqual(SEEDS.length);
  }, 120_000);

  it('every analytics endpoint', async () => {
    const bad: string[] = [];
    for (const p of ['summary', 'flows', 'sectors', 'problems', 'outcomes', 'overdue'])
      bad.push(...(await sweep(as('adrX'), `/api/v1/stats/${p}`, ANALYTICS_PARAMS)));
    bad.push(...(await sweep(as('traderA'), '/api/v1/stats/countries', [...ANALYTICS_PARAMS, 'side'])));
    bad.push(...(await sweep(as('regulator'), '/api/v1/stats/trend', [...ANALYTICS_PARAMS, 'interval'])));
    bad.push(...(await sweep(as('regulator'), '/api/v1/stats/traders', [...ANALYTICS_PARAMS, 'limit'])));
    bad.push(...(await sweep(as('traderA'), `/api/v1/stats/traders/${TRADERS.A.id}/benchmark?year=2024`, ['year', 'sector'])));
    bad.push(...(await sweep(as('adrX'), '/api/v1/stats/adr-bodies/ADR-X/report', ['year', 'fromYear', 'toYear'])));
    // Path parameters too.
    for (const v of HOSTILE.slice(0, 6)) {
      for (const url of [
        `/api/v1/stats/traders/${encodeURIComponent(v)}/benchmark?year=2024`,
        `/api/v1/stats/adr-bodies/${encodeURIComponent(v)}/report?year=2024`,
        `/api/v1/complaints/${encodeURIComponent(v)}`,
      ]) {
        const a = await as('regulator').get(url);
        if (![400, 404].includes(a.status)) bad.push(`${url.slice(0, 120)} → ${a.status}`);
      }
    }
    expect(bad).toEqual([]);
    const s = await admin.get('/api/v1/stats/summary');
    expect(s.status).toBe(200);
  }, 180_000);
});
