/**
 * The complaint schema (contract "Complaints (ingest)"): what it accepts, how it normalises
 * (aliases, case, canonical timestamps), and for every bad-input class the path and a plain
 * message.
 */
import { describe, expect, it } from 'vitest';
import { calendarDate, complaintInput, dateTime, eventInput, price } from './complaint.schema.js';

const base = () => ({
  externalRef: 'ODR-2024-000123',
  source: 'odr-platform',
  filedAt: '2024-03-05T10:22:00Z',
  complainant: 'consumer',
  consumer: { country: 'IT', language: 'it', name: 'Maria Rossi', email: 'm.rossi@example.org', address: 'Via Roma 1, Torino' },
  trader: { id: 'T-000042', name: 'Shop GmbH', country: 'DE', website: 'https://shop.example' },
  sector: 'clothing_footwear',
  problem: 'delivery',
  problemDetail: 'not_delivered',
  orderedOnline: true,
  price: { amount: '59.90', currency: 'EUR' },
  purchasedAt: '2024-02-20',
  contactedTrader: true,
  language: 'it',
  description: 'Ordered shoes on 20 Feb, never delivered.',
  events: [{ type: 'sent_to_trader', at: '2024-03-05T10:22:05Z' }] as Array<Record<string, unknown>>,
});
type Base = ReturnType<typeof base>;

