// The improved Farrington algorithm (Noufaily et al. 2013, Stat. Med. 32:1206) as R's
// surveillance::farringtonFlexible (1.20) computes it with thresholdMethod = "nbPlugin",
// no population offset and one series: the same reference periods and seasonal factor, the same
// quasi-Poisson fits, trend test, Anscombe reweighting, plug-in negative-binomial threshold and
// p-value. test/reference/signals-reference.R checks it against R (core/signals/signals.test.ts).
//
// Two details of R's code are kept on purpose, so that the numbers match:
// - The trend test reads summary.glm of the model whose `weights` farringtonFlexible has
//   replaced by the Anscombe weights; its dispersion is then Σ ω·((y − µ)/µ)² / df, roughly
//   phi/µ, so at counts of tens and more the trend passes the 5 % test almost always and is kept
//   unless it predicts above every count in the baseline.
// - The alarm compares the count with the bound through R's score (y − η)/(U − η) > 1, η being
//   the linear predictor (log scale, where the score's µ should be): that is y > U whenever
//   U > η, as nearly always; where extreme overdispersion puts U at 0 below η > 0, R raises none.
// R's limit54 guard (no alarm below `cases` complaints over the last `periods` months) is kept;
// unlike R, expected and upper bound are reported below it too (the dashboard draws the band).
import { negativeBinomialQuantile, negativeBinomialUpperTail, poissonQuantile, poissonUpperTail, tTwoSided } from './distributions.js';
import { fitQuasiPoisson, hatValues, pearsonDispersion, type QuasiPoissonFit } from './quasi-poisson.js';
import { scoreOf, type Judgement } from './judgement.js';

export interface FarringtonOptions {
  /** Periods per year (12: monthly). */
  readonly freq: number;
  /** Years back: the reference values are the same month 1…b years ago. */
  readonly b: number;
  /** Half-window: each reference month brings its w neighbours on either side. */
  readonly w: number;
  /** Levels of the seasonal factor: the windows, and noPeriods − 1 blocks between them (1: none). */
  readonly noPeriods: number;
  /** The judged month and this many before it stay out of the fit (R's pastWeeksNotIncluded). */
  readonly pastPeriodsNotIncluded: number;
  /** Anscombe residuals above this are downweighted (2.58 improved, 1 original Farrington). */
  readonly weightsThreshold: number;
  readonly reweight: boolean;
  /** Fit a linear time trend, kept only when R's test finds it (see the header). */
  readonly trend: boolean;
  readonly pThresholdTrend: number;
  /** The upper bound is the 1 − alpha quantile of the plug-in negative binomial. */
  readonly alpha: number;
  /** No alarm with fewer than `cases` complaints over the last `periods` months (R's limit54). */
  readonly limit54: { readonly cases: number; readonly periods: number };
}

/**
 * The observatory's choice for monthly complaint counts:
 * - b = 3: three years back, the least for which R allows a trend; series with less history
 *   use EARS C2. Each judgement then rests on 3 × 12 + w months.
 * - w = 2: a five-month window around each reference month, 15 months at the window level; the
 *   weekly default w = 3 would span seven months and smear seasonal peaks such as January's.
 * - noPeriods = 5: the window level and four blocks (2, 2, 2, 1 months) for the rest of the year.
 *   Noufaily's 10 is made for 52 weeks: monthly, at w = 2, only 7 months lie between windows and
 *   R's block code then overwrites the first month of every window (it needs noPeriods − 1 ≤ 7);
 *   blocks of about two months keep about six baseline months per level at b = 3.
 * - pastPeriodsNotIncluded = 2 (= w, R's default): the judged month and the two before it stay
 *   out of the fit, so the first three months of a problem are each judged against a baseline
 *   without it. On simulated series Noufaily's 26 weeks (6 months here) raised the false signals
 *   on growing series (the trend is dropped when it would predict above every baseline count,
 *   and the gap it must bridge grows), and 0 missed the third month of a three-month problem.
 * - weightsThreshold = 2.58, reweight, trend with pThresholdTrend = 0.05: the improved method.
 * - alpha = 0.01: the band is the 99 % quantile; which months signal is decided afterwards by
 *   Benjamini–Hochberg over the month's series on the p-values.
 * - limit54 = 5 complaints in 1 month: issue 22's guard, no spike on fewer than 5 complaints.
 */
