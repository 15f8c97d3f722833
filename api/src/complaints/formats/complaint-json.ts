/**
 * A stored case back in the ingest JSON shape (contract "Complaints (ingest)"): what the NDJSON
 * export writes, and what the CSV and Parquet exports flatten through `complaintToCsvRecord`.
 * Absent values are left out (never `null`), keys come in a fixed order and the events are the
 * non-voided ones in arrival order, so an export ingests back unchanged and exports again
 * byte for byte.
 */
import type { ComplaintEventRow, ComplaintRow } from '../../../../core/postgres/schema.js';
import type { ComplaintInput, LifecycleEventInput } from '../complaint.schema.js';

/** The columns `toComplaintInput` reads. */
export const COMPLAINT_JSON_COLUMNS = [
  'id',
  'source',
  'external_ref',
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
] as const satisfies readonly (keyof ComplaintRow)[];

export type ComplaintJsonRow = Pick<ComplaintRow, (typeof COMPLAINT_JSON_COLUMNS)[number]>;
export type ComplaintJsonEvent = Pick<ComplaintEventRow, 'type' | 'at' | 'data' | 'voided_at'>;
export type ExportedComplaint = ComplaintInput & { source: string; events: LifecycleEventInput[] };

/** Drops undefined and null members, keeping the order the object was written in. */
function compact<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined || o[k] === null) delete o[k];
  return o;
}

const opt = <T>(v: T | null): T | undefined => (v === null ? undefined : v);

/** One stored event → its JSON form, payload fields in the order the schema declares them. */
export function toEventInput(e: Pick<ComplaintEventRow, 'type' | 'at' | 'data'>): LifecycleEventInput {
  const at = e.at.toISOString();
  const d = e.data as Record<string, unknown>;
  switch (e.type) {
    case 'trader_replied':
      return { type: e.type, at, decision: d.decision as never };
    case 'adr_body_agreed':
      return { type: e.type, at, adrBodyId: d.adrBodyId as string };
    case 'adr_refused':
      return { type: e.type, at, ground: d.ground as never };
    case 'adr_outcome':
      return { type: e.type, at, result: d.result as never };
    case 'adr_discontinued':
      return d.note === undefined
        ? { type: e.type, at, reason: d.reason as never }
        : { type: e.type, at, reason: d.reason as never, note: d.note as string };
    case 'compliance_reported':
      return { type: e.type, at, complied: d.complied as boolean };
    default:
      return { type: e.type as 'withdrawn', at };
  }
}

/**
 * The case as the ingest shape. `events` are the case's events in arrival (`seq`) order; voided
 * ones are skipped here, so callers may pass the whole log.
 */
export function toComplaintInput(row: ComplaintJsonRow, events: readonly ComplaintJsonEvent[]): ExportedComplaint {
  return compact({
    externalRef: row.external_ref,
    source: row.source,
    filedAt: row.filed_at.toISOString(),
    complainant: row.complainant as 'consumer' | 'trader',
    consumer: compact({
      country: row.consumer_country,
      language: opt(row.consumer_language),
      name: opt(row.consumer_name),
      email: opt(row.consumer_email),
      address: opt(row.consumer_address),
    }),
    trader: compact({ id: row.trader_id, name: opt(row.trader_name), country: row.trader_country, website: opt(row.trader_website) }),
    sector: row.sector,
    problem: row.problem,
    problemDetail: opt(row.problem_detail),
    orderedOnline: opt(row.ordered_online),
    price:
      row.price_amount !== null && row.price_currency !== null ? { amount: row.price_amount, currency: row.price_currency } : undefined,
    purchasedAt: opt(row.purchased_at),
    contactedTrader: opt(row.contacted_trader),
    language: opt(row.language),
    description: opt(row.description),
    events: events.filter((e) => e.voided_at === null).map(toEventInput),
  });
}