/** Path (dotted, [i] for indices) and message of every issue. */
function issues(value: unknown): Array<{ path: string; message: string }> {
  const r = complaintInput.safeParse(value);
  if (r.success) return [];
  return r.error.issues.map((i) => ({
    path: i.path
      .map((p) => (typeof p === 'number' ? `[${p}]` : String(p)))
      .join('.')
      .replace(/\.\[/g, '['),
    message: i.message,
  }));
}

function expectIssue(value: unknown, path: string, message?: RegExp) {
  const found = issues(value);
  expect(found.length, `expected an issue at ${path}`).toBeGreaterThan(0);
  const at = found.filter((i) => i.path === path);
  expect(at, `issues: ${JSON.stringify(found)}`).not.toHaveLength(0);
  if (message) expect(at.map((i) => i.message).join(' | ')).toMatch(message);
  for (const i of found) {
    expect(i.message).not.toMatch(/\n\s+at |ZodError|\[object Object\]/);
  }
}

const future = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const with_ = (patch: (c: Base) => void): Base => {
  const c = base();
  patch(c);
  return c;
};

describe('accepts and normalises', () => {
  it('accepts the contract example and keeps its values', () => {
    const r = complaintInput.safeParse(base());
    expect(r.success, JSON.stringify(issues(base()))).toBe(true);
    if (!r.success) return;
    expect(r.data.filedAt).toBe('2024-03-05T10:22:00.000Z');
    expect(r.data.events?.[0]).toEqual({ type: 'sent_to_trader', at: '2024-03-05T10:22:05.000Z' });
    expect(r.data.price).toEqual({ amount: '59.90', currency: 'EUR' });
  });

  it('accepts only the required fields; complainant defaults to consumer', () => {
    const r = complaintInput.safeParse({
      externalRef: 'R1',
      filedAt: '2024-03-05T10:22:00Z',
      consumer: { country: 'FR' },
      trader: { name: 'Acme', country: 'FR' },
      sector: 'airlines',
      problem: 'other',
    });
    expect(r.success).toBe(true);
    if (r.success) expect(r.data.complainant).toBe('consumer');
  });

  it.each([
    ['EL', 'GR'],
    ['el', 'GR'],
    ['UK', 'GB'],
    ['uk', 'GB'],
    [' Uk ', 'GB'],
    ['gr', 'GR'],
    ['de', 'DE'],
    ['NO', 'NO'],
    ['IS', 'IS'],
    ['LI', 'LI'],
  ])('country %j is stored as %s (consumer and trader)', (given, iso) => {
    const r = complaintInput.safeParse(
      with_((c) => {
        c.consumer.country = given;
        c.trader.country = given;
      }),
    );
    expect(r.success).toBe(true);
    if (r.success) {
      expect(r.data.consumer.country).toBe(iso);
      expect(r.data.trader.country).toBe(iso);
    }
  });

  it('upper-cases the currency, lower-cases languages, strips leading zeros of amounts', () => {
    const r = complaintInput.safeParse(
      with_((c) => {
        c.price = { amount: '007.50', currency: 'eur' };
        c.language = 'IT';
        c.consumer.language = 'De';
      }),
    );
    expect(r.success).toBe(true);
    if (!r.success) return;
    expect(r.data.price).toEqual({ amount: '7.50', currency: 'EUR' });
    expect(r.data.language).toBe('it');
    expect(r.data.consumer.language).toBe('de');
  });

  it('turns any zone offset into canonical UTC with milliseconds', () => {
    expect(dateTime.parse('2024-03-05T11:22:00+01:00')).toBe('2024-03-05T10:22:00.000Z');
    expect(dateTime.parse('2024-03-05T10:22:00.123456Z')).toBe('2024-03-05T10:22:00.123Z');
    expect(dateTime.parse('2024-03-05T10:22Z')).toBe('2024-03-05T10:22:00.000Z');
    expect(dateTime.parse('2024-02-29T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
  });

  it('takes offsets up to ±15:59 (what PostgreSQL reads) and refuses wider ones by name', () => {
    expect(dateTime.parse('2024-03-06T02:21:00+15:59')).toBe('2024-03-05T10:22:00.000Z');
    expect(dateTime.parse('2024-03-04T18:23:00-15:59')).toBe('2024-03-05T10:22:00.000Z');
    for (const v of ['2024-03-05T10:22:00+16:00', '2024-03-05T10:22:00-23:59', '2024-03-05T10:22:00+1600']) {
      const r = dateTime.safeParse(v);
      expect(r.success, v).toBe(false);
      expect(r.error?.issues[0]?.message, v).toMatch(/offset beyond ±15:59/);
    }
  });

  it('accepts every event type with its payload', () => {
    const events = [
      { type: 'sent_to_trader', at: '2024-03-05T11:00:00Z' },
      { type: 'trader_replied', at: '2024-03-06T11:00:00Z', decision: 'proposes_adr' },
      { type: 'adr_body_agreed', at: '2024-03-07T11:00:00Z', adrBodyId: 'ADR-1' },
      { type: 'adr_accepted', at: '2024-03-08T11:00:00Z' },
      { type: 'adr_outcome', at: '2024-03-09T11:00:00Z', result: 'amicable' },
      { type: 'compliance_reported', at: '2024-03-10T11:00:00Z', complied: false },
      { type: 'adr_refused', at: '2024-03-08T11:00:00Z', ground: 'f' },
      { type: 'adr_discontinued', at: '2024-03-08T11:00:00Z', reason: 'consumer_unresponsive', note: 'no reply' },
      { type: 'settled_directly', at: '2024-03-08T11:00:00Z' },
      { type: 'withdrawn', at: '2024-03-08T11:00:00Z' },
      { type: 'closed_no_agreement', at: '2024-03-08T11:00:00Z' },
    ];
    for (const e of events) expect(eventInput.safeParse(e).success, JSON.stringify(e)).toBe(true);
  });
});

describe('refuses, naming the field', () => {
  it('unknown fields, at the top, in consumer, trader, price and events', () => {
    const found = issues({ ...base(), foo: 1 });
    expect(found.map((i) => `${i.path} ${i.message}`).join(' ')).toMatch(/foo/);
    expect(
      issues(with_((c) => ((c.consumer as Record<string, unknown>).phone = '1')))
        .map((i) => `${i.path} ${i.message}`)
        .join(' '),
    ).toMatch(/phone/);
    expect(
      issues(with_((c) => ((c.trader as Record<string, unknown>).vat = '1')))
        .map((i) => `${i.path} ${i.message}`)
        .join(' '),
    ).toMatch(/vat/);
    expect(
      issues(with_((c) => ((c.price as Record<string, unknown>).vat = '1')))
        .map((i) => `${i.path} ${i.message}`)
        .join(' '),
    ).toMatch(/vat/);
    expect(
      issues(with_((c) => (c.events = [{ type: 'sent_to_trader', at: '2024-03-06T00:00:00Z', by: 'x' }])))
        .map((i) => `${i.path} ${i.message}`)
        .join(' '),
    ).toMatch(/by/);
  });

  // The ingest layer words a missing value as "is required" (see test/ingest.test.ts); here the
  // schema must at least put the issue on the field and never call a missing value "undefined".
  it.each(['externalRef', 'filedAt', 'consumer', 'trader', 'sector', 'problem'])('missing required %s', (field) => {
    const c = base() as Record<string, unknown>;
    delete c[field];
    expectIssue(c, field);
    for (const i of issues(c)) expect(i.message).not.toMatch(/"undefined"/);
  });

  it('missing consumer.country and trader.country', () => {
    expectIssue(
      with_((c) => delete (c.consumer as Partial<Base['consumer']>).country),
      'consumer.country',
    );
    expectIssue(
      with_((c) => delete (c.trader as Partial<Base['trader']>).country),
      'trader.country',
    );
  });

  it('a trader with neither id nor name', () => {
    expectIssue(
      with_((c) => (c.trader = { country: 'DE' } as Base['trader'])),
      'trader.id',
      /id or a name/,
    );
  });

  it('blank text is not a value', () => {
    expectIssue(
      with_((c) => (c.externalRef = '   ')),
      'externalRef',
      /empty/,
    );
  });

  it.each<[string, (c: Base) => unknown, RegExp]>([
    ['consumer.country', (c: Base) => (c.consumer.country = 'US'), /unknown country "US"/],
    ['consumer.country', (c: Base) => (c.consumer.country = 'ITA'), /unknown country/],
    ['trader.country', (c: Base) => (c.trader.country = 'CH'), /unknown country "CH"/],
    ['sector', (c: Base) => (c.sector = 'spaceships'), /unknown sector "spaceships"/],
    ['problem', (c: Base) => (c.problem = 'weather'), /unknown problem "weather"/],
    ['problemDetail', (c: Base) => (c.problemDetail = 'nonsense'), /nonsense/],
    ['price.currency', (c: Base) => (c.price.currency = 'EURO'), /unknown currency "EURO"/],
    ['price.currency', (c: Base) => (c.price.currency = 'ZZZ'), /unknown currency/],
    ['language', (c: Base) => (c.language = 'xx'), /unknown language "xx"/],
    ['consumer.language', (c: Base) => (c.consumer.language = 'klingon'), /unknown language/],
  ])('unknown code at %s', (path, patch, message) => {
    expectIssue(with_(patch), path, message);
  });

  it('problemDetail that is not a detail of its problem', () => {
    expectIssue(
      with_((c) => {
        c.problem = 'delivery';
        c.problemDetail = 'defective';
      }),
      'problemDetail',
      /not a detail of problem "delivery"/,
    );
    expectIssue(
      with_((c) => {
        c.problem = 'other';
        c.problemDetail = 'not_delivered';
      }),
      'problemDetail',
      /not a detail/,
    );
  });

  it.each([
    ['-5.00', /negative/],
    ['-0.01', /negative/],
    ['59,90', /decimal/],
    ['1e3', /decimal/],
    ['abc', /decimal/],
    ['1.23456', /decimal/],
    ['', /decimal|empty/],
    ['.5', /decimal/],
  ])('price amount %j', (amount, message) => {
    expectIssue(
      with_((c) => (c.price.amount = amount)),
      'price.amount',
      message,
    );
  });

  it('price amount as a JSON number (floats are not money)', () => {
    expectIssue(
      with_((c) => ((c.price as Record<string, unknown>).amount = 59.9)),
      'price.amount',
    );
  });

  it.each([
    ['2024-03-05', 'no time'],
    ['2024-03-05T10:22:00', 'no zone'],
    ['05/03/2024 10:22', 'not ISO'],
    ['yesterday', 'words'],
    ['2024-02-30T10:00:00Z', 'impossible day'],
    ['2023-02-29T10:00:00Z', 'not a leap year'],
    ['2024-13-01T10:00:00Z', 'month 13'],
    ['2024-04-31T10:00:00Z', 'April has 30 days'],
    ['2024-03-05T24:00:00Z', 'hour 24'],
    ['2024-03-05T10:61:00Z', 'minute 61'],
  ])('filedAt %j (%s)', (value) => {
    expectIssue(
      with_((c) => (c.filedAt = value)),
      'filedAt',
      /date-time|ISO/,
    );
  });

  it.each([
    ['2024-02-30', /not a date/],
    ['2023-02-29', /not a date/],
    ['2024-2-3', /not a date/],
    ['20.02.2024', /not a date/],
  ])('purchasedAt %j', (value, message) => {
    expectIssue(
      with_((c) => (c.purchasedAt = value)),
      'purchasedAt',
      message,
    );
  });

  it('dates in the future: filedAt, an event, purchasedAt', () => {
    expectIssue(
      with_((c) => {
        c.filedAt = future(2);
        c.events = [];
      }),
      'filedAt',
      /future/,
    );
    expectIssue(
      with_((c) => (c.events = [{ type: 'sent_to_trader', at: future(1) }])),
      'events[0].at',
      /future/,
    );
    expectIssue(
      with_((c) => (c.purchasedAt = future(3).slice(0, 10))),
      'purchasedAt',
      /future/,
    );
  });

  it('purchase after filing', () => {
    expectIssue(
      with_((c) => (c.purchasedAt = '2024-03-06')),
      'purchasedAt',
      /after the filing/,
    );
    // the same day is fine
    expect(issues(with_((c) => (c.purchasedAt = '2024-03-05')))).toEqual([]);
  });

  it('unknown event type', () => {
    expectIssue(
      with_(
        (c) =>
          (c.events = [
            { type: 'sent_to_trader', at: '2024-03-06T00:00:00Z' },
            { type: 'escalated', at: '2024-03-07T00:00:00Z' },
          ]),
      ),
      'events[1].type',
      /unknown event type "escalated"/,
    );
  });

  it.each([
    [{ type: 'trader_replied', at: '2024-03-06T00:00:00Z' }, 'events[0].decision'],
    [{ type: 'trader_replied', at: '2024-03-06T00:00:00Z', decision: 'maybe' }, 'events[0].decision'],
    [{ type: 'adr_body_agreed', at: '2024-03-06T00:00:00Z' }, 'events[0].adrBodyId'],
    [{ type: 'adr_body_agreed', at: '2024-03-06T00:00:00Z', adrBodyId: 'has space' }, 'events[0].adrBodyId'],
    [{ type: 'adr_refused', at: '2024-03-06T00:00:00Z', ground: 'z' }, 'events[0].ground'],
    [{ type: 'adr_outcome', at: '2024-03-06T00:00:00Z', result: 'draw' }, 'events[0].result'],
    [{ type: 'adr_discontinued', at: '2024-03-06T00:00:00Z' }, 'events[0].reason'],
    [{ type: 'adr_discontinued', at: '2024-03-06T00:00:00Z', reason: 'Jane Roe withdrew' }, 'events[0].reason'],
    [{ type: 'adr_discontinued', at: '2024-03-06T00:00:00Z', reason: 'other', note: 'x'.repeat(501) }, 'events[0].note'],
    [{ type: 'compliance_reported', at: '2024-03-06T00:00:00Z', complied: 'yes' }, 'events[0].complied'],
    [{ type: 'sent_to_trader' }, 'events[0].at'],
    [{ type: 'sent_to_trader', at: '2024-03-06' }, 'events[0].at'],
  ])('bad event payload %j', (event, path) => {
    expectIssue(
      with_((c) => (c.events = [event])),
      path,
    );
  });

  it('a free-text discontinuation reason is refused without echoing it (it may be personal data)', () => {
    const r = complaintInput.safeParse(
      with_((c) => (c.events = [{ type: 'adr_discontinued', at: '2024-03-06T00:00:00Z', reason: 'Jane Roe withdrew' }])),
    );
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).not.toContain('Jane Roe');
    expect(r.error?.issues[0]?.message).toMatch(/consumer_withdrew, trader_withdrew, settled_in_between, consumer_unresponsive, other/);
  });

  it('more than 100 events', () => {
    const events = Array.from({ length: 101 }, () => ({ type: 'sent_to_trader', at: '2024-03-06T00:00:00Z' }));
    expectIssue(
      with_((c) => (c.events = events)),
      'events',
      /100/,
    );
  });

  it('website and e-mail', () => {
    expectIssue(
      with_((c) => (c.trader.website = 'ftp://shop.example')),
      'trader.website',
      /http/,
    );
    expectIssue(
      with_((c) => (c.trader.website = 'not a url')),
      'trader.website',
      /http/,
    );
    expectIssue(
      with_((c) => (c.consumer.email = 'maria at example')),
      'consumer.email',
      /e-mail/,
    );
  });

  it('booleans are JSON booleans', () => {
    expectIssue(
      with_((c) => ((c as Record<string, unknown>).orderedOnline = 'yes')),
      'orderedOnline',
    );
    expectIssue(
      with_((c) => ((c as Record<string, unknown>).contactedTrader = 1)),
      'contactedTrader',
    );
  });

  it('complainant is consumer or trader', () => {
    expectIssue(
      with_((c) => (c.complainant = 'lawyer')),
      'complainant',
    );
  });

  it('over-long text', () => {
    expectIssue(
      with_((c) => (c.description = 'x'.repeat(10_001))),
      'description',
      /10000/,
    );
    expectIssue(
      with_((c) => (c.externalRef = 'x'.repeat(201))),
      'externalRef',
      /200/,
    );
  });

  it('messages quote at most a short piece of a long bad value', () => {
    const long = 'Z'.repeat(5000);
    const found = issues(with_((c) => (c.sector = long)));
    expect(found.length).toBeGreaterThan(0);
    for (const i of found) expect(i.message.length).toBeLessThan(300);
  });
});

describe('building blocks', () => {
  it('calendarDate keeps the date as written', () => {
    expect(calendarDate.parse('2024-02-29')).toBe('2024-02-29');
    expect(calendarDate.safeParse('2024-02-30').success).toBe(false);
  });

  it('price is strict and exact', () => {
    expect(price.parse({ amount: '0.0001', currency: 'chf' })).toEqual({ amount: '0.0001', currency: 'CHF' });
    expect(price.parse({ amount: '000', currency: 'EUR' }).amount).toBe('0');
    expect(price.safeParse({ amount: '1', currency: 'EUR', vat: '0' }).success).toBe(false);
  });
});
