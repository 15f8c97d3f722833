import { describe, expect, it } from 'vitest';
import { boundedQuantile } from './close-km.js';

const DAY_US = 86_400_000_000;
const points = new Map([[7, 30 * DAY_US]]);

describe('a Kaplan–Meier quantile from its bounds per close bucket', () => {
  it('both bounds reach the level in one point bucket: its value', () => {
    expect(boundedQuantile(7, 7, points)).toEqual({ us: 30 * DAY_US });
  });
  it('the lower bound never reaches it: null (S never does)', () => {
    expect(boundedQuantile(null, null, points)).toEqual({ us: null });
  });
  it('the upper bound reaches it later, or never: the exact query decides', () => {
    expect(boundedQuantile(7, 8, points)).toBe('exact');
    expect(boundedQuantile(7, null, points)).toBe('exact');
  });
  it('both in one ordinary bucket: the exact query decides (S crosses somewhere inside)', () => {
    expect(boundedQuantile(5, 5, points)).toBe('exact');
  });
});
