import { migrate } from '../db/migrate.js';
import { out, withStore } from './context.js';

export async function migrateCommand(): Promise<void> {
  await withStore(
    async (store) => {
      const applied = await migrate(store);
      out(applied.length ? `applied ${applied.map((m) => `${m.version} ${m.name}`).join(', ')}` : 'schema is up to date');
    },
    { migrate: false },
  );
}
