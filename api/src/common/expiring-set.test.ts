import { describe, expect, it } from 'vitest';
import { ExpiringSet } from './expiring-set.js';

describe('ExpiringSet', () => {
  it('forgets a member after its time and never holds more than its size', () => {
    let now = 0;
    const s = new ExpiringSet(3, 1_000, () => now);
    for (const k of ['a', 'b', 'c', 'd']) s.add(k);
    expect(s.size).toBe(3);
    expect(['a', 'b', 'c', 'd'].map((k) => s.has(k))).toEqual([false, true, true, true]);
    now = 999;
    expect(s.has('b')).toBe(true);
    now = 1_000;
    expect(s.has('b')).toBe(false);
    expect(s.size).toBe(2);
    s.add('c'); // re-added: a new lease, and the newest member
    s.add('e');
    s.add('f');
    expect(['c', 'd', 'e', 'f'].map((k) => s.has(k))).toEqual([true, false, true, true]);
    s.delete('c');
    expect(s.has('c')).toBe(false);
  });
});
