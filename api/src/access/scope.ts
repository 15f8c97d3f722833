/**
 * What a caller may see and write (contract "Access"), decided here once and applied by the
 * registry, analytics, events and ingest code alike:
 * - a Scope: the cases a caller's reads are limited to (a trader's own, an ADR body's, an ingest
 *   feed's source), added to every query as an extra AND — whatever filters the caller names, it
 *   can only narrow what it sees, never widen it — and whether personal data is readable;
 * - `canRead(scope, case)` for single-case reads and writes (outside → 404, existence not revealed);
 * - `maskDetail` / `maskExported`: personal data removed for callers who may not read it;
 * - which event types a role may post, and which source an ingest token writes.
 */
import { ApiError } from '../common/errors.js';
import type { CaseDetail } from '../complaints/case-view.js';
import { ID_PATTERN } from '../complaints/complaint.schema.js';
import type { ExportedComplaint } from '../complaints/formats/complaint-json.js';
import type { EventType } from '../../../core/codes.js';
import type { Caller, Role } from './roles.js';

export interface Scope {
  /** Only cases of this trader. */
  traderId?: string;
  /** Only cases transmitted to this ADR body (complaints.adr_body_id). */
  adrBodyId?: string;
  /** Only complaints of this feed. */
  source?: string;
  /** Consumer name, e-mail, address and the description may be read (and `q` may search the description). */
  personalData: boolean;
}

/** Every case, personal data included: admins, and in-process callers (CLI, jobs, tests). */
export const UNRESTRICTED: Scope = Object.freeze({ personalData: true });

/**
 * The fields masked for callers without the right to personal data. They are nullable in every
 * answer schema, so masking is `null` in JSON answers and absent (an empty cell) in exports —
 * the same representation as a case whose data was erased or never given.
 */
export const PERSONAL_DATA_FIELDS = [
  'consumer.name',
  'consumer.email',
  'consumer.address',
  'description',
  'events[].note',
  'events[].voided.reason',
] as const;
export const MASKING_NOTE =
  "Regulators read every case with personal data masked: consumer.name, consumer.email, consumer.address and description are null in JSON answers and left out (empty) in exports, and so are the free text of events (an ADR discontinuation's note, an admin's reason for voiding an event); free text (q) does not search descriptions for them.";

const bound = (c: Caller, what: 'traderId' | 'adrBodyId' | 'source'): string => {
  const v = c[what];
  // Fail closed: a role bound to something must never read as unbound (that would be everything).
  if (!v) throw new ApiError(403, `this ${c.role} token is not bound to a ${what}, so it may not read or write cases`);
  return v;
};

/** The caller's scope. */
export function scopeOf(c: Caller): Scope {
  switch (c.role) {
    case 'admin':
      return UNRESTRICTED;
    case 'regulator':
      return { personalData: false };
    case 'trader':
      return { traderId: bound(c, 'traderId'), personalData: true };
    case 'adr_body':
      return { adrBodyId: bound(c, 'adrBodyId'), personalData: true };
    case 'ingest':
      return { source: bound(c, 'source'), personalData: true };
  }
}

/** A stable text of the scope's case limits, for cache keys (personal data never reaches analytics). */
export function scopeKey(s: Scope): string {
  return JSON.stringify([s.traderId ?? null, s.adrBodyId ?? null, s.source ?? null]);
}

/** Whether the case lies inside the scope. */
export function canRead(s: Scope, row: { trader_id: string; adr_body_id: string | null; source: string }): boolean {
  if (s.traderId !== undefined && row.trader_id !== s.traderId) return false;
  if (s.adrBodyId !== undefined && row.adr_body_id !== s.adrBodyId) return false;
  if (s.source !== undefined && row.source !== s.source) return false;
  return true;
}

