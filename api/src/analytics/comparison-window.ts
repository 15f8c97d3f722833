/**
 * Like-for-like comparison windows (issue 20): which window a period is compared with, and how
 * both are cut when the current one is not over yet. Pure: the stamp comes from the answer.
 */

export const COMPARISONS = ['previous_period', 'previous_year'] as const;
export type Comparison = (typeof COMPARISONS)[number];

/** A half-open window [from, to) of filing instants. */
export interface Window {
  from: Date;
  to: Date;
}

export interface ComparedWindows {
  /** The comparison window, cut to the same elapsed part as the current one when that one is not over. */
  comparison: Window;
  /** false: the current window reaches past the stamp, so both were cut to the time elapsed in it. */
  complete: boolean;
}

const isMonthStart = (d: Date) =>
  d.getUTCDate() === 1 && d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && d.getUTCSeconds() === 0 && d.getUTCMilliseconds() === 0;

/** `d` moved by `n` calendar months, the day kept or clamped to the month's last (29 Feb → 28 Feb). */
export function addMonths(d: Date, n: number): Date {
  const month = d.getUTCMonth() + n;
  const last = new Date(Date.UTC(d.getUTCFullYear(), month + 1, 0)).getUTCDate();
  return new Date(
    Date.UTC(
      d.getUTCFullYear(),
      month,
      Math.min(d.getUTCDate(), last),
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    ),
  );
}

/**
 * The window the current one [from, to) is compared with, at stamp `asOf` (`to` absent: open, up
 * to the stamp).
 * - previous_period: whole UTC months (so quarters and years too) → the same number of months just
 *   before (June → May, Q2 → Q1); otherwise the same duration just before.
 * - previous_year: the same dates one calendar year earlier (29 Feb → 28 Feb).
 * When the current window reaches past `asOf`, the comparison keeps only the part that has elapsed
 * in the current one ("1–6 Dec" against "1–6 Nov"), and `complete` is false.
 */
export function comparedWindows(current: { from: Date; to?: Date }, asOf: Date, kind: Comparison): ComparedWindows {
  const { from, to } = current;
  let comparison: Window;
  if (kind === 'previous_year') {
    comparison = { from: addMonths(from, -12), to: addMonths(to ?? asOf, -12) };
  } else if (to !== undefined && isMonthStart(from) && isMonthStart(to)) {
    const months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();
    comparison = { from: addMonths(from, -months), to: from };
  } else {
    const span = (to ?? asOf).getTime() - from.getTime();
    comparison = { from: new Date(from.getTime() - span), to: from };
  }
  const complete = to !== undefined && to.getTime() <= asOf.getTime();
  if (!complete) {
    const elapsed = Math.max(0, asOf.getTime() - from.getTime());
    const cut = new Date(comparison.from.getTime() + elapsed);
    if (cut < comparison.to) comparison = { from: comparison.from, to: cut };
  }
  return { comparison, complete };
}