export const MONTHLY_FARRINGTON: FarringtonOptions = {
  freq: 12,
  b: 3,
  w: 2,
  noPeriods: 5,
  pastPeriodsNotIncluded: 2,
  weightsThreshold: 2.58,
  reweight: true,
  trend: true,
  pThresholdTrend: 0.05,
  alpha: 0.01,
  limit54: { cases: 5, periods: 1 },
};

export interface FarringtonJudgement extends Judgement {
  readonly method: 'farringtonFlexible';
  /** The dispersion plugged into the negative binomial, at least 1 (1: Poisson). */
  readonly phi: number;
  /** Whether the fit kept the time trend. */
  readonly trend: boolean;
}

/** The first month (0-based) farringtonFlexible can judge: b years and w months of history before it. */
export const farringtonFirstMonth = (o: Pick<FarringtonOptions, 'freq' | 'b' | 'w'>): number => o.freq * o.b + o.w;

/**
 * R's `blocks()`: the seasonal-factor level of each month 0…t (NaN: not used), for the month t.
 * Level noPeriods marks the windows; 1…noPeriods − 1 the blocks between them.
 */
function seasonalLevels(t: number, o: FarringtonOptions): number[] {
  const { freq, b, w, noPeriods: p } = o;
  const levels = new Array<number>(t + 1).fill(Number.NaN);
  const fill = (from: number, to: number, level: number) => {
    for (let i = from; i <= to; i++) levels[i] = level;
  };
  fill(t - w, t, p);
  for (let year = 1; year <= b; year++) {
    const reference = t - freq * year;
    fill(reference - w, reference + w, p);
    if (p === 1) continue;
    const between = freq - 2 * w - 1;
    const base = Math.floor(between / (p - 1));
    const rest = between % (p - 1);
    let start = reference + w + 1;
    for (let level = 1; level < p; level++) {
      const length = base + (level <= rest ? 1 : 0);
      fill(start, start + length - 1, level);
      start += length;
    }
  }
  return levels;
}

interface Model {
  readonly fit: QuasiPoissonFit;
  readonly x: number[][];
  readonly phi: number;
  readonly hasTrend: boolean;
  /** What farringtonFlexible leaves in the model's `weights`: the Anscombe weights after reweighting. */
  readonly summaryWeights: readonly number[];
}

/** R's algo.farrington.fitGLM.flexible. */
function fitModel(design: (withTrend: boolean) => number[][], y: readonly number[], trend: boolean, o: FarringtonOptions): Model | null {
  let hasTrend = trend;
  let x = design(hasTrend);
  let fit = fitQuasiPoisson(x, y);
  if (!fit.converged && hasTrend) {
    hasTrend = false;
    x = design(false);
    fit = fitQuasiPoisson(x, y);
  }
  if (!fit.converged) return null;
  let phi = Math.max(pearsonDispersion(fit.workingWeights, fit.workingResiduals, fit.dfResidual), 1);
  if (!o.reweight) return { fit, x, phi, hasTrend, summaryWeights: fit.workingWeights };

  // Anscombe residuals standardised by phi and the leverage, then R's weights: s⁻² above the
  // threshold, 1 below, scaled to sum to n. R does not check that the refit converges.
  const hat = hatValues(x, fit);
  const s = y.map((yi, i) => {
    const mu = fit.mu[i]!;
    return (1.5 * (yi ** (2 / 3) * mu ** (-1 / 6) - Math.sqrt(mu))) / Math.sqrt(phi * (1 - hat[i]!));
  });
  const gamma = s.length / s.reduce((sum, si) => sum + (si > o.weightsThreshold ? si ** -2 : 1), 0);
  const omega = s.map((si) => (si > o.weightsThreshold ? gamma * si ** -2 : gamma));
  fit = fitQuasiPoisson(x, y, omega);
  phi = Math.max(pearsonDispersion(fit.workingWeights, fit.workingResiduals, fit.dfResidual), 1);
  return { fit, x, phi, hasTrend, summaryWeights: omega };
}

