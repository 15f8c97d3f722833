import { describe, expect, it } from 'vitest';
import { readAhead } from './read-ahead.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('readAhead', () => {
  it('yields every item in order', async () => {
    async function* source() {
      for (let i = 0; i < 5; i++) yield i;
    }
    const out: number[] = [];
    for await (const x of readAhead(source())) out.push(x);
    expect(out).toEqual([0, 1, 2, 3, 4]);
  });

  it('produces the next item while the consumer works on the current one, and no further', async () => {
    const produced: number[] = [];
    async function* source() {
      for (let i = 0; i < 4; i++) {
        produced.push(i);
        yield i;
      }
    }
    const seen: Array<[number, number[]]> = [];
    for await (const x of readAhead(source())) {
      await tick(); // the consumer's own I/O
      seen.push([x, [...produced]]);
    }
    // While item n was consumed, item n + 1 had been produced (one ahead), never n + 2.
    expect(seen).toEqual([
      [0, [0, 1]],
      [1, [0, 1, 2]],
      [2, [0, 1, 2, 3]],
      [3, [0, 1, 2, 3]],
    ]);
  });

  it('stops the producer when the consumer fails, without an unhandled rejection', async () => {
    let closed = false;
    async function* source() {
      try {
        for (let i = 0; ; i++) {
          if (i === 2) throw new Error('producer failed after the consumer');
          yield i;
        }
      } finally {
        closed = true;
      }
    }
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(async () => {
        for await (const x of readAhead(source())) if (x === 1) throw new Error('consumer failed');
      }).rejects.toThrow('consumer failed');
      await tick();
      await tick();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    expect(unhandled).toEqual([]);
    expect(closed).toBe(true);
  });

  it('passes the producer\'s error to the consumer', async () => {
    async function* source() {
      yield 1;
      throw new Error('bad input');
    }
    await expect(async () => {
      for await (const _ of readAhead(source())) void _;
    }).rejects.toThrow('bad input');
  });
});
