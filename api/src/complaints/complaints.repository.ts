/** Reads and writes of one case and its event log (the bulk path lives in ingest/). */
import { sql, type Kysely } from 'kysely';
import type { ComplaintEventRow, ComplaintRow, DB } from '../../../core/postgres/schema.js';
import type { CaseMilestones, LifecycleEvent } from '../../../core/lifecycle.js';
import type { Closure, Stage, Status } from '../../../core/codes.js';

const toDate = (s: string | null) => (s === null ? null : new Date(s));
const iso = (d: Date | null) => (d === null ? null : d.toISOString());

export function rowToMilestones(r: ComplaintRow): CaseMilestones {
  return {
    stage: r.stage as Stage,
    status: r.status as Status,
    closure: r.closure as Closure | null,
    sentAt: iso(r.sent_at),
    repliedAt: iso(r.replied_at),
    traderDecision: r.trader_decision as CaseMilestones['traderDecision'],
    adrBodyId: r.adr_body_id,
    agreedAt: iso(r.agreed_at),
    acceptedAt: iso(r.accepted_at),
    refusedAt: iso(r.refused_at),
    refusalGround: r.refusal_ground as CaseMilestones['refusalGround'],
    closedAt: iso(r.closed_at),
    adrResult: r.adr_result as CaseMilestones['adrResult'],
    discontinuedReason: r.discontinued_reason as CaseMilestones['discontinuedReason'],
    complied: r.complied,
    complianceAt: iso(r.compliance_at),
    eventCount: r.event_count,
    lastEventAt: iso(r.last_event_at),
  };
}

export function eventRowToLifecycle(e: Pick<ComplaintEventRow, 'type' | 'at' | 'data'>): LifecycleEvent {
  return { type: e.type, at: e.at.toISOString(), ...e.data } as LifecycleEvent;
}

export class ComplaintsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  findById(id: string, opts: { forUpdate?: boolean } = {}): Promise<ComplaintRow | undefined> {
    let q = this.db.selectFrom('complaints').selectAll().where('id', '=', id);
    if (opts.forUpdate) q = q.forUpdate();
    return q.executeTakeFirst();
  }

  findByRef(source: string, externalRef: string): Promise<ComplaintRow | undefined> {
    return this.db
      .selectFrom('complaints')
      .selectAll()
      .where('source', '=', source)
      .where('external_ref', '=', externalRef)
      .executeTakeFirst();
  }

  /** The whole log, voided events included, in arrival order. */
  events(complaintId: string): Promise<ComplaintEventRow[]> {
    return this.db.selectFrom('complaint_events').selectAll().where('complaint_id', '=', complaintId).orderBy('seq').execute();
  }

  async adrBodyExists(id: string): Promise<boolean> {
    return (await this.db.selectFrom('adr_bodies').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
  }

  async appendEvent(complaintId: string, event: LifecycleEvent): Promise<void> {
    const { type, at, ...data } = event;
    await this.db
      .insertInto('complaint_events')
      .values((eb) => ({
        complaint_id: complaintId,
        seq: eb
          .selectFrom('complaint_events')
          .select(sql<number>`coalesce(max(seq), 0) + 1`.as('next'))
          .where('complaint_id', '=', complaintId),
        type,
        at,
        data: JSON.stringify(data),
      }))
      .execute();
  }

  async saveMilestones(complaintId: string, m: CaseMilestones, dueAt: string | null): Promise<void> {
    await this.db
      .updateTable('complaints')
      .set({
        stage: m.stage,
        status: m.status,
        closure: m.closure,
        sent_at: toDate(m.sentAt),
        replied_at: toDate(m.repliedAt),
        trader_decision: m.traderDecision,
        adr_body_id: m.adrBodyId,
        agreed_at: toDate(m.agreedAt),
        accepted_at: toDate(m.acceptedAt),
        refused_at: toDate(m.refusedAt),
        refusal_ground: m.refusalGround,
        closed_at: toDate(m.closedAt),
        adr_result: m.adrResult,
        discontinued_reason: m.discontinuedReason,
        complied: m.complied,
        compliance_at: toDate(m.complianceAt),
        event_count: m.eventCount,
        last_event_at: toDate(m.lastEventAt),
        due_at: toDate(dueAt),
        updated_at: new Date(),
      })
      .where('id', '=', complaintId)
      .execute();
  }

  async voidEvent(eventId: string, reason: string | null, by: string): Promise<void> {
    await this.db
      .updateTable('complaint_events')
      .set({ voided_at: new Date(), void_reason: reason, voided_by: by })
      .where('id', '=', eventId)
      .execute();
  }

  async erasePersonalData(complaintId: string): Promise<Date> {
    const erasedAt = new Date();
    await this.db
      .updateTable('complaints')
      .set({
        consumer_name: null,
        consumer_email: null,
        consumer_address: null,
        description: null,
        personal_data_erased_at: erasedAt,
        updated_at: erasedAt,
      })
      .where('id', '=', complaintId)
      .execute();
    // The events' free text too: a discontinuation's note and an admin's reason for voiding.
    await this.db
      .updateTable('complaint_events')
      .set({ data: sql<string>`data - 'note'`, void_reason: null })
      .where('complaint_id', '=', complaintId)
      .where((w) => w.or([sql<boolean>`data ? 'note'`, w('void_reason', 'is not', null)]))
      .execute();
    return erasedAt;
  }
}
