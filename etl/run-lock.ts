/**
 * The ETL lock: at most one run at a time across every instance that shares the case store.
 * On PostgreSQL it is a session-level advisory lock held on a connection of its own for the whole
 * run: PostgreSQL releases it when that connection ends, so a crashed or killed instance never
 * leaves it taken. An embedded store (PGlite) belongs to one process (its data folder is locked),
 * so there the lock is that process's alone.
 */
import { sql } from 'kysely';
import type { Store } from '../core/postgres/store.js';

/** Released once; `alive()` tells whether PostgreSQL still holds the lock for us. */
export interface HeldLock {
  alive(): Promise<boolean>;
  release(): Promise<void>;
}

/** One key for the whole product: every instance contends for the same lock. */
const KEY = sql`hashtext('odr-observatory:etl')`;

const LOCAL: HeldLock = { alive: async () => true, release: async () => undefined };

/** Takes the lock if no other instance holds it; null when one does. Never waits. */
export async function tryEtlLock(store: Store): Promise<HeldLock | null> {
  if (store.kind === 'pglite') return LOCAL;
  return new Promise<HeldLock | null>((resolve, reject) => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let settled = false;
    const session = store
      .session(async (s) => {
        const got = await sql<{ ok: boolean }>`select pg_try_advisory_lock(${KEY}) as ok`.execute(s.db);
        if (!got.rows[0]?.ok) {
          settled = true;
          resolve(null);
          return;
        }
        settled = true;
        resolve({
          alive: () =>
            sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and pid = pg_backend_pid() and granted`
              .execute(s.db)
              .then(
                (r) => (r.rows[0]?.n ?? 0) > 0,
                () => false,
              ),
          release: async () => {
            release();
            await session;
          },
        });
        // Held until release(); a connection that died meanwhile took the lock with it.
        await released;
        await sql`select pg_advisory_unlock(${KEY})`.execute(s.db).catch(() => undefined);
      })
      .catch((err: unknown) => {
        if (!settled) reject(err);
      });
  });
}
