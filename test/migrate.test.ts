/**
 * Migrations run by several instances starting at once (scale-out): each migration applies once,
 * and none of the instances fails. On the real server, on fresh databases; on PGlite, on one store.
 * And the data step of 0006 (issue 17): free-text discontinuation reasons become `other` + note.
 */
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { listMigrations, migrate } from '../api/src/db/migrate.js';
import { openPglite, openPostgres, type Store } from '../core/postgres/store.js';
import { onRealPostgres } from './support/store.js';
import { insertLegacyCase } from './support/legacy.js';

const adminUrl = process.env.TEST_DATABASE_URL;
const created: string[] = [];

async function admin(query: string): Promise<void> {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(query);
  } finally {
    await c.end();
  }
}

afterAll(async () => {
  for (const name of created) await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

async function versions(store: Store): Promise<number[]> {
  const r = await sql<{ version: number }>`select version from schema_migrations order by version`.execute(store.db);
  return r.rows.map((x) => x.version);
}

describe('migrate, started by several instances at once', () => {
  // Needs a server that takes several connections (PGlite has one): defined on the PostgreSQL pass
  // only, rather than reported as skipped on the PGlite one.
  const onServer = onRealPostgres ? it : () => undefined;
  onServer('three instances on a fresh database: all succeed, each migration once (10 databases)', async () => {
    const expected = (await listMigrations()).map((m) => m.version);
    for (let i = 0; i < 10; i++) {
      const name = `odr_migrate_${process.pid}_${i}_${Math.random().toString(36).slice(2, 8)}`;
      await admin(`CREATE DATABASE ${name}`);
      created.push(name);
      const url = new URL(adminUrl!);
      url.pathname = `/${name}`;
      const stores = await Promise.all([0, 1, 2].map(() => openPostgres(url.toString(), 2)));
      try {
        const applied = await Promise.all(stores.map((s) => migrate(s)));
        // Between them they applied every migration exactly once.
        expect(
          applied
            .flat()
            .map((m) => m.version)
            .sort((a, b) => a - b),
        ).toEqual(expected);
        expect(await versions(stores[0]!)).toEqual(expected);
      } finally {
        for (const s of stores) await s.close();
      }
    }
  });

  it('twice at once on one embedded store: the second applies nothing', async () => {
    const store = await openPglite(null);
    try {
      const [a, b] = await Promise.all([migrate(store), migrate(store)]);
      const expected = (await listMigrations()).map((m) => m.version);
      expect([...a, ...b].map((m) => m.version).sort((x, y) => x - y)).toEqual(expected);
      expect(await versions(store)).toEqual(expected);
    } finally {
      await store.close();
    }
  });
});

describe('0006: the discontinuation reason becomes a code (issue 17)', () => {
  /** A store migrated up to 0005: a fresh database on the real server, else an embedded one. */
  async function storeAt0005(): Promise<Store> {
    let store: Store;
    if (onRealPostgres) {
      const name = `odr_migrate6_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
      await admin(`CREATE DATABASE ${name}`);
      created.push(name);
      const url = new URL(adminUrl!);
      url.pathname = `/${name}`;
      store = await openPostgres(url.toString(), 2);
    } else {
      store = await openPglite(null);
    }
    await migrate(store, { upTo: 5 });
    return store;
  }

  it('a stored code stays; free text becomes other + note (dropped when the case was erased); erasure may then remove a note', async () => {
    const store = await storeAt0005();
    try {
      const TEXT = 'Jane Roe (jane@example.org, +39 333 1234567) withdrew after a hospital stay';
      const ids = {
        code: await insertLegacyCase(store.db, { ref: 'L-CODE', reason: 'trader_withdrew' }),
        text: await insertLegacyCase(store.db, { ref: 'L-TEXT', reason: TEXT, voidReason: 'entered for Jane Roe by mistake' }),
        erased: await insertLegacyCase(store.db, { ref: 'L-ERASED', reason: TEXT, erased: true, voidReason: 'Jane Roe asked' }),
      };
      await migrate(store);
      expect(await versions(store)).toContain(6);
      const cases = await sql<{ id: string; discontinued_reason: string; data: Record<string, unknown>; void_reason: string | null }>`
        select c.id::text as id, c.discontinued_reason, e.data, v.void_reason
        from complaints c
        join complaint_events e on e.complaint_id = c.id and e.type = 'adr_discontinued'
        left join complaint_events v on v.complaint_id = c.id and v.voided_at is not null`.execute(store.db);
      const by = Object.fromEntries(cases.rows.map((r) => [r.id, r]));
      expect(by[ids.code]).toMatchObject({
        discontinued_reason: 'trader_withdrew',
        data: { reason: 'trader_withdrew' },
        void_reason: null,
      });
      expect(by[ids.code]!.data).not.toHaveProperty('note');
      expect(by[ids.text]).toMatchObject({
        discontinued_reason: 'other',
        data: { reason: 'other', note: TEXT },
        void_reason: 'entered for Jane Roe by mistake',
      });
      expect(by[ids.erased]).toMatchObject({ discontinued_reason: 'other', data: { reason: 'other' }, void_reason: null });
      expect(by[ids.erased]!.data).not.toHaveProperty('note');
      // The code is checked; events stay append-only except for a note's removal.
      await expect(
        sql`update complaints set discontinued_reason = 'Jane Roe withdrew' where id = ${ids.code}`.execute(store.db),
      ).rejects.toThrow(/complaints_discontinued_reason_code/);
      await expect(
        sql`update complaint_events set data = '{"reason":"consumer_withdrew"}' where complaint_id = ${ids.code} and type = 'adr_discontinued'`.execute(
          store.db,
        ),
      ).rejects.toThrow(/append-only/);
      await expect(
        sql`update complaint_events set at = now() where complaint_id = ${ids.text} and type = 'adr_discontinued'`.execute(store.db),
      ).rejects.toThrow(/append-only/);
      await sql`update complaint_events set data = data - 'note' where complaint_id = ${ids.text}`.execute(store.db);
      const after = await sql<{
        data: Record<string, unknown>;
      }>`select data from complaint_events where complaint_id = ${ids.text} and type = 'adr_discontinued'`.execute(store.db);
      expect(after.rows[0]!.data).toEqual({ reason: 'other' });
    } finally {
      await store.close();
    }
  });
});
