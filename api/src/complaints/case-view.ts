/**
 * How a stored case reads back: the detail (with its event timeline, durations and the legal
 * deadline of each step) and the registry's one-line summary. Schemas here are the API's
 * response contract (OpenAPI); the mappers are the only way rows become responses.
 */
import { z } from 'zod';
import { DEADLINE_DAYS, daysBetween } from '../../../core/lifecycle.js';
import { DISCONTINUED_REASON_CODES, type DiscontinuedReason } from '../../../core/codes.js';
import type { ComplaintEventRow, ComplaintRow } from '../../../core/postgres/schema.js';

const ts = z.string().meta({ format: 'date-time' });
const nts = ts.nullable();

export const caseEvent = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    type: z.string(),
    at: ts,
    data: z.record(z.string(), z.unknown()),
    recordedAt: ts,
    voided: z.object({ at: ts, reason: z.string().nullable(), by: z.string().nullable() }).nullable(),
  })
  .meta({ id: 'CaseEvent' });

export const deadline = z.object({
  step: z.enum(['trader_reply', 'adr_agreement', 'adr_acceptance', 'adr_outcome']),
  due: ts,
  metAt: nts,
  status: z.enum(['met', 'missed', 'pending', 'overdue', 'not_applicable']),
});

export const caseSummary = z
  .object({
    id: z.string(),
    source: z.string(),
    externalRef: z.string(),
    filedAt: ts,
    consumerCountry: z.string(),
    traderId: z.string(),
    traderName: z.string().nullable(),
    traderCountry: z.string(),
    crossBorder: z.boolean(),
    sector: z.string(),
    problem: z.string(),
    status: z.enum(['open', 'closed']),
    stage: z.string(),
    closure: z.string().nullable(),
    adrBodyId: z.string().nullable(),
    overdue: z.boolean(),
    dueAt: nts,
    closedAt: nts,
    daysOpen: z.number().meta({ description: 'days from filing to closing, or to now while open (unrounded)' }),
  })
  .meta({ id: 'CaseSummary' });

export const caseDetail = caseSummary
  .extend({
    complainant: z.string(),
    consumer: z.object({
      country: z.string(),
      language: z.string().nullable(),
      name: z.string().nullable(),
      email: z.string().nullable(),
      address: z.string().nullable(),
    }),
    trader: z.object({ id: z.string(), name: z.string().nullable(), country: z.string(), website: z.string().nullable() }),
    problemDetail: z.string().nullable(),
    orderedOnline: z.boolean().nullable(),
    price: z.object({ amount: z.string(), currency: z.string() }).nullable(),
    purchasedAt: z.string().nullable(),
    contactedTrader: z.boolean().nullable(),
    language: z.string().nullable(),
    description: z.string().nullable(),
    personalDataErasedAt: nts,
    milestones: z.object({
      sentAt: nts,
      repliedAt: nts,
      traderDecision: z.string().nullable(),
      agreedAt: nts,
      acceptedAt: nts,
      refusedAt: nts,
      refusalGround: z.string().nullable(),
      closedAt: nts,
      adrResult: z.string().nullable(),
      discontinuedReason: z.enum(DISCONTINUED_REASON_CODES).nullable(),
      complied: z.boolean().nullable(),
      complianceAt: nts,
    }),
    durations: z.object({
      daysToClose: z.number().nullable(),
      daysToTraderReply: z.number().nullable(),
      adrDays: z.number().nullable().meta({ description: 'receipt by the ADR body (agreement) to its conclusion' }),
    }),
    deadlines: z.array(deadline),
    allowedNextEvents: z.array(z.string()),
    events: z.array(caseEvent),
    createdAt: ts,
    updatedAt: ts,
  })
  .meta({ id: 'CaseDetail' });

export type CaseSummary = z.infer<typeof caseSummary>;
export type CaseDetail = z.infer<typeof caseDetail>;

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);
const DAY_MS = 86_400_000;

export type SummaryRow = Pick<
  ComplaintRow,
  | 'id'
  | 'source'
  | 'external_ref'
  | 'filed_at'
  | 'consumer_country'
  | 'trader_id'
  | 'trader_name'
  | 'trader_country'
  | 'sector'
  | 'problem'
  | 'status'
  | 'stage'
  | 'closure'
  | 'adr_body_id'
  | 'due_at'
  | 'closed_at'
>;

