import 'reflect-metadata';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestStore, type TestStore } from '../../../test/support/store.js';
import { seedDemo } from './demo-seed.js';

describe('seedDemo', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await createTestStore();
  });
  afterEach(() => t?.close());
  const stored = async () =>
    Number(
      (
        await t.store.db
          .selectFrom('complaints')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  // 6 in batches of 3 ends exactly on a batch: no empty upload after it (that one is refused).
  it.each([
    [6, 3],
    [7, 3],
    [2, 5],
  ])('stores all %i complaints in batches of %i', async (complaints, batchSize) => {
    const progress: number[] = [];
    const r = await seedDemo(t.store, { traderReplyDays: 10 }, { complaints, batchSize, seed: 1, onProgress: (n) => progress.push(n) });
    expect(r).toMatchObject({ inserted: complaints, duplicates: 0 });
    expect(await stored()).toBe(complaints);
    expect(progress.at(-1)).toBe(complaints);
    expect(progress).toHaveLength(Math.ceil(complaints / batchSize));
  });
});
