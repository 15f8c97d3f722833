/**
 * A fresh, migrated case store per test file: a throw-away database on the real PostgreSQL
 * server when TEST_DATABASE_URL is set, else an in-memory PGlite.
 */
import pg from 'pg';
import { migrate } from '../../api/src/db/migrate.js';
import { openPglite, openPostgres, type Store } from '../../core/postgres/store.js';

export interface TestStore {
  store: Store;
  /** The connection string of the throw-away database (real server only). */
  url?: string;
  close(): Promise<void>;
}

export const onRealPostgres = Boolean(process.env.TEST_DATABASE_URL);

/** `migrateUpTo`: stop migrating after that version (tests of a migration on older data). */
export async function createTestStore(opts: { migrateUpTo?: number } = {}): Promise<TestStore> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const store = await openPglite(null);
    await migrate(store, { upTo: opts.migrateUpTo });
    return { store, close: () => store.close() };
  }
  const name = `odr_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const store = await openPostgres(url.toString(), 4);
  await migrate(store, { upTo: opts.migrateUpTo });
  return {
    store,
    url: url.toString(),
    async close() {
      await store.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}
