import { describe, expect, it } from 'vitest';
import { interpolate, percentile, quartiles } from './benchmark-stats.js';

describe('benchmark statistics', () => {
  it('interpolates between order statistics as percentile_cont does', () => {
    expect(interpolate([], 0.5)).toBeNull();
    expect(interpolate([7], 0.25)).toBe(7);
    expect(interpolate([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(interpolate([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
    expect(interpolate([10, 20, 30, 40, 50], 0.75)).toBe(40);
    expect(interpolate([0, 10], 0.9)).toBeCloseTo(9, 12);
  });

  it('gives quartiles, nulls over no value', () => {
    expect(quartiles([1, 2, 3, 4, 5])).toEqual({ p25: 2, p50: 3, p75: 4 });
    expect(quartiles([])).toEqual({ p25: null, p50: null, p75: null });
  });

  it('counts ties as half below', () => {
    expect(percentile([1, 2, 3, 4], 3)).toBe(62.5);
    expect(percentile([1, 2, 3, 4], 0)).toBe(0);
    expect(percentile([1, 2, 3, 4], 9)).toBe(100);
    expect(percentile([2, 2, 2, 2], 2)).toBe(50);
    expect(percentile([1, 2], null)).toBeNull();
    expect(percentile([], 1)).toBeNull();
  });
});
