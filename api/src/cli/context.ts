/** What every CLI command needs: the validated configuration and an open, migrated store. */
import { loadConfig, type Config } from '../config/config.js';
import { migrate } from '../db/migrate.js';
import { openStore, type Store } from '../db/store.js';

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

export const out = (line: string) => process.stdout.write(`${line}\n`);