export function toCaseSummary(r: SummaryRow, now: Date = new Date()): CaseSummary {
  const open = r.status === 'open';
  return {
    id: r.id,
    source: r.source,
    externalRef: r.external_ref,
    filedAt: r.filed_at.toISOString(),
    consumerCountry: r.consumer_country,
    traderId: r.trader_id,
    traderName: r.trader_name,
    traderCountry: r.trader_country,
    crossBorder: r.consumer_country !== r.trader_country,
    sector: r.sector,
    problem: r.problem,
    status: open ? 'open' : 'closed',
    stage: r.stage,
    closure: r.closure,
    adrBodyId: r.adr_body_id,
    overdue: open && r.due_at !== null && r.due_at.getTime() < now.getTime(),
    dueAt: iso(r.due_at),
    closedAt: iso(r.closed_at),
    daysOpen: ((r.closed_at ?? now).getTime() - r.filed_at.getTime()) / DAY_MS,
  };
}

function step(
  step: z.infer<typeof deadline>['step'],
  dueMs: number,
  metAt: Date | null,
  open: boolean,
  now: Date,
): z.infer<typeof deadline> {
  const due = new Date(dueMs).toISOString();
  if (metAt) return { step, due, metAt: metAt.toISOString(), status: metAt.getTime() <= dueMs ? 'met' : 'missed' };
  if (!open) return { step, due, metAt: null, status: 'not_applicable' };
  return { step, due, metAt: null, status: now.getTime() > dueMs ? 'overdue' : 'pending' };
}

export function toCaseDetail(
  r: ComplaintRow,
  events: ComplaintEventRow[],
  allowedNextEvents: string[],
  traderReplyDays: number,
  now: Date = new Date(),
): CaseDetail {
  const open = r.status === 'open';
  const filed = r.filed_at.getTime();
  const deadlines: z.infer<typeof deadline>[] = [];
  if (r.sent_at)
    deadlines.push(
      step('trader_reply', r.sent_at.getTime() + traderReplyDays * DAY_MS, r.replied_at, open && r.stage === 'with_trader', now),
    );
  deadlines.push(step('adr_agreement', filed + DEADLINE_DAYS.adrAgreement * DAY_MS, r.agreed_at, open && !r.agreed_at, now));
  if (r.agreed_at) {
    const agreed = r.agreed_at.getTime();
    deadlines.push(
      step(
        'adr_acceptance',
        agreed + DEADLINE_DAYS.adrAcceptance * DAY_MS,
        r.accepted_at ?? r.refused_at,
        open && r.stage === 'at_adr_body',
        now,
      ),
    );
    if (r.accepted_at) {
      const concluded = r.closure === 'adr_outcome' || r.closure === 'adr_discontinued' ? r.closed_at : null;
      deadlines.push(
        step('adr_outcome', agreed + DEADLINE_DAYS.adrOutcome * DAY_MS, concluded, open && r.stage === 'adr_in_progress', now),
      );
    }
  }
  const adrConcluded = r.agreed_at && r.closed_at && (r.closure === 'adr_outcome' || r.closure === 'adr_discontinued');
  return {
    ...toCaseSummary(r, now),
    complainant: r.complainant,
    consumer: {
      country: r.consumer_country,
      language: r.consumer_language,
      name: r.consumer_name,
      email: r.consumer_email,
      address: r.consumer_address,
    },
    trader: { id: r.trader_id, name: r.trader_name, country: r.trader_country, website: r.trader_website },
    problemDetail: r.problem_detail,
    orderedOnline: r.ordered_online,
    price: r.price_amount !== null && r.price_currency !== null ? { amount: r.price_amount, currency: r.price_currency } : null,
    purchasedAt: r.purchased_at,
    contactedTrader: r.contacted_trader,
    language: r.language,
    description: r.description,
    personalDataErasedAt: iso(r.personal_data_erased_at),
    milestones: {
      sentAt: iso(r.sent_at),
      repliedAt: iso(r.replied_at),
      traderDecision: r.trader_decision,
      agreedAt: iso(r.agreed_at),
      acceptedAt: iso(r.accepted_at),
      refusedAt: iso(r.refused_at),
      refusalGround: r.refusal_ground,
      closedAt: iso(r.closed_at),
      adrResult: r.adr_result,
      discontinuedReason: r.discontinued_reason as DiscontinuedReason | null,
      complied: r.complied,
      complianceAt: iso(r.compliance_at),
    },
    durations: {
      daysToClose: r.closed_at ? daysBetween(r.filed_at.toISOString(), r.closed_at.toISOString()) : null,
      daysToTraderReply: r.sent_at && r.replied_at ? daysBetween(r.sent_at.toISOString(), r.replied_at.toISOString()) : null,
      adrDays: adrConcluded ? daysBetween(r.agreed_at!.toISOString(), r.closed_at!.toISOString()) : null,
    },
    deadlines,
    allowedNextEvents,
    events: events.map((e) => ({
      id: e.id,
      seq: e.seq,
      type: e.type,
      at: e.at.toISOString(),
      data: e.data,
      recordedAt: e.recorded_at.toISOString(),
      voided: e.voided_at ? { at: e.voided_at.toISOString(), reason: e.void_reason, by: e.voided_by } : null,
    })),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}
