/**
 * Applies sql/postgres/migrations/NNNN_name.up.sql in order, each in its own transaction, and
 * records it in schema_migrations. Migrations are frozen SQL: they never import app code.
 */
import { readdir, readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { sqlPath } from '../../../core/paths.js';
import type { Store } from '../../../core/postgres/store.js';

export interface Migration {
  version: number;
  name: string;
  file: string;
}

const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.up\.sql$/;
/** Arbitrary constant: serialises concurrent `migrate` runs from several instances. */
const MIGRATION_LOCK_KEY = 724_240_001;

export async function listMigrations(): Promise<Migration[]> {
  const dir = sqlPath('postgres', 'migrations');
  const files = (await readdir(dir)).filter((f) => MIGRATION_FILE.test(f)).sort();
  return files.map((file) => {
    const [, version, name] = MIGRATION_FILE.exec(file)!;
    return { version: Number(version), name: name!, file: `${dir}/${file}` };
  });
}

/** Returns the migrations it applied. `upTo`: stop after that version (tests of a migration's data step). */
export async function migrate(store: Store, opts: { upTo?: number } = {}): Promise<Migration[]> {
  const applied: Migration[] = [];
  await store.session(async ({ db }) => {
    // Under the lock too: two instances starting at once would otherwise both create the table,
    // and CREATE … IF NOT EXISTS is not safe against that (a unique violation in pg_type).
    await db.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
      await sql`create table if not exists schema_migrations (
        version integer primary key, name text not null, applied_at timestamptz not null default now())`.execute(trx);
    });
    for (const m of (await listMigrations()).filter((x) => opts.upTo === undefined || x.version <= opts.upTo!)) {
      const done = await db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
        const found = await trx.selectFrom('schema_migrations').select('version').where('version', '=', m.version).executeTakeFirst();
        if (found) return false;
        await sql.raw(await readFile(m.file, 'utf8')).execute(trx);
        await trx.insertInto('schema_migrations').values({ version: m.version, name: m.name }).execute();
        return true;
      });
      if (done) applied.push(m);
    }
  });
  return applied;
}
