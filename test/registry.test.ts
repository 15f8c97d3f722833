/**
 * The case registry over HTTP (contract "Case registry"): every filter, list values and aliases,
 * free-text search treated as data, keyset paging that stays stable while cases arrive, the
 * capped total, and 400s that name the parameter. Expected results come from plain SQL written
 * here (or from the test's own dataset), never from the code under test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompiledQuery, sql } from 'kysely';
import { RegistryService } from '../api/src/registry/registry.service.js';
import { RegistryRepository } from '../api/src/registry/registry.repository.js';
import { registryListQuery } from '../api/src/registry/registry.dto.js';
import { addDays, DAY_MS, ev, type TestComplaint, type TestEvent } from './support/complaints.js';
import { client, expectError, putAdrBody, startApp, type Client, type RunningApp } from './support/http.js';

let app: RunningApp;
let api: Client;
const RUN = Math.random().toString(36).slice(2, 7).toUpperCase();
const ref = (i: number) => `REG-${RUN}-${String(i).padStart(4, '0')}`;
const N = 96;
const NOW = Date.now();
/** Oldest filing ~120 days ago, one every ~1.2 days, three at a time sharing the same instant. */
const filedAt = (i: number) =>
  new Date(Math.floor((NOW - 120 * DAY_MS) / 60_000) * 60_000 + Math.floor(i / 3) * 3.6 * DAY_MS).toISOString();

const CONSUMER = ['IT', 'DE', 'FR', 'EL', 'UK', 'AT'];
const TRADER_COUNTRY = ['DE', 'IT', 'FR', 'GR', 'GB', 'ES', 'IT'];
const SECTORS = ['clothing_footwear', 'airlines', 'ict_goods', 'hotels'];
const PROBLEMS = ['delivery', 'quality', 'redress'];
const TRADERS = [
  { id: 'T-SHOP', name: 'Shop GmbH' },
  { id: 'T-MUELLER', name: 'Müller & Söhne KG' },
  { id: 'T-ELAN' }, // registered below as "Élan Électronique SARL"; complaints name only the id
  { id: 'T-FLY', name: 'FlyCheap Ltd' },
];
const INJECTION = "'); DROP TABLE complaints; --";
const DESCRIPTIONS: Record<number, string> = {
  10: 'Voucher promised 50% off_sale, never honoured',
  11: 'Voucher promised 50 percent offXsale',
  12: `I typed ${INJECTION} in their form`,
  13: 'Backslash \\ and "quotes" here',
};

function lifecycle(i: number, at: string): TestEvent[] {
  const t = (h: number) => addDays(at, h / 24);
  switch (i % 8) {
    case 0:
      return [];
    case 1:
      return [ev.sent(t(1))];
    case 2:
      return [ev.sent(t(1)), ev.replied(t(5))];
    case 3:
      return [ev.sent(t(1)), ev.replied(t(5)), ev.agreed(t(9), 'ADR-A')];
    case 4:
      return [ev.sent(t(1)), ev.replied(t(5)), ev.agreed(t(9), 'ADR-B'), ev.accepted(t(20))];
    case 5:
      return [ev.sent(t(1)), ev.replied(t(5)), ev.agreed(t(9), 'ADR-A'), ev.accepted(t(20)), ev.outcome(t(40)), ev.compliance(t(60), true)];
    case 6:
      return [ev.sent(t(1)), ev.withdrawn(t(3))];
    default:
      return [ev.sent(t(1)), ev.replied(t(5), 'declines'), ev.noAgreement(t(6))];
  }
}

function complaint(i: number): TestComplaint {
  const at = filedAt(i);
  const trader = TRADERS[i % TRADERS.length]!;
  // Events must not be in the future: the newest cases keep only the events already past.
  const events = lifecycle(i, at).filter((e) => Date.parse(e.at) < NOW - 60_000);
  return {
    externalRef: ref(i),
    source: i % 2 === 0 ? 'feed-a' : 'feed-b',
    filedAt: at,
    consumer: { country: CONSUMER[i % CONSUMER.length]!, name: `Person ${i}` },
    trader: { ...trader, country: TRADER_COUNTRY[i % TRADER_COUNTRY.length]! },
    sector: SECTORS[i % SECTORS.length]!,
    problem: PROBLEMS[i % PROBLEMS.length]!,
    description: DESCRIPTIONS[i] ?? `Case number ${i} about an order`,
    events,
  };
}
const DATASET = Array.from({ length: N }, (_, i) => complaint(i));

