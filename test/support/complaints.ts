/**
 * Test-side builders for complaints in the ingest shape (contract "Complaints (ingest)") and for
 * bulk bodies (NDJSON, CSV). Written independently of the code under test: the CSV writer here
 * is its own RFC 4180 quoting, the milestone mapping its own reading of the contract.
 */

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface TestEvent {
  type: string;
  at: string;
  [k: string]: Json;
}

export interface TestComplaint {
  externalRef: string;
  source?: string;
  filedAt: string;
  complainant?: string;
  consumer: { country: string; language?: string; name?: string; email?: string; address?: string };
  trader: { id?: string; name?: string; country: string; website?: string };
  sector: string;
  problem: string;
  problemDetail?: string;
  orderedOnline?: boolean;
  price?: { amount: string; currency: string };
  purchasedAt?: string;
  contactedTrader?: boolean;
  language?: string;
  description?: string;
  events?: TestEvent[];
  [k: string]: unknown;
}

let counter = 0;
const RUN = Math.random().toString(36).slice(2, 8).toUpperCase();

/** A reference no other test in this process uses. */
export function uniqueRef(prefix = 'T'): string {
  counter++;
  return `${prefix}-${RUN}-${String(counter).padStart(6, '0')}`;
}

export const DAY_MS = 86_400_000;

/** `iso` moved by `days` (fractional allowed), as canonical UTC with milliseconds. */
export function addDays(iso: string, days: number): string {
  return new Date(Date.parse(iso) + days * DAY_MS).toISOString();
}

/** Canonical form the API gives timestamps back in. */
export function canon(iso: string): string {
  return new Date(Date.parse(iso)).toISOString();
}

export const FILED_AT = '2024-03-05T10:22:00.000Z';

/** A complete, valid complaint (the contract's example), with a fresh reference. */
export function validComplaint(overrides: Partial<TestComplaint> = {}): TestComplaint {
  return {
    externalRef: uniqueRef(),
    filedAt: FILED_AT,
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
    events: [{ type: 'sent_to_trader', at: '2024-03-05T10:22:05Z' }],
    ...overrides,
  };
}

/** The smallest valid complaint: only the required fields. */
export function minimalComplaint(overrides: Partial<TestComplaint> = {}): TestComplaint {
  return {
    externalRef: uniqueRef('M'),
    filedAt: FILED_AT,
    consumer: { country: 'FR' },
    trader: { id: 'T-MIN', country: 'FR' },
    sector: 'airlines',
    problem: 'redress',
    ...overrides,
  };
}

/** One JSON object per line; strings are taken as raw lines. */
export function ndjson(lines: ReadonlyArray<unknown>, eol = '\n'): string {
  return lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join(eol) + eol;
}

/** RFC 4180 quoting, done here rather than by the library under test. */
export function csvField(v: string | undefined | null): string {
  if (v === undefined || v === null) return '';
  return /[",\r\n]/.test(v) || v.trim() !== v ? `"${v.replaceAll('"', '""')}"` : v;
}

/** A CSV text: header row, then one row per record (missing cells empty). CRLF as RFC 4180 says. */
export function csv(header: readonly string[], rows: ReadonlyArray<Readonly<Record<string, string | undefined>>>, eol = '\r\n'): string {
  const lines = [header.join(','), ...rows.map((r) => header.map((h) => csvField(r[h])).join(','))];
  return lines.join(eol) + eol;
}

/** Every column of the contract ("CSV columns"), in the contract's order. */
export const CONTRACT_CSV_COLUMNS = [
  'external_ref',
  'source',
  'filed_at',
  'complainant',
  'consumer_country',
  'consumer_language',
  'consumer_name',
  'consumer_email',
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
  'consumer_address',
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
] as const;

/**
 * A complaint in the JSON shape → its CSV row, milestones as the contract describes them. Only for
 * cases CSV can carry (each step at most once, one compliance report).
 */
export function toCsvRow(c: TestComplaint): Record<string, string | undefined> {
  const s = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
  const row: Record<string, string | undefined> = {
    external_ref: c.externalRef,
    source: c.source,
    filed_at: c.filedAt,
    complainant: c.complainant,
    consumer_country: c.consumer.country,
    consumer_language: c.consumer.language,
    consumer_name: c.consumer.name,
    consumer_email: c.consumer.email,
    consumer_address: c.consumer.address,
    trader_id: c.trader.id,
    trader_name: c.trader.name,
    trader_country: c.trader.country,
    trader_website: c.trader.website,
    sector: c.sector,
    problem: c.problem,
    problem_detail: c.problemDetail,
    ordered_online: s(c.orderedOnline),
    price_amount: c.price?.amount,
    price_currency: c.price?.currency,
    purchased_at: c.purchasedAt,
    contacted_trader: s(c.contactedTrader),
    language: c.language,
    description: c.description,
  };
  const closing: Record<string, true> = { settled_directly: true, withdrawn: true, closed_no_agreement: true };
  for (const e of c.events ?? []) {
    if (e.type === 'sent_to_trader') row.sent_to_trader_at = e.at;
    else if (e.type === 'trader_replied') Object.assign(row, { trader_replied_at: e.at, trader_decision: String(e.decision) });
    else if (e.type === 'adr_body_agreed') Object.assign(row, { adr_agreed_at: e.at, adr_body_id: String(e.adrBodyId) });
    else if (e.type === 'adr_accepted') Object.assign(row, { adr_decided_at: e.at, adr_decision: 'accepted' });
    else if (e.type === 'adr_refused')
      Object.assign(row, { adr_decided_at: e.at, adr_decision: 'refused', refusal_ground: String(e.ground) });
    else if (e.type === 'adr_outcome') Object.assign(row, { closed_at: e.at, closure: 'adr_outcome', adr_result: String(e.result) });
    else if (e.type === 'adr_discontinued')
      Object.assign(row, {
        closed_at: e.at,
        closure: 'adr_discontinued',
        discontinued_reason: String(e.reason),
        discontinued_note: s(e.note),
      });
    else if (e.type === 'compliance_reported') Object.assign(row, { compliance_reported_at: e.at, complied: String(e.complied) });
    else if (closing[e.type]) Object.assign(row, { closed_at: e.at, closure: e.type });
    else throw new Error(`toCsvRow: no column for event ${e.type}`);
  }
  return row;
}

/** Complaints → a CSV body with every contract column. */
export function csvOf(cases: readonly TestComplaint[], header: readonly string[] = CONTRACT_CSV_COLUMNS): string {
  return csv(header, cases.map(toCsvRow));
}

/** A CSV row of the minimal required columns, for bad-input tests. */
export const MIN_CSV_HEADER = ['external_ref', 'filed_at', 'consumer_country', 'trader_id', 'trader_country', 'sector', 'problem'] as const;
export function minCsvRow(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    external_ref: uniqueRef('C'),
    filed_at: FILED_AT,
    consumer_country: 'IT',
    trader_id: 'T-CSV',
    trader_country: 'DE',
    sector: 'ict_goods',
    problem: 'quality',
    ...overrides,
  };
}

