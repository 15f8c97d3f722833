/** The demo loader (npm start, odr seed): a count that fills its batches exactly loads without an empty upload. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../api/src/demo/demo-seed.js';
import { createTestStore, type TestStore } from './support/store.js';

let t: TestStore;
beforeAll(async () => {
  t = await createTestStore();
});
afterAll(async () => {
  await t?.close();
});

const stored = async () =>
  Number(
    (
      await t.store.db
        .selectFrom('complaints')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('seedDemo', () => {
  it('loads a count that is a multiple of the batch size (no empty last batch); again: all duplicates', async () => {
    const whole = await seedDemo(t.store, { traderReplyDays: 10 }, { complaints: 60, batchSize: 20, seed: 2 });
    expect(whole).toMatchObject({ inserted: 60, duplicates: 0 });
    expect(await stored()).toBe(60);
    const again = await seedDemo(t.store, { traderReplyDays: 10 }, { complaints: 60, batchSize: 20, seed: 2 });
    expect(again).toMatchObject({ inserted: 0, duplicates: 60 });
  });
});