/** The registry's answer, every page walked with `limit`. */
async function walk(query: string, limit = 500): Promise<{ refs: string[]; pages: number; totals: number[] }> {
  const refs: string[] = [];
  const totals: number[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = query ? '&' : '';
    const a = await api.get(`/api/v1/complaints?${query}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(a.status, a.text).toBe(200);
    refs.push(...a.body.items.map((c: { externalRef: string }) => c.externalRef));
    totals.push(a.body.total);
    cursor = a.body.nextCursor;
    pages++;
    if (pages > 1000) throw new Error('paging does not end');
  } while (cursor);
  return { refs, pages, totals };
}

/** Plain SQL over this run's cases, newest first (the default sort). */
async function oracle(where: string, params: unknown[] = [], order = 'filed_at DESC, id DESC'): Promise<string[]> {
  const text = `SELECT external_ref FROM complaints WHERE external_ref LIKE 'REG-${RUN}-%' AND (${where}) ORDER BY ${order}`;
  const rows = await app.store.db.executeQuery<{ external_ref: string }>(CompiledQuery.raw(text, params));
  return rows.rows.map((r) => r.external_ref);
}

const mine = (refs: string[]) => refs.filter((r) => r.startsWith(`REG-${RUN}-`));

beforeAll(async () => {
  app = await startApp();
  api = client(app.baseUrl);
  await putAdrBody(api, 'ADR-A', 'IT');
  await putAdrBody(api, 'ADR-B', 'DE');
  const t = await api.putJson('/api/v1/traders/T-ELAN', { name: 'Élan Électronique SARL', country: 'FR' });
  expect([200, 201], t.text).toContain(t.status);
  const a = await api.ndjson(DATASET.map((c) => JSON.stringify(c)).join('\n'));
  expect(a.status, a.text).toBe(200);
  expect(a.body.inserted).toBe(N);
});

afterAll(async () => {
  await app?.close();
});

describe('registry list: filters', () => {
  it('lists every case newest first, ties by id, with summaries', async () => {
    const { refs, totals } = await walk('');
    expect(mine(refs)).toEqual(await oracle('true'));
    expect(totals[0]).toBe(N);
    const a = await api.get('/api/v1/complaints?limit=1');
    const item = a.body.items[0];
    expect(Object.keys(item).sort()).toEqual([
      'adrBodyId',
      'closedAt',
      'closure',
      'consumerCountry',
      'crossBorder',
      'daysOpen',
      'dueAt',
      'externalRef',
      'filedAt',
      'id',
      'overdue',
      'problem',
      'sector',
      'source',
      'stage',
      'status',
      'traderCountry',
      'traderId',
      'traderName',
    ]);
  });

  const cases: [string, string, unknown[]?][] = [
    ['status=open', "status = 'open'"],
    ['status=closed', "status = 'closed'"],
    ['status=open,closed', 'true'],
    ['stage=filed,with_trader', "stage IN ('filed', 'with_trader')"],
    ['stage=adr_in_progress', "stage = 'adr_in_progress'"],
    ['closure=withdrawn,adr_outcome', "closure IN ('withdrawn', 'adr_outcome')"],
    ['closure=closed_no_agreement', "closure = 'closed_no_agreement'"],
    ['consumerCountry=EL', "consumer_country = 'GR'"],
    ['consumerCountry=UK,de', "consumer_country IN ('GB', 'DE')"],
    ['consumerCountry=GR&consumerCountry=AT', "consumer_country IN ('GR', 'AT')"],
    ['traderCountry=EL', "trader_country = 'GR'"],
    ['traderCountry=GB,ES', "trader_country IN ('GB', 'ES')"],
    ['sector=airlines,hotels', "sector IN ('airlines', 'hotels')"],
    ['problem=quality', "problem = 'quality'"],
    ['traderId=T-SHOP,T-FLY', "trader_id IN ('T-SHOP', 'T-FLY')"],
    ['adrBodyId=ADR-A', "adr_body_id = 'ADR-A'"],
    ['adrBodyId=ADR-A,ADR-B', "adr_body_id IN ('ADR-A', 'ADR-B')"],
    ['crossBorder=true', 'consumer_country <> trader_country'],
    ['crossBorder=false', 'consumer_country = trader_country'],
    ['source=feed-b', "source = 'feed-b'"],
    ['overdue=true', "status = 'open' AND due_at < now()"],
    ['overdue=false', "NOT (status = 'open' AND due_at IS NOT NULL AND due_at < now())"],
    [
      'stage=with_trader,trader_replied&crossBorder=true&sector=airlines,clothing_footwear,ict_goods',
      "stage IN ('with_trader','trader_replied') AND consumer_country <> trader_country AND sector IN ('airlines','clothing_footwear','ict_goods')",
    ],
    ['status=open&consumerCountry=IT,EL&source=feed-a', "status = 'open' AND consumer_country IN ('IT','GR') AND source = 'feed-a'"],
  ];
  it.each(cases)('%s', async (query, where) => {
    const expected = await oracle(where);
    expect(expected.length, `the dataset must exercise ${query}`).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(N + 1);
    const { refs, totals } = await walk(query, 7);
    expect(mine(refs)).toEqual(expected);
    expect(totals.every((t) => t === refs.length)).toBe(true);
  });

  it('overdue cases are flagged overdue in their summaries, others not', async () => {
    const yes = await api.get('/api/v1/complaints?overdue=true&limit=500');
    expect(yes.body.items.length).toBeGreaterThan(0);
    expect(yes.body.items.every((c: { overdue: boolean; status: string }) => c.overdue && c.status === 'open')).toBe(true);
    const no = await api.get('/api/v1/complaints?overdue=false&limit=500');
    expect(no.body.items.some((c: { overdue: boolean }) => c.overdue)).toBe(false);
    expect(yes.body.total + no.body.total).toBe(N);
  });

  it('from is inclusive and to exclusive, on filedAt; dates mean midnight UTC', async () => {
    const pivot = filedAt(30); // shared by cases 30, 31, 32
    const from = await walk(`from=${encodeURIComponent(pivot)}`, 11);
    expect(mine(from.refs)).toEqual(await oracle('filed_at >= $1', [pivot]));
    expect(from.refs).toContain(ref(30));
    expect(from.refs).toContain(ref(32));
    expect(from.refs).not.toContain(ref(29));
    const to = await walk(`to=${encodeURIComponent(pivot)}`, 11);
    expect(mine(to.refs)).toEqual(await oracle('filed_at < $1', [pivot]));
    expect(to.refs).not.toContain(ref(30));
    expect(to.refs).toContain(ref(29));
    expect(from.refs.length + to.refs.length).toBe(N);

    // The same instant in another zone is the same boundary.
    const shifted = new Date(Date.parse(pivot)).toISOString().replace('Z', '+00:00');
    const plus2 = new Date(Date.parse(pivot) + 2 * 3600_000).toISOString().slice(0, 19) + '+02:00';
    expect((await walk(`from=${encodeURIComponent(shifted)}`)).refs).toEqual(from.refs);
    expect((await walk(`from=${encodeURIComponent(plus2)}`)).refs).toEqual(from.refs);

    const day = filedAt(45).slice(0, 10);
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
    const oneDay = await walk(`from=${day}&to=${next}`);
    expect(mine(oneDay.refs)).toEqual(
      await oracle("filed_at >= $1::date::timestamp AT TIME ZONE 'UTC' AND filed_at < $2::date::timestamp AT TIME ZONE 'UTC'", [day, next]),
    );
    expect(oneDay.refs.length).toBeGreaterThan(0);
  });

  it('sort=filedAt lists oldest first, ties by id', async () => {
    const { refs } = await walk('sort=filedAt', 5);
    expect(mine(refs)).toEqual(await oracle('true', [], 'filed_at ASC, id ASC'));
    const stage = await walk('sort=filedAt&stage=with_trader', 2);
    expect(mine(stage.refs)).toEqual(await oracle("stage = 'with_trader'", [], 'filed_at ASC, id ASC'));
  });
});

describe('registry list: q', () => {
  const q = async (text: string) => mine((await walk(`q=${encodeURIComponent(text)}`)).refs);

  it('finds a reference exactly and by prefix', async () => {
    expect(await q(ref(17))).toEqual([ref(17)]);
    expect(await q(`REG-${RUN}-001`)).toEqual(await oracle(`external_ref LIKE 'REG-${RUN}-001%'`));
    expect((await q(`REG-${RUN}-001`)).length).toBe(10);
  });

  it('finds the trader by name, accents and case folded, also when the complaint gives only the id', async () => {
    const mueller = await oracle("trader_id = 'T-MUELLER'");
    expect(await q('müller')).toEqual(mueller);
    expect(await q('MULLER & sohne')).toEqual(mueller);
    const elan = await oracle("trader_id = 'T-ELAN'");
    expect(elan.length).toBeGreaterThan(0);
    expect(await q('élan électronique')).toEqual(elan);
    expect(await q('elan')).toEqual(elan);
    expect(await q('flycheap')).toEqual(await oracle("trader_id = 'T-FLY'"));
  });

  it('searches the description; LIKE wildcards in q are plain characters', async () => {
    expect(await q('number 4 about')).toEqual([ref(4)]);
    expect(await q('50%')).toEqual([ref(10)]);
    expect(await q('off_sale')).toEqual([ref(10)]);
    expect(await q('offXsale')).toEqual([ref(11)]);
    expect(await q('%')).toEqual([ref(10)]);
    expect(await q('_')).toEqual([ref(10)]);
    expect(await q('\\')).toEqual([ref(13)]);
    expect(await q('"quotes"')).toEqual([ref(13)]);
  });

  it('treats injection attempts as data', async () => {
    expect(await q(INJECTION)).toEqual([ref(12)]);
    expect(await q("'); DROP TABLE nothing; --")).toEqual([]);
    expect(await q("x' OR '1'='1")).toEqual([]);
    expect(await q('%%')).toEqual([]);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from complaints where external_ref like ${`REG-${RUN}-%`}`.execute(
      app.store.db,
    );
    expect(rows[0]!.n).toBe(N);
  });

  it('matches the same cases whether the named traders are looked up first or by sub-query', async () => {
    const repo = new RegistryRepository(app.store.db);
    const now = new Date();
    for (const text of ['müller', 'elan', 'Shop', INJECTION, 'zzz']) {
      const f = { q: text };
      const looked = await repo.page(
        f,
        { now, searchDescription: true, qTraderIds: await repo.traderIdsNamed(text) },
        { ascending: false, limit: 500 },
      );
      const sub = await repo.page(f, { now, searchDescription: true }, { ascending: false, limit: 500 });
      const sparse = await repo.page(f, { now, searchDescription: true }, { ascending: false, limit: 500, sparse: true });
      expect(sub.map((r) => r.id)).toEqual(looked.map((r) => r.id));
      expect(sparse.map((r) => r.id)).toEqual(looked.map((r) => r.id));
    }
  });

  it('combines with the other filters', async () => {
    expect(mine((await walk(`q=${encodeURIComponent('Shop GmbH')}&status=open`)).refs)).toEqual(
      await oracle("trader_id = 'T-SHOP' AND status = 'open'"),
    );
  });
});