/** Event shorthands. */
export const ev = {
  sent: (at: string): TestEvent => ({ type: 'sent_to_trader', at }),
  replied: (at: string, decision = 'proposes_adr'): TestEvent => ({ type: 'trader_replied', at, decision }),
  settled: (at: string): TestEvent => ({ type: 'settled_directly', at }),
  agreed: (at: string, adrBodyId: string): TestEvent => ({ type: 'adr_body_agreed', at, adrBodyId }),
  accepted: (at: string): TestEvent => ({ type: 'adr_accepted', at }),
  refused: (at: string, ground = 'b'): TestEvent => ({ type: 'adr_refused', at, ground }),
  outcome: (at: string, result = 'amicable'): TestEvent => ({ type: 'adr_outcome', at, result }),
  discontinued: (at: string, reason = 'consumer_unresponsive', note?: string): TestEvent => ({
    type: 'adr_discontinued',
    at,
    reason,
    ...(note === undefined ? {} : { note }),
  }),
  compliance: (at: string, complied: boolean): TestEvent => ({ type: 'compliance_reported', at, complied }),
  withdrawn: (at: string): TestEvent => ({ type: 'withdrawn', at }),
  noAgreement: (at: string): TestEvent => ({ type: 'closed_no_agreement', at }),
};

/** domain.md §1 "What may come next, by stage", typed here by hand. */
export const ALL_EVENT_TYPES = [
  'sent_to_trader',
  'trader_replied',
  'settled_directly',
  'adr_body_agreed',
  'adr_accepted',
  'adr_refused',
  'adr_outcome',
  'adr_discontinued',
  'compliance_reported',
  'withdrawn',
  'closed_no_agreement',
] as const;
export type EventTypeName = (typeof ALL_EVENT_TYPES)[number];

export const STAGE_TABLE = {
  filed: ['sent_to_trader', 'withdrawn', 'closed_no_agreement'],
  with_trader: ['trader_replied', 'settled_directly', 'withdrawn', 'closed_no_agreement'],
  trader_replied: ['adr_body_agreed', 'settled_directly', 'withdrawn', 'closed_no_agreement'],
  trader_replied_declines: ['settled_directly', 'withdrawn', 'closed_no_agreement'],
  at_adr_body: ['adr_accepted', 'adr_refused', 'settled_directly', 'withdrawn'],
  adr_in_progress: ['adr_outcome', 'adr_discontinued'],
  closed_after_outcome: ['compliance_reported'],
  closed_otherwise: [],
} as const satisfies Record<string, readonly EventTypeName[]>;

/** The stage an accepted event leads to. */
export const NEXT_STAGE: Record<EventTypeName, string> = {
  sent_to_trader: 'with_trader',
  trader_replied: 'trader_replied',
  adr_body_agreed: 'at_adr_body',
  adr_accepted: 'adr_in_progress',
  adr_refused: 'closed',
  adr_outcome: 'closed',
  adr_discontinued: 'closed',
  settled_directly: 'closed',
  withdrawn: 'closed',
  closed_no_agreement: 'closed',
  compliance_reported: 'closed',
};

/** An event of `type` at `at`, with a valid payload. */
export function eventOf(type: EventTypeName, at: string, adrBodyId: string): TestEvent {
  switch (type) {
    case 'sent_to_trader':
      return ev.sent(at);
    case 'trader_replied':
      return ev.replied(at);
    case 'settled_directly':
      return ev.settled(at);
    case 'adr_body_agreed':
      return ev.agreed(at, adrBodyId);
    case 'adr_accepted':
      return ev.accepted(at);
    case 'adr_refused':
      return ev.refused(at);
    case 'adr_outcome':
      return ev.outcome(at);
    case 'adr_discontinued':
      return ev.discontinued(at);
    case 'compliance_reported':
      return ev.compliance(at, true);
    case 'withdrawn':
      return ev.withdrawn(at);
    case 'closed_no_agreement':
      return ev.noAgreement(at);
  }
}
