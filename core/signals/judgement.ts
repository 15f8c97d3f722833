// What every spike method says about one month of one series.

export interface Judgement {
  readonly method: 'farringtonFlexible' | 'earsC2';
  /** The month judged, 0-based in the series. */
  readonly t: number;
  readonly observed: number;
  /** The model's expected count for the month. */
  readonly expected: number;
  /** The method's 1 − alpha bound: a count above it exceeds (R's `upperbound`). */
  readonly upperBound: number;
  /** P(count ≥ observed) under the model, for Benjamini–Hochberg across series. */
  readonly pValue: number;
  /** −log10 pValue (at most 323.3: p is floored at the smallest positive double). */
  readonly score: number;
  /** Whether the month passes the small-count guard (limit54). */
  readonly enoughCases: boolean;
  /** R's alarm: the count is above the bound and the guard holds (before any multiplicity control). */
  readonly alarm: boolean;
}

export const scoreOf = (pValue: number): number => -Math.log10(Math.max(pValue, Number.MIN_VALUE));
