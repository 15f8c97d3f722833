import { describe, expect, it } from 'vitest';
import { AnswerCache, CloseBucketsCache, PREWARM_EVERY_MS } from './snapshot-cache.js';
import type { CloseBuckets } from './close-quantiles.js';

describe('AnswerCache', () => {
  it('keeps answers per data version; a newer version empties it', () => {
    const cache = new AnswerCache();
    cache.set('a', 5, { n: 1 });
    expect(cache.get('a', 5)).toEqual({ n: 1 });
    expect(cache.get('a', 6)).toBeUndefined();
    expect(cache.get('a', 5)).toBeUndefined();
  });

  it('a reader on an older snapshot neither reads nor fills it', () => {
    const cache = new AnswerCache();
    cache.set('a', 7, { n: 7 });
    expect(cache.get('a', 6)).toBeUndefined();
    cache.set('b', 6, { n: 6 });
    expect(cache.get('b', 7)).toBeUndefined();
    expect(cache.get('a', 7)).toEqual({ n: 7 });
  });

  it('drops the least recently used answer beyond its size', () => {
    const cache = new AnswerCache(2);
    cache.set('a', 1, { n: 'a' });
    cache.set('b', 1, { n: 'b' });
    cache.get('a', 1);
    cache.set('c', 1, { n: 'c' });
    expect(cache.get('b', 1)).toBeUndefined();
    expect(cache.get('a', 1)).toEqual({ n: 'a' });
    expect(cache.get('c', 1)).toEqual({ n: 'c' });
  });

  it('prewarms when complaints changed, and at most every PREWARM_EVERY_MS when only deadlines passed', () => {
    const cache = new AnswerCache();
    const t = 1_000_000_000;
    expect(cache.prewarmDue({ dataChanged: false, rowsChanged: false }, t)).toBe(false);
    expect(cache.prewarmDue({ dataChanged: true, rowsChanged: false }, t)).toBe(true);
    expect(cache.prewarmDue({ dataChanged: true, rowsChanged: false }, t + 1)).toBe(false);
    expect(cache.prewarmDue({ dataChanged: true, rowsChanged: true }, t + 2)).toBe(true);
    expect(cache.prewarmDue({ dataChanged: true, rowsChanged: false }, t + 2 + PREWARM_EVERY_MS)).toBe(true);
  });
});

describe('CloseBucketsCache', () => {
  const buckets = (): CloseBuckets => ({ points: new Map(), bucketsOf: new Map() });

  it('reads once per data version; an older reader reads its own and keeps none', async () => {
    const cache = new CloseBucketsCache();
    let reads = 0;
    const read = () => (reads++, Promise.resolve(buckets()));
    const first = await cache.of(3, read);
    expect(await cache.of(3, read)).toBe(first);
    expect(reads).toBe(1);
    const older = await cache.of(2, read);
    expect(older).not.toBe(first);
    expect(await cache.of(3, read)).toBe(first);
    expect(reads).toBe(2);
  });

  it('keeps no failed read', async () => {
    const cache = new CloseBucketsCache();
    await expect(cache.of(1, () => Promise.reject(new Error('gone')))).rejects.toThrow('gone');
    const ok = buckets();
    expect(await cache.of(1, () => Promise.resolve(ok))).toBe(ok);
  });
});
