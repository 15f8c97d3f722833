/**
 * The case lifecycle of domain.md §1 as pure functions: which event may come next, and the
 * milestones, stage, status, closure and deadline a case derives from its (non-voided) events.
 * Ingestion, event appends, voiding and the demo generator all go through here.
 */
import type { AdrResult, Closure, DiscontinuedReason, EventType, RefusalGround, Stage, Status, TraderDecision } from './codes.js';

const DAY_MS = 86_400_000;

/** Deadlines of domain.md §1, in days. */
export const DEADLINE_DAYS = { adrAgreement: 30, adrAcceptance: 21, adrOutcome: 90 } as const;

export type LifecycleEvent =
  | { type: 'sent_to_trader'; at: string }
  | { type: 'trader_replied'; at: string; decision: TraderDecision }
  | { type: 'settled_directly'; at: string }
  | { type: 'adr_body_agreed'; at: string; adrBodyId: string }
  | { type: 'adr_accepted'; at: string }
  | { type: 'adr_refused'; at: string; ground: RefusalGround }
  | { type: 'adr_outcome'; at: string; result: AdrResult }
  /** `note`: the ADR body's free text, personal data (masked and erased like the description). */
  | { type: 'adr_discontinued'; at: string; reason: DiscontinuedReason; note?: string }
  | { type: 'compliance_reported'; at: string; complied: boolean }
  | { type: 'withdrawn'; at: string }
  | { type: 'closed_no_agreement'; at: string };

/** What a case's events add up to; stored on the complaint row so reads never replay events. */
export interface CaseMilestones {
  stage: Stage;
  status: Status;
  closure: Closure | null;
  sentAt: string | null;
  repliedAt: string | null;
  traderDecision: TraderDecision | null;
  adrBodyId: string | null;
  agreedAt: string | null;
  acceptedAt: string | null;
  refusedAt: string | null;
  refusalGround: RefusalGround | null;
  closedAt: string | null;
  adrResult: AdrResult | null;
  discontinuedReason: DiscontinuedReason | null;
  complied: boolean | null;
  complianceAt: string | null;
  eventCount: number;
  lastEventAt: string | null;
}

export function initialMilestones(): CaseMilestones {
  return {
    stage: 'filed',
    status: 'open',
    closure: null,
    sentAt: null,
    repliedAt: null,
    traderDecision: null,
    adrBodyId: null,
    agreedAt: null,
    acceptedAt: null,
    refusedAt: null,
    refusalGround: null,
    closedAt: null,
    adrResult: null,
    discontinuedReason: null,
    complied: null,
    complianceAt: null,
    eventCount: 0,
    lastEventAt: null,
  };
}

/** The events the lifecycle allows next (domain.md §1 table). */
export function allowedNextEvents(m: CaseMilestones): EventType[] {
  switch (m.stage) {
    case 'filed':
      return ['sent_to_trader', 'withdrawn', 'closed_no_agreement'];
    case 'with_trader':
      return ['trader_replied', 'settled_directly', 'withdrawn', 'closed_no_agreement'];
    case 'trader_replied':
      return m.traderDecision === 'declines'
        ? ['settled_directly', 'withdrawn', 'closed_no_agreement']
        : ['adr_body_agreed', 'settled_directly', 'withdrawn', 'closed_no_agreement'];
    case 'at_adr_body':
      return ['adr_accepted', 'adr_refused', 'settled_directly', 'withdrawn'];
    case 'adr_in_progress':
      return ['adr_outcome', 'adr_discontinued'];
    case 'closed':
      return m.closure === 'adr_outcome' ? ['compliance_reported'] : [];
  }
}

export type ApplyResult =
  { ok: true; milestones: CaseMilestones } | { ok: false; reason: 'order' | 'stage'; message: string; stage: Stage; allowed: EventType[] };

/**
 * Applies one event. `filedAt` and the latest event bound `at` from below (ties allowed: ties are
 * ordered by arrival).
 */
