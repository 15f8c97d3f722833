/**
 * Bearer tokens: issued once (only their SHA-256 is stored), resolved to a Caller on every request
 * through a short cache, revoked by id. The cache lives TOKEN_CACHE_MS (< 5 s), so a revocation on
 * one instance reaches every other within 5 s while a busy instance does not ask PostgreSQL on
 * every request; on the revoking instance it is effective at once. When PostgreSQL cannot be
 * reached, the last known answer for a token is used however old, so reads go on through an outage
 * (no revocation can be written meanwhile either). A token may expire (expires_at): checked on
 * every request against the clock, cached or not, so it stops at that instant exactly.
 * Hashes the store does not know are remembered apart (a size-capped set, UNKNOWN_CACHE_MS), so
 * a flood of made-up tokens neither asks PostgreSQL each time nor pushes known tokens out.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Store } from '../../../core/postgres/store.js';
import type { ApiTokenRow } from '../../../core/postgres/schema.js';
import { ApiError } from '../common/errors.js';
import { ExpiringSet } from '../common/expiring-set.js';
import type { Caller } from './roles.js';
import type { TokenInfo, TokenInput } from './tokens.dto.js';

export const TOKEN_CACHE_MS = 4_000;
const MAX_CACHED = 10_000;
/** How long a hash the store did not know is answered "unknown" without asking it again. */
export const UNKNOWN_CACHE_MS = 60_000;
const MAX_UNKNOWN = 10_000;
export const ADMIN_TOKEN_ID = 'admin-token';
const adminCaller = (): Caller => ({ tokenId: ADMIN_TOKEN_ID, role: 'admin', label: 'ADMIN_TOKEN' });

/** What a bearer token stands for: a caller, or why not. */
export type TokenCheck = { status: 'valid'; caller: Caller } | { status: 'unknown' } | { status: 'expired'; expiredAt: string };

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
    expiresAt: row.expires_at ? new Date(row.expires_at).toISOString() : null,
  };
}

/** A known token as cached: its caller (null when revoked) and when it expires (ms, null: never). */
interface Known {
  caller: Caller | null;
  expiresAt: number | null;
  at: number;
}

function judge(k: Pick<Known, 'caller' | 'expiresAt'>, now: number): TokenCheck {
  if (!k.caller) return { status: 'unknown' };
  if (k.expiresAt !== null && now >= k.expiresAt) return { status: 'expired', expiredAt: new Date(k.expiresAt).toISOString() };
  return { status: 'valid', caller: k.caller };
}

export class TokenService {
  private readonly cache = new Map<string, Known>();
  private readonly unknown: ExpiringSet;
  private readonly adminToken: Buffer | undefined;
  /** Token look-ups sent to the store (for tests and metrics). */
  storeLookups = 0;

  constructor(
    private readonly store: Store,
    adminToken: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.adminToken = adminToken ? Buffer.from(hashOf(adminToken)) : undefined;
    this.unknown = new ExpiringSet(MAX_UNKNOWN, UNKNOWN_CACHE_MS, now);
  }

  /** The caller a bearer token stands for, or null when it is unknown, revoked or expired. */
  async resolve(token: string): Promise<Caller | null> {
    const c = await this.check(token);
    return c.status === 'valid' ? c.caller : null;
  }

  /**
   * The caller of a token already known valid here (ADMIN_TOKEN, or cached however long ago),
   * without asking the store; null otherwise. For choosing whose budget a request spends.
   */
  knownCaller(token: string): Caller | null {
    const hash = hashOf(token);
    if (this.isAdminToken(hash)) return adminCaller();
    const hit = this.cache.get(hash);
    const c = hit ? judge(hit, this.now()) : undefined;
    return c?.status === 'valid' ? c.caller : null;
  }

  /** Whether a token stands for a caller, and if not, whether it expired (the 401 says so). */
  async check(token: string): Promise<TokenCheck> {
    const hash = hashOf(token);
    if (this.isAdminToken(hash)) return { status: 'valid', caller: adminCaller() };
    const now = this.now();
    const hit = this.cache.get(hash);
    if (hit && now - hit.at < TOKEN_CACHE_MS) return judge(hit, now);
    if (!hit && this.unknown.has(hash)) return { status: 'unknown' };
    let row: ApiTokenRow | undefined;
    try {
      this.storeLookups += 1;
      row = await this.store.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
    } catch {
      if (hit) return judge(hit, this.now());
      throw new ApiError(503, 'the token cannot be checked: the database is unreachable; try again shortly', undefined, undefined);
    }
    if (!row) {
      this.cache.delete(hash);
      this.unknown.add(hash);
      return { status: 'unknown' };
    }
    const known: Known = {
      caller: row.revoked_at ? null : callerOf(row),
      expiresAt: row.expires_at ? new Date(row.expires_at).getTime() : null,
      at: this.now(),
    };
    this.cache.delete(hash);
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(hash, known);
    return judge(known, this.now());
  }

  private isAdminToken(hash: string): boolean {
    // Compared as hashes: equal length, so timingSafeEqual applies and leaks nothing.
    return this.adminToken !== undefined && timingSafeEqual(Buffer.from(hash), this.adminToken);
  }

  /** Issues a token; the secret is in the answer only. */
  async create(spec: TokenInput, createdBy: string): Promise<TokenInfo & { token: string }> {
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
        expires_at: spec.expiresAt ?? null,
        token_hash: hashOf(token),
        created_by: createdBy,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    this.unknown.delete(row.token_hash);
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
