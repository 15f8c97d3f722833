/**
 * The trader benchmark's statistics over its peers' values (domain.md §4): quartiles as
 * percentile_cont computes them, and where a trader's own value falls among them. Pure.
 */

/** Linear interpolation between order statistics, as percentile_cont / quantile_cont. */
export function interpolate(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export interface Quartiles {
  p25: number | null;
  p50: number | null;
  p75: number | null;
}

/** The quartiles of values sorted in ascending order (nulls for none). */
export function quartiles(sorted: readonly number[]): Quartiles {
  return { p25: interpolate(sorted, 0.25), p50: interpolate(sorted, 0.5), p75: interpolate(sorted, 0.75) };
}

/** (values lower + ½ values equal) / values × 100; null without a value of one's own or of peers. */
export function percentile(values: readonly number[], own: number | null): number | null {
  if (own === null || values.length === 0) return null;
  return ((values.filter((v) => v < own).length + 0.5 * values.filter((v) => v === own).length) / values.length) * 100;
}
