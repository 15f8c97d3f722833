/**
 * The audit log (contract "Access"): one row per write, token change, export and retention run —
 * who (token id, role, readable actor), what (action, target), when, how many rows. Read by admins
 * through GET /api/v1/audit, newest first, keyset-paged by id (ids only grow).
 */
import { sql } from 'kysely';
import type { Store } from '../../../core/postgres/store.js';
import type { AuditRow } from '../../../core/postgres/schema.js';
import type { AuditAction, AuditOutcome } from './audit.actions.js';
import type { AuditItem, AuditQuery } from './audit.dto.js';

export interface AuditEntry {
  tokenId: string | null;
  role: string | null;
  actor: string;
  action: AuditAction;
  target?: string | null;
  rows?: number | null;
  detail?: Record<string, unknown> | null;
  /** default succeeded */
  outcome?: AuditOutcome;
  /** the HTTP status answered; none for the CLI and jobs */
  status?: number | null;
}

/** Drops undefined values so the stored JSON holds only what was there. */
function compact(detail: Record<string, unknown> | null | undefined): string | null {
  if (!detail) return null;
  const kept = Object.entries(detail).filter(([, v]) => v !== undefined);
  return kept.length ? JSON.stringify(Object.fromEntries(kept)) : null;
}

function item(r: AuditRow): AuditItem {
  return {
    id: String(r.id),
    at: new Date(r.at).toISOString(),
    tokenId: r.token_id,
    role: r.role,
    actor: r.actor,
    action: r.action,
    target: r.target,
    rows: r.rows === null ? null : Number(r.rows),
    detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as Record<string, unknown> | null,
    outcome: r.outcome as AuditOutcome,
    status: r.status === null ? null : Number(r.status),
  };
}

export class AuditService {
  constructor(private readonly store: Store) {}

  async record(e: AuditEntry): Promise<void> {
    await this.store.db
      .insertInto('audit_log')
      .values({
        token_id: e.tokenId,
        role: e.role,
        actor: e.actor,
        action: e.action,
        target: e.target ?? null,
        rows: e.rows ?? null,
        detail: compact(e.detail),
        outcome: e.outcome ?? 'succeeded',
        status: e.status ?? null,
      })
      .execute();
  }

  async list(q: AuditQuery): Promise<{ items: AuditItem[]; nextCursor: string | null }> {
    let query = this.store.db.selectFrom('audit_log').selectAll();
    if (q.action?.length) query = query.where('action', 'in', q.action);
    if (q.outcome?.length) query = query.where('outcome', 'in', q.outcome);
    if (q.tokenId) query = query.where('token_id', '=', q.tokenId);
    // A part of the actor, any case ("trader:T-1", "analyst desk"); strpos, so % and _ are plain characters.
    if (q.actor) query = query.where(sql<boolean>`strpos(lower(actor), lower(${q.actor})) > 0`);
    if (q.from) query = query.where('at', '>=', q.from);
    if (q.to) query = query.where('at', '<', q.to);
    if (q.cursor) query = query.where('id', '<', q.cursor);
    const rows = await query
      .orderBy('id', 'desc')
      .limit(q.limit + 1)
      .execute();
    const items = rows.slice(0, q.limit).map(item);
    return { items, nextCursor: rows.length > q.limit ? items.at(-1)!.id : null };
  }
}
