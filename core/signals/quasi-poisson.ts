// The quasi-Poisson GLM with log link, fitted the way R's glm.fit does it, step for step: the
// same start (mu = y + 0.1), iteratively reweighted least squares, the same stopping rule
// (|dev − devold| / (|dev| + 0.1) < 1e-8, at most 25 iterations), step halving on an infinite
// deviance, and mu floored at the machine epsilon as R's log link does. Matching the path and not
// only the limit matters: where a level of the seasonal factor has only zeros its coefficient
// never converges, and the fitted value R reports is where its iterations stopped.
//
// The weighted least-squares step solves the normal equations by Cholesky where R uses a
// pivoted QR; the designs here are a few indicator columns and a centred time column, well
// conditioned, so the two agree far below the tolerance the reference tests hold.

const EPSILON = 1e-8; // glm.control()$epsilon
const MAX_ITERATIONS = 25; // glm.control()$maxit
const DOUBLE_EPS = 2.220446049250313e-16; // .Machine$double.eps

export interface QuasiPoissonFit {
  /** Whether IRLS met R's stopping rule (glm's `converged`). */
  readonly converged: boolean;
  readonly coefficients: readonly number[];
  /** Fitted means (glm's `fitted.values`). */
  readonly mu: readonly number[];
  /** Working weights of the last iteration (glm's `weights`): prior weight × mu. */
  readonly workingWeights: readonly number[];
  /** Working residuals (glm's `residuals`): (y − mu) / mu. */
  readonly workingResiduals: readonly number[];
  /** (XᵀWX)⁻¹ with W the working weights (summary.glm's `cov.unscaled`). */
  readonly unscaledCovariance: readonly (readonly number[])[];
  /** Observations with a positive prior weight less the number of coefficients. */
  readonly dfResidual: number;
}

/** Log-link inverse as R's poisson()/quasipoisson() define it: exp floored at the machine epsilon. */
const linkInverse = (eta: number): number => Math.max(Math.exp(eta), DOUBLE_EPS);

function deviance(y: readonly number[], mu: readonly number[], weights: readonly number[]): number {
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const yi = y[i]!;
    const mi = mu[i]!;
    sum += 2 * weights[i]! * (yi > 0 ? yi * Math.log(yi / mi) - (yi - mi) : mi);
  }
  return sum;
}

/** Cholesky factor L (lower) of a symmetric positive-definite matrix, or null if it is not. */
function cholesky(a: readonly (readonly number[])[]): number[][] | null {
  const n = a.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let j = 0; j < n; j++) {
    let d = a[j]![j]!;
    for (let k = 0; k < j; k++) d -= l[j]![k]! ** 2;
    if (!(d > 0)) return null;
    l[j]![j] = Math.sqrt(d);
    for (let i = j + 1; i < n; i++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = s / l[j]![j]!;
    }
  }
  return l;
}

