/**
 * Small numbers in rankings (domain.md §4, core/small-numbers.ts): the API marks each row's ratios
 * that rest on fewer than `minCount` complaints (`lowCount`); a ranking puts them after the
 * others, each part largest first, and the chart and tooltip say so.
 */
import type { RatioName } from '../../../core/small-numbers.js';

/** Whether the API marked `ratio` of a row as resting on too few complaints. */
export const isLowCount = (lowCount: readonly string[] | undefined, ratio: RatioName | undefined): boolean =>
  ratio !== undefined && (lowCount?.includes(ratio) ?? false);

/** Ranked largest first, the small numbers after all the others; ties by label. */
export function rankSmallLast<R extends { value: number; label: string; low?: boolean }>(rows: readonly R[]): R[] {
  return [...rows].sort((a, b) => Number(a.low ?? false) - Number(b.low ?? false) || b.value - a.value || a.label.localeCompare(b.label));
}
