/**
 * domain.md §4 "Small numbers": a rate or per-capita figure resting on fewer than
 * MIN_RANKED_COUNT complaints is too uncertain to rank with the others. The API says which of a
 * row's ratios those are (`lowCount`, with the threshold as `minCount`), so the dashboard, the CLI
 * and exports mark the same ones; the dashboard ranks them after the others.
 */

/** The threshold, in complaints: below it a ratio is marked and ranked last. */
export const MIN_RANKED_COUNT = 30;

/**
 * The count each ratio rests on: its denominator (complaints, closed ones, ones sent to the
 * trader); for complaints per million, whose denominator is the population, the complaints.
 */
export const RATIO_COUNTS = {
  complaintsPerMillion: 'complaints',
  crossBorderShare: 'complaints',
  resolutionRate: 'closed',
  traderResponseRate: 'sentToTrader',
  timelyTraderResponseRate: 'sentToTrader',
  adrAgreementRate: 'complaints',
  medianDaysToClose: 'closed',
  p90DaysToClose: 'closed',
} as const;

export type RatioName = keyof typeof RATIO_COUNTS;
export type RatioCount = (typeof RATIO_COUNTS)[RatioName];
export const RATIO_NAMES = Object.keys(RATIO_COUNTS) as [RatioName, ...RatioName[]];

/** The ratios a row carries (any of them may be absent or null) and the counts they rest on. */
export type RatioRow = Partial<Record<RatioName, number | null>> & Record<RatioCount, number>;

/**
 * The ratios of `row` that have a value resting on fewer than MIN_RANKED_COUNT complaints, in
 * RATIO_COUNTS's order. A ratio without a value (null, or not in the row) is not listed: it is
 * shown as "—" and ranks nowhere.
 */
export function lowCountRatios(row: RatioRow): RatioName[] {
  return RATIO_NAMES.filter((name) => {
    const value = row[name];
    return typeof value === 'number' && row[RATIO_COUNTS[name]] < MIN_RANKED_COUNT;
  });
}
