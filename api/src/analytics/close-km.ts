/**
 * medianDaysToCloseKM and p90DaysToCloseKM in two steps: the bounds per close bucket
 * (queries/close-km-bounds.ts) settle most groups from counts alone; the exact Kaplan–Meier over
 * every row (queries/close-km.ts) runs only for the groups they leave open.
 */
import type { CloseKmBoundsRow } from './queries/close-km-bounds.js';

/** One quantile from the bounds: its value in µs, null (never reached), or undecided. */
export type BoundedQuantile = { us: number | null } | 'exact';

/**
 * A level's quantile from the buckets where S_low and S_high first reach it. `points`: close_cb →
 * its one value, for the point buckets.
 */
export function boundedQuantile(lowCb: number | null, highCb: number | null, points: ReadonlyMap<number, number>): BoundedQuantile {
  // S ≥ S_low everywhere: S_low never at the level, S never is.
  if (lowCb === null) return { us: null };
  const point = points.get(lowCb);
  return highCb === lowCb && point !== undefined ? { us: point } : 'exact';
}

/** A group's two quantiles from its bounds row. */
export function boundedKm(row: CloseKmBoundsRow, points: ReadonlyMap<number, number>): { median: BoundedQuantile; p90: BoundedQuantile } {
  const cb = (v: number | bigint | null) => (v === null ? null : Number(v));
  return {
    median: boundedQuantile(cb(row.lowMedianCb), cb(row.highMedianCb), points),
    p90: boundedQuantile(cb(row.lowP90Cb), cb(row.highP90Cb), points),
  };
}