/** The case detail as the scope may read it. */
export function maskDetail(s: Scope, d: CaseDetail): CaseDetail {
  if (s.personalData) return d;
  return {
    ...d,
    consumer: { ...d.consumer, name: null, email: null, address: null },
    description: null,
    events: d.events.map((e) => ({ ...e, data: withoutNote(e.data), voided: e.voided && { ...e.voided, reason: null } })),
  };
}

/** Event data without its free-text `note` (personal data: the only free text an event carries). */
export function withoutNote<T extends object>(data: T): T {
  if (!('note' in data)) return data;
  const { note: _n, ...rest } = data as T & { note: unknown };
  return rest as T;
}

/** An exported case (ingest shape) as the scope may read it: masked fields left out. */
export function maskExported(s: Scope, c: ExportedComplaint): ExportedComplaint {
  if (s.personalData) return c;
  const { name: _n, email: _e, address: _a, ...consumer } = c.consumer;
  const { description: _d, ...rest } = c;
  return { ...rest, consumer, events: c.events.map(withoutNote) };
}

/** A benchmark is its trader's (and readable by admins and regulators): another trader's → 404. */
export function assertTraderVisible(s: Scope, traderId: string): void {
  if (s.traderId !== undefined && s.traderId !== traderId) throw new ApiError(404, `no trader "${traderId}"`);
  // ADR bodies and feeds have no benchmark route; if one is ever opened to them, they see none.
  if (s.adrBodyId !== undefined || s.source !== undefined) throw new ApiError(404, `no trader "${traderId}"`);
}

/** An activity report is its ADR body's (and readable by admins and regulators): another's → 404. */
export function assertAdrBodyVisible(s: Scope, adrBodyId: string): void {
  if (s.adrBodyId !== undefined && s.adrBodyId !== adrBodyId) throw new ApiError(404, `no ADR body "${adrBodyId}"`);
  if (s.traderId !== undefined || s.source !== undefined) throw new ApiError(404, `no ADR body "${adrBodyId}"`);
}

/** Event types each role may post ('any': the whole lifecycle); regulators post none. */
export const EVENTS_BY_ROLE: Readonly<Record<Role, 'any' | readonly EventType[]>> = {
  admin: 'any',
  ingest: 'any',
  trader: ['trader_replied', 'settled_directly'],
  adr_body: ['adr_accepted', 'adr_refused', 'adr_outcome', 'adr_discontinued', 'compliance_reported'],
  regulator: [],
};

/** 403 when the role may not post this event type (judged before the case is looked up). */
export function assertEventAllowed(c: Caller, type: string): void {
  const allowed = EVENTS_BY_ROLE[c.role];
  if (allowed === 'any' || (allowed as readonly string[]).includes(type)) return;
  throw new ApiError(
    403,
    allowed.length
      ? `the ${c.role} role may not post ${type} events; it may post: ${allowed.join(', ')}`
      : `the ${c.role} role may not post events`,
  );
}

/**
 * The source a write lands in when the body names none: an ingest token's own source (naming
 * another is a 403), else `requested` or the fallback.
 */
export function writeSource(c: Caller, requested: string | undefined, fallback: string): string {
  if (c.role !== 'ingest') return requested ?? fallback;
  const own = bound(c, 'source');
  if (requested !== undefined && requested !== own) throw foreignSource(own, requested);
  return own;
}

/** The source an ingest token may write, or undefined (no limit). */
export function onlySourceOf(c: Caller): string | undefined {
  return c.role === 'ingest' ? bound(c, 'source') : undefined;
}

export function foreignSource(own: string, named: string, line?: number): ApiError {
  // The name is quoted only when it is a valid id: this message reaches the audit log, and an
  // unchecked line may carry anything, personal data included.
  const which = ID_PATTERN.test(named) ? `source "${named}"` : 'a source that is not a valid id';
  return new ApiError(
    403,
    `${line !== undefined ? `line ${line} names` : 'the request names'} ${which}, but this ingest token writes only source "${own}"; nothing was stored`,
  );
}