export function applyEvent(m: CaseMilestones, filedAt: string, event: LifecycleEvent): ApplyResult {
  const allowed = allowedNextEvents(m);
  const at = Date.parse(event.at);
  if (at < Date.parse(filedAt)) {
    return {
      ok: false,
      reason: 'order',
      stage: m.stage,
      allowed,
      message: `${event.type} at ${event.at} is before the complaint was filed (${filedAt})`,
    };
  }
  if (m.lastEventAt !== null && at < Date.parse(m.lastEventAt)) {
    return {
      ok: false,
      reason: 'order',
      stage: m.stage,
      allowed,
      message: `${event.type} at ${event.at} is before the case's latest event (${m.lastEventAt}); events must be in time order`,
    };
  }
  if (!allowed.includes(event.type)) {
    const next = allowed.length ? `allowed next: ${allowed.join(', ')}` : 'no further event is allowed';
    return {
      ok: false,
      reason: 'stage',
      stage: m.stage,
      allowed,
      message: `${event.type} is not allowed at stage ${m.stage === 'closed' ? `closed (${m.closure})` : m.stage}; ${next}`,
    };
  }
  return { ok: true, milestones: advance(m, event) };
}

function close(m: CaseMilestones, closure: Closure, at: string): CaseMilestones {
  return { ...m, stage: 'closed', status: 'closed', closure, closedAt: at };
}

/** The state change of one event, assuming the lifecycle allows it. */
function advance(prev: CaseMilestones, e: LifecycleEvent): CaseMilestones {
  const m: CaseMilestones = { ...prev, eventCount: prev.eventCount + 1, lastEventAt: e.at };
  switch (e.type) {
    case 'sent_to_trader':
      return { ...m, stage: 'with_trader', sentAt: e.at };
    case 'trader_replied':
      return { ...m, stage: 'trader_replied', repliedAt: e.at, traderDecision: e.decision };
    case 'adr_body_agreed':
      return { ...m, stage: 'at_adr_body', agreedAt: e.at, adrBodyId: e.adrBodyId };
    case 'adr_accepted':
      return { ...m, stage: 'adr_in_progress', acceptedAt: e.at };
    case 'adr_refused':
      return close({ ...m, refusedAt: e.at, refusalGround: e.ground }, 'adr_refused', e.at);
    case 'adr_outcome':
      return close({ ...m, adrResult: e.result }, 'adr_outcome', e.at);
    case 'adr_discontinued':
      return close({ ...m, discontinuedReason: e.reason }, 'adr_discontinued', e.at);
    case 'settled_directly':
    case 'withdrawn':
    case 'closed_no_agreement':
      return close(m, e.type, e.at);
    case 'compliance_reported':
      // The latest report counts.
      return { ...m, complied: e.complied, complianceAt: e.at };
  }
}

export type ReplayResult =
  { ok: true; milestones: CaseMilestones } | { ok: false; index: number; message: string; stage: Stage; allowed: EventType[] };

/** Validates and applies a whole event log in order. */
export function replayEvents(filedAt: string, events: readonly LifecycleEvent[]): ReplayResult {
  let m = initialMilestones();
  for (const [index, event] of events.entries()) {
    const r = applyEvent(m, filedAt, event);
    if (!r.ok) return { ok: false, index, message: r.message, stage: r.stage, allowed: r.allowed };
    m = r.milestones;
  }
  return { ok: true, milestones: m };
}

/**
 * Derives milestones from what is left after voiding, without refusing: a voided event in the
 * middle may leave a log the lifecycle would not accept now, and the record must still say
 * what it holds. Events that no longer fit are skipped for the derived columns only.
 */
export function deriveLenient(filedAt: string, events: readonly LifecycleEvent[]): CaseMilestones {
  let m = initialMilestones();
  for (const event of events) {
    const r = applyEvent(m, filedAt, event);
    if (r.ok) m = r.milestones;
  }
  return m;
}

/** When the current stage's deadline falls (domain.md §1); `null` once closed. */
export function stageDeadline(m: CaseMilestones, filedAt: string, traderReplyDays: number): string | null {
  const filed = Date.parse(filedAt);
  const adrAgreementDue = filed + DEADLINE_DAYS.adrAgreement * DAY_MS;
  switch (m.stage) {
    case 'filed':
    case 'trader_replied':
      return new Date(adrAgreementDue).toISOString();
    case 'with_trader': {
      const replyDue = Date.parse(m.sentAt ?? filedAt) + traderReplyDays * DAY_MS;
      return new Date(Math.min(replyDue, adrAgreementDue)).toISOString();
    }
    case 'at_adr_body':
      return new Date(Date.parse(m.agreedAt ?? filedAt) + DEADLINE_DAYS.adrAcceptance * DAY_MS).toISOString();
    case 'adr_in_progress':
      return new Date(Date.parse(m.agreedAt ?? filedAt) + DEADLINE_DAYS.adrOutcome * DAY_MS).toISOString();
    case 'closed':
      return null;
  }
}

/** Days between two instants, unrounded (domain.md §4 `daysToClose`). */
export function daysBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / DAY_MS;
}