describe('registry list: externalRef', () => {
  const byRef = async (query: string) => walk(query);

  it('finds exactly the case with that reference, and nothing for a prefix or another source', async () => {
    const one = await byRef(`externalRef=${encodeURIComponent(ref(17))}`);
    expect(one.refs).toEqual([ref(17)]);
    expect(one.totals).toEqual([1]);
    // Exact, unlike q: a prefix is not a reference.
    expect((await byRef(`externalRef=${encodeURIComponent(`REG-${RUN}-001`)}`)).refs).toEqual([]);
    expect((await byRef(`externalRef=${encodeURIComponent(ref(17))}&source=elsewhere`)).refs).toEqual([]);
    expect((await byRef(`externalRef=${encodeURIComponent(INJECTION)}`)).refs).toEqual([]);
  });

  it('combines with the other filters and with q', async () => {
    const [open] = await oracle(`status = 'open' AND external_ref = '${ref(40)}'`);
    expect((await byRef(`externalRef=${ref(40)}&status=open`)).refs).toEqual(open ? [open] : []);
    expect((await byRef(`externalRef=${ref(40)}&q=${encodeURIComponent(`REG-${RUN}-004`)}`)).refs).toEqual([ref(40)]);
    expect((await byRef(`externalRef=${ref(40)}&q=zzz-nothing`)).refs).toEqual([]);
  });

  it('refuses an empty value and control characters, naming the parameter', async () => {
    for (const bad of ['', '%20', 'a%01b']) {
      const a = await api.get(`/api/v1/complaints?externalRef=${bad}`);
      expectError(a, 400);
      expect(a.body.details?.map((d: { field: string }) => d.field)).toEqual(['externalRef']);
    }
  });
});

