/** What every CLI command needs: the validated configuration and an open, migrated store. */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { AuditService, type AuditEntry } from '../audit/audit.service.js';
import { loadConfig, type Config } from '../config/config.js';
import { migrate } from '../db/migrate.js';
import { openStore, type Store } from '../../../core/postgres/store.js';
import { AnalyticsDb } from '../../../core/duckdb/analytics-db.js';
import { shareOf } from '../../../core/duckdb/duckdb-budget.js';
import { SCHEMA_VERSION } from '../../../etl/index.js';

export async function withStore<T>(fn: (store: Store, config: Config) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
  const config = loadConfig();
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    if (opts.migrate !== false) await migrate(store);
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

export const NO_SNAPSHOT = 'no analytics snapshot yet: run `odr etl` first';

/**
 * Opens the analytics store (DuckDB) for one command and closes it after. DuckDB lets one process
 * at a time open the file: when the server (or another `odr etl`) holds it, this fails with a
 * message saying so and what to do instead (`instead`). With `mustExist`, a missing file means
 * that no ETL run has published anything yet: say so rather than create an empty store.
 */
export async function withAnalyticsDb<T>(
  config: Config,
  opts: { instead: string; mustExist?: boolean },
  fn: (db: AnalyticsDb) => Promise<T>,
): Promise<T> {
  const file = config.duckdbPath;
  if (opts.mustExist && file !== ':memory:' && !existsSync(file)) throw new Error(NO_SNAPSHOT);
  let db: AnalyticsDb;
  try {
    // One reader is plenty for a command; the store is the process's one DuckDB instance, so it
    // has the whole budget, as the server's has with one instance.
    const limits = shareOf({ memoryBytes: config.duckdbMemoryLimit, threads: config.duckdbThreads }, 1);
    db = await AnalyticsDb.open(file, { readers: 1, ...limits, schemaVersion: SCHEMA_VERSION });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/could not set lock/i.test(message)) {
      const holder = /\(PID (\d+)\)/.exec(message)?.[1];
      throw new Error(
        `the analytics store ${file} is in use by another process${holder ? ` (PID ${holder})` : ''}: is the server running? ${opts.instead}`,
        { cause: err },
      );
    }
    throw new Error(`cannot open the analytics store ${file}: ${message}`, { cause: err });
  }
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

export const out = (line: string) => process.stdout.write(`${line}\n`);

/** The CLI acts as the store's administrator, without a token; its writes and exports are audited as `cli (<os user>)`. */
export const CLI_ACTOR = `cli (${safeUser()})`;

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown user';
  }
}

export function auditCli(store: Store, e: Omit<AuditEntry, 'tokenId' | 'role' | 'actor'>): Promise<void> {
  return new AuditService(store).record({ tokenId: null, role: 'cli', actor: CLI_ACTOR, ...e });
}
