/**
 * The staging row: one normalised complaint as COPY text. The column list here is the one the
 * COPY statement names; sql/postgres/ingest/01_create_staging.sql declares the same columns.
 */
import type { NormalizedComplaint } from '../complaints/normalize.js';

type Value = string | number | boolean | null;

/** The COPY target: one chunk of the batch (sql/postgres/ingest/02_create_chunk.sql). */
export const CHUNK_TABLE = 'staging_chunk';

/** [column, value of a staged complaint] — the order of the COPY columns. */
const COLUMNS: ReadonlyArray<readonly [string, (c: NormalizedComplaint, line: number) => Value]> = [
  ['line', (_c, line) => line],
  ['source', (c) => c.source],
  ['external_ref', (c) => c.externalRef],
  ['filed_at', (c) => c.filedAt],
  ['complainant', (c) => c.complainant],
  ['consumer_country', (c) => c.consumerCountry],
  ['consumer_language', (c) => c.consumerLanguage],
  ['consumer_name', (c) => c.consumerName],
  ['consumer_email', (c) => c.consumerEmail],
  ['consumer_address', (c) => c.consumerAddress],
  ['description', (c) => c.description],
  ['trader_id', (c) => c.traderId],
  ['trader_name', (c) => c.traderName],
  ['trader_name_norm', (c) => c.traderNameNorm],
  ['trader_country', (c) => c.traderCountry],
  ['trader_website', (c) => c.traderWebsite],
  ['sector', (c) => c.sector],
  ['problem', (c) => c.problem],
  ['problem_detail', (c) => c.problemDetail],
  ['ordered_online', (c) => c.orderedOnline],
  ['price_amount', (c) => c.priceAmount],
  ['price_currency', (c) => c.priceCurrency],
  ['purchased_at', (c) => c.purchasedAt],
  ['contacted_trader', (c) => c.contactedTrader],
  ['language', (c) => c.language],
  ['events', (c) => JSON.stringify(c.events)],
  ['stage', (c) => c.milestones.stage],
  ['status', (c) => c.milestones.status],
  ['closure', (c) => c.milestones.closure],
  ['sent_at', (c) => c.milestones.sentAt],
  ['replied_at', (c) => c.milestones.repliedAt],
  ['trader_decision', (c) => c.milestones.traderDecision],
  ['adr_body_id', (c) => c.milestones.adrBodyId],
  ['agreed_at', (c) => c.milestones.agreedAt],
  ['accepted_at', (c) => c.milestones.acceptedAt],
  ['refused_at', (c) => c.milestones.refusedAt],
  ['refusal_ground', (c) => c.milestones.refusalGround],
  ['closed_at', (c) => c.milestones.closedAt],
  ['adr_result', (c) => c.milestones.adrResult],
  ['discontinued_reason', (c) => c.milestones.discontinuedReason],
  ['complied', (c) => c.milestones.complied],
  ['compliance_at', (c) => c.milestones.complianceAt],
  ['event_count', (c) => c.milestones.eventCount],
  ['last_event_at', (c) => c.milestones.lastEventAt],
  ['due_at', (c) => c.dueAt],
];

export const STAGING_COLUMNS: readonly string[] = COLUMNS.map(([name]) => name);

/** One CSV field for COPY: NULL is an empty unquoted field; every string is quoted (cheaper than testing). */
function field(v: Value): string {
  if (v === null) return '';
  if (typeof v !== 'string') return String(v);
  return `"${v.includes('"') ? v.replaceAll('"', '""') : v}"`;
}

export function toCopyLine(c: NormalizedComplaint, line: number): string {
  let out = '';
  for (let i = 0; i < COLUMNS.length; i++) {
    if (i > 0) out += ',';
    out += field(COLUMNS[i]![1](c, line));
  }
  return out + '\n';
}
