/**
 * Cases as a store before migration 0006 held them (issue 17): the discontinuation reason free
 * text on the complaint row and in the event's data. Written with plain SQL on a store migrated
 * up to 0005, since today's code refuses such a reason.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../../core/postgres/schema.js';

export interface LegacyCase {
  ref: string;
  /** The stored reason: free text or one of today's codes. */
  reason: string;
  /** The case's personal data was erased before the migration. */
  erased?: boolean;
  /** An admin voided an (ADR outcome) event with this reason. */
  voidReason?: string;
}

export const LEGACY_FILED = '2024-01-10T09:00:00.000Z';
const at = (days: number) => new Date(Date.parse(LEGACY_FILED) + days * 86_400_000);

/** Inserts the case (trader T-LEGACY, ADR body ADR-LEGACY) and returns its id. */
export async function insertLegacyCase(db: Kysely<DB>, c: LegacyCase): Promise<string> {
  await sql`INSERT INTO traders (id, name, name_norm, country) VALUES ('T-LEGACY', 'Legacy Shop', 'legacy shop', 'DE') ON CONFLICT DO NOTHING`.execute(
    db,
  );
  await sql`INSERT INTO adr_bodies (id, name, country) VALUES ('ADR-LEGACY', 'Legacy ADR', 'IT') ON CONFLICT DO NOTHING`.execute(db);
  const row = await db
    .insertInto('complaints')
    .values({
      source: 'legacy',
      external_ref: c.ref,
      filed_at: new Date(LEGACY_FILED),
      complainant: 'consumer',
      consumer_country: 'IT',
      consumer_name: c.erased ? null : 'Jane Roe',
      personal_data_erased_at: c.erased ? at(60) : null,
      trader_id: 'T-LEGACY',
      trader_country: 'DE',
      sector: 'ict_goods',
      problem: 'quality',
      stage: 'closed',
      status: 'closed',
      closure: 'adr_discontinued',
      sent_at: at(0.1),
      replied_at: at(1),
      trader_decision: 'proposes_adr',
      adr_body_id: 'ADR-LEGACY',
      agreed_at: at(2),
      accepted_at: at(3),
      closed_at: at(40),
      discontinued_reason: c.reason,
      event_count: 5,
      last_event_at: at(40),
      batch_id: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const events: [string, Date, Record<string, unknown>][] = [
    ['sent_to_trader', at(0.1), {}],
    ['trader_replied', at(1), { decision: 'proposes_adr' }],
    ['adr_body_agreed', at(2), { adrBodyId: 'ADR-LEGACY' }],
    ['adr_accepted', at(3), {}],
    ['adr_outcome', at(30), { result: 'amicable' }],
    ['adr_discontinued', at(40), { reason: c.reason }],
  ];
  let seq = 0;
  for (const [type, when, data] of events) {
    const voided = type === 'adr_outcome';
    if (voided && !c.voidReason) continue;
    await db
      .insertInto('complaint_events')
      .values({
        complaint_id: row.id,
        seq: ++seq,
        type,
        at: when,
        data: JSON.stringify(data),
        batch_id: null,
        voided_at: voided ? at(35) : null,
        void_reason: voided ? c.voidReason! : null,
        voided_by: voided ? 'admin-token' : null,
      })
      .execute();
  }
  return row.id;
}
