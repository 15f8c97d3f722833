// The few distribution functions the signals need, from stdlib (ports of Boost and Cephes, within
// a few ulps of R's nmath on the cases the reference tests). Upper tails come from the incomplete
// beta and gamma functions directly, not 1 − CDF, so a small p-value keeps its digits.
import betainc from '@stdlib/math-base-special-betainc';
import gammainc from '@stdlib/math-base-special-gammainc';
import nbQuantile from '@stdlib/stats-base-dists-negative-binomial-quantile';
import normalQuantileStd from '@stdlib/stats-base-dists-normal-quantile';
import poissonQuantileStd from '@stdlib/stats-base-dists-poisson-quantile';
import tCdf from '@stdlib/stats-base-dists-t-cdf';

/** R's `qnbinom(p, size, prob)`: the smallest count x with P(Y ≤ x) ≥ p. */
export function negativeBinomialQuantile(p: number, size: number, prob: number): number {
  return nbQuantile(p, size, prob);
}

/** R's `pnbinom(y - 1, size, prob, lower.tail = FALSE)`: P(Y ≥ y) = I_{1−prob}(y, size). */
export function negativeBinomialUpperTail(y: number, size: number, prob: number): number {
  return y <= 0 ? 1 : betainc(1 - prob, y, size, true, false);
}

/** R's `qpois(p, mu)`. */
export function poissonQuantile(p: number, mu: number): number {
  return poissonQuantileStd(p, mu);
}

/** R's `ppois(y - 1, mu, lower.tail = FALSE)`: P(Y ≥ y) = P(y, mu), the regularized lower gamma. */
export function poissonUpperTail(y: number, mu: number): number {
  return y <= 0 ? 1 : gammainc(mu, y, true, false);
}

/** R's `qnorm(p)`. */
export function normalQuantile(p: number): number {
  return normalQuantileStd(p, 0, 1);
}

/** P(T ≥ t) for Student's t with df degrees of freedom. */
export function tUpperTail(t: number, df: number): number {
  return tCdf(-t, df);
}

/** R's `2 * pt(-abs(t), df)`. */
export function tTwoSided(t: number, df: number): number {
  return 2 * tCdf(-Math.abs(t), df);
}
