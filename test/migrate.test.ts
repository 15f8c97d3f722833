/**
 * Migrations run by several instances starting at once (scale-out): each migration applies once,
 * and none of the instances fails. On the real server, on fresh databases; on PGlite, on one store.
 */
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { listMigrations, migrate } from '../api/src/db/migrate.js';
import { openPglite, openPostgres, type Store } from '../api/src/db/store.js';
import { onRealPostgres } from './support/store.js';

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
        expect(applied.flat().map((m) => m.version).sort((a, b) => a - b)).toEqual(expected);
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
