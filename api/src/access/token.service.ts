/**
 * Bearer tokens: issued once (only their SHA-256 is stored), resolved to a Caller on every request
 * through a short cache, revoked by id. The cache lives TOKEN_CACHE_MS (< 5 s), so a revocation on
 * one instance reaches every other within 5 s while a busy instance does not ask PostgreSQL on
 * every request; on the revoking instance it is effective at once. When PostgreSQL cannot be
 * reached, the last known answer for a token is used however old, so reads go on through an outage
 * (no revocation can be written meanwhile either).
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Store } from '../db/store.js';
import type { ApiTokenRow } from '../db/schema.js';
import { ApiError } from '../common/errors.js';
import type { Caller, Role } from './roles.js';

export const TOKEN_CACHE_MS = 4_000;
const MAX_CACHED = 10_000;
export const ADMIN_TOKEN_ID = 'admin-token';

export interface NewToken {
  role: Role;
  label: string;
  traderId?: string;
  adrBodyId?: string;
  source?: string;
}

export interface TokenInfo {
  id: string;
  role: Role;
  label: string;
  traderId: string | null;
  adrBodyId: string | null;
  source: string | null;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

const hashOf = (token: string): string => createHash('sha256').update(token).digest('hex');

function callerOf(row: ApiTokenRow): Caller {
  return {
    tokenId: row.id,
    role: row.role,
    label: row.label,
    ...(row.trader_id ? { traderId: row.trader_id } : {}),
    ...(row.adr_body_id ? { adrBodyId: row.adr_body_id } : {}),
    ...(row.source ? { source: row.source } : {}),
  };
}

export function tokenInfo(row: ApiTokenRow): TokenInfo {
  return {
    id: row.id,
    role: row.role,
    label: row.label,
    traderId: row.trader_id,
    adrBodyId: row.adr_body_id,
    source: row.source,
    createdAt: new Date(row.created_at).toISOString(),
    createdBy: row.created_by,
    revokedAt: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
  };
}

export class TokenService {
  private readonly cache = new Map<string, { caller: Caller | null; at: number }>();
  private readonly adminToken: Buffer | undefined;

  constructor(
    private readonly store: Store,
    adminToken: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.adminToken = adminToken ? Buffer.from(hashOf(adminToken)) : undefined;
  }

  /** The caller a bearer token stands for, or null when it is unknown or revoked. */
  async resolve(token: string): Promise<Caller | null> {
    const hash = hashOf(token);
    // Compared as hashes: equal length, so timingSafeEqual applies and leaks nothing.
    if (this.adminToken && timingSafeEqual(Buffer.from(hash), this.adminToken)) {
      return { tokenId: ADMIN_TOKEN_ID, role: 'admin', label: 'ADMIN_TOKEN' };
    }
    const hit = this.cache.get(hash);
    if (hit && this.now() - hit.at < TOKEN_CACHE_MS) return hit.caller;
    let row: ApiTokenRow | undefined;
    try {
      row = await this.store.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
    } catch {
      if (hit) return hit.caller;
      throw new ApiError(503, 'the token cannot be checked: the database is unreachable; try again shortly', undefined, undefined);
    }
    const caller = row && !row.revoked_at ? callerOf(row) : null;
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(hash, { caller, at: this.now() });
    return caller;
  }

  /** Issues a token; the secret is in the answer only. */
  async create(spec: NewToken, createdBy: string): Promise<TokenInfo & { token: string }> {
    const token = `odr_${randomBytes(32).toString('base64url')}`;
    const row = await this.store.db
      .insertInto('api_tokens')
      .values({
        id: randomUUID(),
        role: spec.role,
        label: spec.label,
        trader_id: spec.traderId ?? null,
        adr_body_id: spec.adrBodyId ?? null,
        source: spec.source ?? null,
        token_hash: hashOf(token),
        created_by: createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { ...tokenInfo(row), token };
  }

  async list(): Promise<TokenInfo[]> {
    const rows = await this.store.db.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
    return rows.map(tokenInfo);
  }

  /** Revokes a token (idempotent); null when there is no such token. */
  async revoke(id: string): Promise<TokenInfo | null> {
    const row = await this.store.db
      .updateTable('api_tokens')
      .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (!row) return null;
    // At once on this instance; the others within TOKEN_CACHE_MS.
    this.cache.delete(row.token_hash);
    return tokenInfo(row);
  }
}