/**
 * Judges month t (0-based) of a monthly count series from months 0…t only (later months are
 * ignored, so a judgement never looks ahead). Returns null when t has less history than
 * b years and w months, or when the GLM converges neither with nor without trend (R: NA).
 */
export function farringtonFlexible(
  counts: readonly number[],
  t: number,
  options: FarringtonOptions = MONTHLY_FARRINGTON,
): FarringtonJudgement | null {
  const o = options;
  if (o.noPeriods < 1 || (o.noPeriods > 1 && o.noPeriods - 1 > o.freq - 2 * o.w - 1)) {
    throw new RangeError(`farringtonFlexible: noPeriods − 1 must not exceed the ${o.freq - 2 * o.w - 1} periods between windows`);
  }
  if (!Number.isInteger(t) || t < farringtonFirstMonth(o) || t >= counts.length) return null;

  const levels = seasonalLevels(t, o);
  const used: number[] = [];
  levels.forEach((level, i) => {
    if (!Number.isNaN(level) && i < t - o.pastPeriodsNotIncluded) used.push(i);
  });
  const y = used.map((i) => counts[i]!);
  const present = [...new Set(used.map((i) => levels[i]!))].sort((a, c) => a - c);
  if (!present.includes(o.noPeriods)) throw new RangeError('farringtonFlexible: pastPeriodsNotIncluded leaves no reference window');

  // One indicator per level present (the same fitted values as R's intercept + treatment
  // contrasts), then time centred on the data (the same trend; better conditioned).
  const centre = used.reduce((sum, i) => sum + i, 0) / used.length;
  const row = (level: number, month: number, withTrend: boolean): number[] => {
    const r: number[] = present.map((l) => (l === level ? 1 : 0));
    if (withTrend) r.push(month - centre);
    return r;
  };
  const design = (withTrend: boolean) => used.map((i) => row(levels[i]!, i, withTrend));
  const linearPredictor = (m: Model) => row(o.noPeriods, t, m.hasTrend).reduce((sum, v, j) => sum + v * m.fit.coefficients[j]!, 0);

  // R's algo.farrington.glm: keep the trend only if significant, and if it predicts no more
  // than the largest count in the data (and b ≥ 3); otherwise refit without it.
  let model = fitModel(design, y, o.trend, o);
  if (!model) return null;
  let trend = false;
  if (model.hasTrend) {
    const { fit } = model;
    const j = fit.coefficients.length - 1;
    const dispersion = pearsonDispersion(model.summaryWeights, fit.workingResiduals, fit.dfResidual);
    const tValue = fit.coefficients[j]! / Math.sqrt(fit.unscaledCovariance[j]![j]! * dispersion);
    const significant = tTwoSided(tValue, fit.dfResidual) < o.pThresholdTrend;
    trend = o.b >= 3 && significant && Math.exp(linearPredictor(model)) <= Math.max(...y);
    if (!trend) model = fitModel(design, y, false, o);
    if (!model) return null;
  }

  // R's algo.farrington.threshold.noufaily with the nbPlugin method.
  const eta = linearPredictor(model);
  const expected = Math.exp(eta);
  if (expected === Number.POSITIVE_INFINITY) return null;
  const { phi } = model;
  const observed = counts[t]!;
  const upperBound =
    phi > 1 ? negativeBinomialQuantile(1 - o.alpha, expected / (phi - 1), 1 / phi) : poissonQuantile(1 - o.alpha, expected);
  const pValue = phi > 1 ? negativeBinomialUpperTail(observed, expected / (phi - 1), 1 / phi) : poissonUpperTail(observed, expected);

  let recent = 0;
  for (let i = Math.max(0, t - o.limit54.periods + 1); i <= t; i++) recent += counts[i]!;
  const enoughCases = recent >= o.limit54.cases;
  const rScore = (observed - eta) / (upperBound - eta);

  return {
    method: 'farringtonFlexible',
    t,
    observed,
    expected,
    upperBound,
    pValue,
    score: scoreOf(pValue),
    enoughCases,
    alarm: enoughCases && rScore > 1 && observed !== 0,
    phi,
    trend,
  };
}
