// EARS C2 as R's surveillance::earsC(method = "C2") computes it: the mean and standard
// deviation of the 7 months ending 3 months before the judged one (a lag of 2), the bound
// mean + z(1 − alpha)·max(sd, minSigma). For series too short for farringtonFlexible.
//
// R's earsC gives no p-value. The one here is the predictive t: for a normal baseline of n
// months, (y − mean) / (sd·√(1 + 1/n)) follows Student's t with n − 1 degrees of freedom.
// The normal tail that R's bound implies treats the sd of 7 months as known and is far too
// small: on simulated stationary series it let Benjamini–Hochberg flag about 2 % of
// series-months, against under 0.6 % with the t (core/signals/false-discovery.test.ts).
// So a count can exceed R's bound (alarm) with a p-value above alpha.
//
// EARS knows nothing of seasons: on a seasonal series every rising month looks like a spike.
import { normalQuantile, tUpperTail } from './distributions.js';
import { scoreOf, type Judgement } from './judgement.js';

export interface EarsOptions {
  /** Months in the baseline (R's default 7). */
  readonly baseline: number;
  readonly alpha: number;
  /** Floor of the baseline's standard deviation, so a flat baseline does not alarm on one more complaint. */
  readonly minSigma: number;
  /** The same small-count guard as farringtonFlexible's (R's earsC has none). */
  readonly limit54: { readonly cases: number; readonly periods: number };
}

/**
 * The observatory's choice: R's baseline of 7; alpha = 0.01 as for farringtonFlexible (R's
 * default 0.001 is for daily syndromic counts); minSigma = 1, a count's smallest meaningful
 * spread, so seven equal months do not make their value + 1 a spike; the 5-complaint guard.
 */
export const MONTHLY_EARS: EarsOptions = { baseline: 7, alpha: 0.01, minSigma: 1, limit54: { cases: 5, periods: 1 } };

/** The first month (0-based) EARS C2 can judge. */
export const earsFirstMonth = (o: Pick<EarsOptions, 'baseline'>): number => o.baseline + 2;

export interface EarsJudgement extends Judgement {
  readonly method: 'earsC2';
  /** max(sd, minSigma) of the baseline. */
  readonly sigma: number;
}

/** Judges month t (0-based) from the months before it; null when fewer than baseline + 2 precede it. */
export function earsC2(counts: readonly number[], t: number, options: EarsOptions = MONTHLY_EARS): EarsJudgement | null {
  const o = options;
  if (!Number.isInteger(t) || t < earsFirstMonth(o) || t >= counts.length) return null;
  const reference = counts.slice(t - o.baseline - 2, t - 2);
  const mean = reference.reduce((sum, v) => sum + v, 0) / reference.length;
  const variance = reference.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (reference.length - 1);
  const sigma = Math.max(Math.sqrt(variance), o.minSigma);
  const upperBound = mean + normalQuantile(1 - o.alpha) * sigma;
  const observed = counts[t]!;
  const n = reference.length;
  const pValue = sigma > 0 ? tUpperTail((observed - mean) / (sigma * Math.sqrt(1 + 1 / n)), n - 1) : observed > mean ? 0 : 1;

  let recent = 0;
  for (let i = Math.max(0, t - o.limit54.periods + 1); i <= t; i++) recent += counts[i]!;
  const enoughCases = recent >= o.limit54.cases;
  return {
    method: 'earsC2',
    t,
    observed,
    expected: mean,
    upperBound,
    pValue,
    score: scoreOf(pValue),
    enoughCases,
    alarm: enoughCases && observed > upperBound,
    sigma,
  };
}
