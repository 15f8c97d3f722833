/**
 * From a validated complaint to the flat record the store keeps: aliases resolved, lifecycle
 * replayed into milestones, the stage deadline set. Pure; shared by single and bulk ingest.
 */
import type { LifecycleEvent, CaseMilestones } from '../../../core/lifecycle.js';
import { replayEvents, stageDeadline } from '../../../core/lifecycle.js';
import type { ParsedComplaint } from './complaint.schema.js';

export interface NormalizedComplaint {
  source: string;
  externalRef: string;
  filedAt: string;
  complainant: 'consumer' | 'trader';
  consumerCountry: string;
  consumerLanguage: string | null;
  consumerName: string | null;
  consumerEmail: string | null;
  consumerAddress: string | null;
  description: string | null;
  traderId: string | null;
  traderName: string | null;
  traderNameNorm: string | null;
  traderCountry: string;
  traderWebsite: string | null;
  sector: string;
  problem: string;
  problemDetail: string | null;
  orderedOnline: boolean | null;
  priceAmount: string | null;
  priceCurrency: string | null;
  purchasedAt: string | null;
  contactedTrader: boolean | null;
  language: string | null;
  events: LifecycleEvent[];
  /** Kept nested: spreading ~45 keys into one literal per row is slow (V8 falls back to dictionary mode). */
  milestones: CaseMilestones;
  dueAt: string | null;
}

export interface FieldProblem {
  field: string;
  message: string;
}

/** Matching key for traders named without an id: case, accents and punctuation folded. */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function normaliseComplaint(
  c: ParsedComplaint,
  opts: { defaultSource: string; traderReplyDays: number },
): { ok: true; complaint: NormalizedComplaint } | { ok: false; problems: FieldProblem[] } {
  const events: LifecycleEvent[] = c.events ?? [];
  const replay = replayEvents(c.filedAt, events);
  if (!replay.ok) {
    return { ok: false, problems: [{ field: `events[${replay.index}]`, message: replay.message }] };
  }
  const base = {
    source: c.source ?? opts.defaultSource,
    externalRef: c.externalRef,
    filedAt: c.filedAt,
    complainant: c.complainant,
    consumerCountry: c.consumer.country,
    consumerLanguage: c.consumer.language ?? null,
    consumerName: c.consumer.name ?? null,
    consumerEmail: c.consumer.email ?? null,
    consumerAddress: c.consumer.address ?? null,
    description: c.description ?? null,
    traderId: c.trader.id ?? null,
    traderName: c.trader.name ?? null,
    traderNameNorm: c.trader.name ? normaliseName(c.trader.name) : null,
    traderCountry: c.trader.country,
    traderWebsite: c.trader.website ?? null,
    sector: c.sector,
    problem: c.problem,
    problemDetail: c.problemDetail ?? null,
    orderedOnline: c.orderedOnline ?? null,
    priceAmount: c.price?.amount ?? null,
    priceCurrency: c.price?.currency ?? null,
    purchasedAt: c.purchasedAt ?? null,
    contactedTrader: c.contactedTrader ?? null,
    language: c.language ?? null,
    events,
  };
  const complaint: NormalizedComplaint = Object.assign(base, {
    milestones: replay.milestones,
    dueAt: stageDeadline(replay.milestones, c.filedAt, opts.traderReplyDays),
  });
  return { ok: true, complaint };
}
