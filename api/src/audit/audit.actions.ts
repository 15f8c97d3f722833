/**
 * What each audited action records, taken from the request and the answer. Only identifiers,
 * counts and codes: never personal data (names, e-mails, addresses, descriptions, free text), and
 * never a token's secret.
 */
import type { Request } from 'express';
import type { ApiError } from '../common/errors.js';

export interface AuditFacts {
  target?: string | null;
  rows?: number | null;
  detail?: Record<string, unknown> | null;
}

export interface AuditInput {
  req: Request;
  status: number;
  /** The handler's answer (undefined for streamed answers). */
  answer: unknown;
  /** Rows counted by a stream (see audit-note.ts). */
  noted: number;
  /** False when a streamed answer was cut (client went away, failure mid-stream). */
  finished: boolean;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});
const str = (v: unknown): string | null => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const param = (req: Request, name: string): string | null => str((req.params as Obj)[name]);

/** Registry filters as given, except the free-text search, which may hold a name: only its presence. */
function exportFilters(req: Request): Obj {
  const out: Obj = {};
  for (const [k, v] of Object.entries(obj(req.query))) out[k] = k === 'q' ? '(text search)' : v;
  return out;
}

export const AUDIT_ACTIONS = {
  'complaints.create': ({ status, answer }) => ({
    target: str(obj(answer).id),
    rows: status === 201 ? 1 : 0,
    detail: { outcome: status === 201 ? 'inserted' : 'existing (unchanged or events appended)' },
  }),
  'complaints.bulk': ({ answer }) => {
    const a = obj(answer);
    return {
      target: str(a.batchId),
      rows: num(a.inserted) + num(a.updated),
      detail: { batchId: a.batchId, received: a.received, inserted: a.inserted, updated: a.updated, duplicates: a.duplicates },
    };
  },
  'events.append': ({ req }) => ({ target: param(req, 'id'), rows: 1, detail: { type: str(obj(req.body).type) } }),
  'events.void': ({ req }) => ({ target: param(req, 'id'), rows: 1, detail: { eventId: param(req, 'eventId') } }),
  'complaints.erase-personal-data': ({ req }) => ({ target: param(req, 'id'), rows: 1 }),
  'traders.put': ({ req, status }) => ({ target: param(req, 'traderId'), rows: 1, detail: { created: status === 201 } }),
  'adr-bodies.put': ({ req, status }) => ({ target: param(req, 'adrBodyId'), rows: 1, detail: { created: status === 201 } }),
  'tokens.create': ({ answer }) => {
    const a = obj(answer);
    return { target: str(a.id), rows: 1, detail: { role: a.role, traderId: a.traderId, adrBodyId: a.adrBodyId, source: a.source } };
  },
  'tokens.revoke': ({ req }) => ({ target: param(req, 'tokenId'), rows: 1 }),
  'etl.start': ({ answer }) => {
    const a = obj(answer);
    return { target: str(a.id), rows: null, detail: { kind: a.kind } };
  },
  'registry.export': ({ req, noted, finished }) => ({
    rows: noted,
    detail: { filters: exportFilters(req), ...(finished ? {} : { incomplete: true }) },
  }),
} satisfies Record<string, (input: AuditInput) => AuditFacts>;

export type AuditAction = keyof typeof AUDIT_ACTIONS | 'retention.erase';

/** `succeeded`: done; `denied`: the caller may not (403); `rejected`: the input was refused (other 4xx), nothing stored. */
export const AUDIT_OUTCOMES = ['succeeded', 'denied', 'rejected'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/**
 * The outcome a refused call of an audited route is recorded with, or null when it is not
 * recorded: 401 (no one to name), 429 (never reaches a route) and 5xx (a fault, logged instead).
 */
export function refusalOutcome(status: number): Exclude<AuditOutcome, 'succeeded'> | null {
  if (status === 403) return 'denied';
  if (status >= 400 && status < 500 && status !== 401 && status !== 429) return 'rejected';
  return null;
}

const TARGET_PARAMS = ['id', 'traderId', 'adrBodyId', 'tokenId'] as const;
const MAX_FIELDS = 20;

/**
 * What a refused call records, the same for every action: the target named in the path (or the
 * rejected batch), no rows, and why. A 403's message is ours (roles, sources, event types); a
 * rejection's messages may quote the input, so only its count and the fields named are kept.
 */
export function refusalFacts(req: Request, error: ApiError): AuditFacts {
  const batchId = str(error.extra?.batchId);
  const target = (batchId ?? TARGET_PARAMS.map((p) => param(req, p)).find((v) => v !== null))?.slice(0, 200) ?? null;
  if (error.statusCode === 403) return { target, rows: 0, detail: { reason: error.message.slice(0, 300) } };
  const details = error.details ?? [];
  const fields = [...new Set(details.map((d) => d.field))].slice(0, MAX_FIELDS);
  const problems = typeof error.extra?.rejected === 'number' ? error.extra.rejected : details.length;
  return { target, rows: 0, detail: { ...(batchId ? { batchId } : {}), problems, ...(fields.length ? { fields } : {}) } };
}
export const AUDIT_ACTION_NAMES = [...Object.keys(AUDIT_ACTIONS), 'retention.erase'] as AuditAction[];
