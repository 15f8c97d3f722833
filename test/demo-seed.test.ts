/**
 * The demo seed in batches: a count that is a multiple of the batch size (100 000 at 50 000 a
 * batch, as the traders e2e starts with) stores every complaint and sends no empty last batch,
 * which the ingest service refuses.
 */
import { describe, expect, it } from 'vitest';
import { seedDemo } from '../api/src/demo/demo-seed.js';
import { createTestStore } from './support/store.js';

describe('seedDemo', () => {
  it.each([
    [40, 20, [20, 40]],
    [45, 20, [20, 40, 45]],
  ])('%i complaints in batches of %i: all stored, no empty batch', async (complaints, batchSize, progress) => {
    const t = await createTestStore();
    try {
      const seen: number[] = [];
      const r = await seedDemo(t.store, { traderReplyDays: 10 }, { complaints, batchSize, onProgress: (n) => seen.push(n) });
      const { n } = await t.store.db
        .selectFrom('complaints')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect([r.inserted, Number(n)]).toEqual([complaints, complaints]);
      expect(seen).toEqual(progress);
    } finally {
      await t.close();
    }
  });
});