describe('registry list: paging', () => {
  it('walks every page in order, each case once, for both sorts and several page sizes', async () => {
    for (const limit of [1, 4, 7, 50]) {
      const desc = await walk('', limit);
      expect(mine(desc.refs)).toEqual(await oracle('true'));
      expect(desc.pages).toBe(Math.ceil(N / limit));
      const asc = await walk('sort=filedAt', limit);
      expect(mine(asc.refs)).toEqual(await oracle('true', [], 'filed_at ASC, id ASC'));
    }
  });

  it('stays stable while new cases arrive between pages', async () => {
    for (const sort of ['-filedAt', 'filedAt']) {
      const order = sort === 'filedAt' ? 'filed_at ASC, id ASC' : 'filed_at DESC, id DESC';
      const expected = await oracle('true', [], order);
      const seen: string[] = [];
      let cursor: string | null = null;
      let page = 0;
      do {
        const a = await api.get(`/api/v1/complaints?sort=${sort}&limit=6${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
        expect(a.status, a.text).toBe(200);
        seen.push(...a.body.items.map((c: { externalRef: string }) => c.externalRef));
        cursor = a.body.nextCursor;
        // New cases: newest, oldest, and ones sharing the filing instant of a listed case.
        const fresh = [0, 1, 2].map((k) => {
          const at =
            k === 0 ? new Date(NOW - 1000 * (page + 1)).toISOString() : k === 1 ? filedAt(0) : filedAt(Math.min(N - 1, page * 6 + 3));
          return { ...complaint(1000 + page * 3 + k), externalRef: `NEW-${RUN}-${sort}-${page}-${k}`, filedAt: at, events: [] };
        });
        const ins = await api.ndjson(fresh.map((c) => JSON.stringify(c)).join('\n'));
        expect(ins.status, ins.text).toBe(200);
        page++;
      } while (cursor);
      expect(new Set(seen).size).toBe(seen.length);
      expect(mine(seen)).toEqual(expected);
    }
  });
});

describe('registry list: total', () => {
  it('with free text: exact up to the cap, then the cap as a lower bound; without: always exact', async () => {
    const svc = new RegistryService(app.store, { freeTextCountCap: 5 });
    const parse = (q: Record<string, string>) => registryListQuery.parse(q) as Parameters<RegistryService['list']>[0];
    const few = await svc.list(parse({ q: ref(17) }));
    expect(few).toMatchObject({ total: 1, totalExact: true });
    const five = await svc.list(parse({ q: `REG-${RUN}-000`, limit: '2' })); // refs 0000–0009
    expect(five).toMatchObject({ total: 5, totalExact: false });
    expect((await oracle('external_ref LIKE $1', [`REG-${RUN}-000%`])).length).toBeGreaterThan(5);
    const exactly = await oracle("external_ref LIKE $1 AND closure = 'withdrawn'", [`REG-${RUN}-001%`]);
    const capped = await svc.list(parse({ q: `REG-${RUN}-001`, closure: 'withdrawn' }));
    expect(exactly).toEqual([ref(14)]);
    expect(capped).toMatchObject({ total: 1, totalExact: true });
    const all = await svc.list(parse({}));
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from complaints`.execute(app.store.db);
    expect(all).toMatchObject({ total: rows[0]!.n, totalExact: true });
    expect(all.items).toHaveLength(50);
  });

  it('is the exact count of matches over HTTP (below 10 000)', async () => {
    const a = await api.get('/api/v1/complaints?status=closed&limit=3');
    expect(a.body.totalExact).toBe(true);
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from complaints where status = 'closed'`.execute(app.store.db);
    expect(a.body.total).toBe(rows[0]!.n);
    expect(a.body.items).toHaveLength(3);
  });
});

describe('registry list: bad requests', () => {
  const bad: [string, string][] = [
    ['foo=1', 'foo'],
    ['stage=bogus', 'stage'],
    ['stage=filed,bogus', 'stage'],
    ['stage=filed,,with_trader', 'stage'],
    ['status=pending', 'status'],
    ['closure=adr_accepted', 'closure'],
    ['consumerCountry=US', 'consumerCountry'],
    ['traderCountry=DE,XX', 'traderCountry'],
    ['sector=shoes', 'sector'],
    ['problem=late', 'problem'],
    ['traderId=' + encodeURIComponent('bad id!'), 'traderId'],
    ['overdue=yes', 'overdue'],
    ['crossBorder=1', 'crossBorder'],
    ['from=2024-13-01', 'from'],
    ['to=yesterday', 'to'],
    ['from=2024-03-05T10:00:00', 'from'],
    ['from=2024-03-05&to=2024-03-05', 'to'],
    ['limit=0', 'limit'],
    ['limit=501', 'limit'],
    ['limit=ten', 'limit'],
    ['limit=-5', 'limit'],
    ['sort=closedAt', 'sort'],
    ['q=', 'q'],
    ['q=' + 'x'.repeat(201), 'q'],
    ['cursor=not-a-cursor', 'cursor'],
    ['cursor=' + Buffer.from('["-filedAt","2024-01-01","1"]').toString('base64url'), 'cursor'],
  ];
  it.each(bad)('%s → 400 naming %s', async (query, field) => {
    const a = await api.get(`/api/v1/complaints?${query}`);
    expectError(a, 400);
    expect(a.body.details?.map((d: { field: string }) => d.field)).toContain(field);
  });

  it('names every unknown parameter, also beside a bad value', async () => {
    const a = await api.get('/api/v1/complaints?stage=nope&colour=red&size=9');
    expectError(a, 400);
    expect(a.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['colour', 'size', 'stage']);
  });

  it('refuses a cursor from the other sort', async () => {
    const first = await api.get('/api/v1/complaints?limit=2');
    expect(first.body.nextCursor).toBeTruthy();
    const a = await api.get(`/api/v1/complaints?sort=filedAt&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expectError(a, 400);
    expect(a.body.details[0].field).toBe('cursor');
    expect(a.body.message).toMatch(/sort/);
  });
});

describe('registry detail', () => {
  it('GET /complaints/{id} answers the case, 404 when unknown, 400 when not an id', async () => {
    const list = await api.get(`/api/v1/complaints?q=${ref(5)}`);
    const id = list.body.items[0].id;
    const a = await api.get(`/api/v1/complaints/${id}`);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ id, externalRef: ref(5), closure: 'adr_outcome' });
    expect(a.body.events.map((e: { type: string }) => e.type)).toContain('compliance_reported');
    expectError(await api.get('/api/v1/complaints/987654321987'), 404);
    expectError(await api.get('/api/v1/complaints/abc'), 400);
  });

  it('"export" is a route, not an id', async () => {
    const a = await api.get('/api/v1/complaints/export?format=ndjson&traderId=T-NOBODY');
    expect(a.status, a.text).toBe(200);
  });
});