function choleskySolve(l: readonly (readonly number[])[], b: readonly number[]): number[] {
  const n = l.length;
  const z = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[i]![k]! * z[k]!;
    z[i] = s / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

function choleskyInverse(l: readonly (readonly number[])[]): number[][] {
  const columns = l.map((_, j) =>
    choleskySolve(
      l,
      l.map((__, i) => (i === j ? 1 : 0)),
    ),
  );
  return columns.map((_, i) => columns.map((column) => column[i]!));
}

/** Normal equations XᵀWX and XᵀWz of one IRLS step. */
function normalEquations(x: readonly (readonly number[])[], w: readonly number[], z: readonly number[]) {
  const p = x[0]!.length;
  const xtwx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const xtwz = new Array<number>(p).fill(0);
  x.forEach((row, i) => {
    const wi = w[i]!;
    if (wi === 0) return;
    for (let a = 0; a < p; a++) {
      const wa = wi * row[a]!;
      if (wa === 0) continue;
      xtwz[a] = xtwz[a]! + wa * z[i]!;
      const xtwxRow = xtwx[a]!;
      for (let b = 0; b <= a; b++) xtwxRow[b] = xtwxRow[b]! + wa * row[b]!;
    }
  });
  for (let a = 0; a < p; a++) for (let b = a + 1; b < p; b++) xtwx[a]![b] = xtwx[b]![a]!;
  return { xtwx, xtwz };
}

const linearPredictor = (x: readonly (readonly number[])[], beta: readonly number[]): number[] =>
  x.map((row) => row.reduce((sum, v, j) => sum + v * beta[j]!, 0));

/**
 * `glm(y ~ X - 1, family = quasipoisson(link = "log"), weights = priorWeights)`; X holds every
 * column, intercept included. Throws only on invalid input; a fit that fails returns converged: false.
 */
export function fitQuasiPoisson(
  x: readonly (readonly number[])[],
  y: readonly number[],
  priorWeights: readonly number[] = y.map(() => 1),
): QuasiPoissonFit {
  const n = y.length;
  const p = x[0]?.length ?? 0;
  if (n === 0 || p === 0 || x.length !== n || priorWeights.length !== n) throw new RangeError('fitQuasiPoisson: empty or mismatched input');
  if (y.some((v) => !(v >= 0))) throw new RangeError('fitQuasiPoisson: counts must be non-negative');

  let eta = y.map((v) => Math.log(v + 0.1));
  let mu = eta.map(linkInverse);
  let devOld = deviance(y, mu, priorWeights);
  let beta: number[] = [];
  let betaOld: number[] | null = null;
  let w2: number[] = [];
  let l: number[][] | null = null;
  let converged = false;

  for (let iteration = 1; iteration <= MAX_ITERATIONS; iteration++) {
    // z = eta + (y − mu)/mu.eta, working weight = prior × mu.eta² / variance = prior × mu
    const muEta = eta.map(linkInverse);
    const z = eta.map((e, i) => e + (y[i]! - mu[i]!) / muEta[i]!);
    w2 = muEta.map((m, i) => (priorWeights[i]! * m * m) / mu[i]!);
    const { xtwx, xtwz } = normalEquations(x, w2, z);
    l = cholesky(xtwx);
    if (!l) break;
    beta = choleskySolve(l, xtwz);
    if (beta.some((b) => !Number.isFinite(b))) break;
    eta = linearPredictor(x, beta);
    mu = eta.map(linkInverse);
    let dev = deviance(y, mu, priorWeights);
    // Step halving, as glm.fit does when the deviance is not finite (mu is always valid here).
    for (let halvings = 0; !Number.isFinite(dev) && betaOld && halvings < MAX_ITERATIONS; halvings++) {
      const previous: number[] = betaOld;
      beta = beta.map((b, j) => (b + previous[j]!) / 2);
      eta = linearPredictor(x, beta);
      mu = eta.map(linkInverse);
      dev = deviance(y, mu, priorWeights);
    }
    if (!Number.isFinite(dev)) break;
    if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < EPSILON) {
      converged = true;
      break;
    }
    devOld = dev;
    betaOld = beta;
  }

  const muEta = eta.map(linkInverse);
  return {
    converged,
    coefficients: beta,
    mu,
    workingWeights: w2,
    workingResiduals: y.map((v, i) => (v - mu[i]!) / muEta[i]!),
    unscaledCovariance: l ? choleskyInverse(l) : [],
    dfResidual: priorWeights.filter((v) => v !== 0).length - p,
  };
}

/** summary.glm's dispersion: Σ weights·residuals² over positive weights, divided by the residual df. */
export function pearsonDispersion(weights: readonly number[], residuals: readonly number[], dfResidual: number): number {
  if (dfResidual <= 0) return Number.NaN;
  let sum = 0;
  weights.forEach((w, i) => {
    if (w > 0) sum += w * residuals[i]! ** 2;
  });
  return sum / dfResidual;
}

/** Diagonal of the hat matrix W½X(XᵀWX)⁻¹XᵀW½ of the last iteration (R's hatvalues). */
export function hatValues(x: readonly (readonly number[])[], fit: QuasiPoissonFit): number[] {
  const c = fit.unscaledCovariance;
  return x.map((row, i) => {
    let q = 0;
    for (let a = 0; a < row.length; a++) for (let b = 0; b < row.length; b++) q += row[a]! * c[a]![b]! * row[b]!;
    return fit.workingWeights[i]! * q;
  });
}
