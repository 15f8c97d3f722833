// Property: on simulated series with no outbreak at all, judging every month of every series and
// controlling each month with Benjamini–Hochberg at q = 0.05 raises few false signals.
//
// The bound, and why. With no outbreak every discovery is false, so the false-discovery rate is
// the chance that a month has any discovery. BH holds it at most q when the p-values are valid
// (uniform or conservative) and independent or positively dependent (Benjamini & Hochberg 1995;
// Benjamini & Yekutieli 2001); the series here are independent and a count's P(Y ≥ y) is
// conservative by discreteness. The first test checks exactly that, with the true parameters.
// The judged p-values are plug-in ones, though: µ and φ are estimated from about 30 months and
// their error is ignored, and reweighting shrinks φ, so the p-values are anti-conservative and the
// month-level rate exceeds q, most where φ is large. What holds instead is measured here, per
// scenario, as the share of series-months wrongly flagged (issue 22 asks ≤ 1 %):
// - Poisson-like series, flat or seasonal: about 0.15 %; months with a false signal ≈ q.
// - Strongly overdispersed (φ up to 10): about 0.6 %, under 1 %.
// - Growing 2 % a month (×4 in six years): 1–2 %, over the target. R's rule drops the trend when
//   it would predict above every count of the baseline, which a steadily growing series meets
//   often, and the no-trend fit then lags behind.
// - EARS C2 months (less than 38 months of history), on series without seasons: under 1.5 %.
//   On seasonal series EARS flags every rising season (6–9 %): it has no seasonal term, and is
//   not tested on them here.
import { describe, expect, it } from 'vitest';
import { negativeBinomialUpperTail } from './distributions.js';
import { benjaminiHochberg, earsC2, farringtonFirstMonth, farringtonFlexible, MONTHLY_FARRINGTON, type Judgement } from './index.js';

/** mulberry32: a small seeded generator, so the test sees the same series on every run. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, 1) by Marsaglia & Tsang (2000). */
function gamma(random: () => number, shape: number): number {
  if (shape < 1) return gamma(random, shape + 1) * random() ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = normal(random);
    const v = (1 + c * z) ** 3;
    if (v > 0 && Math.log(1 - random()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** Poisson(mean) by inversion (the means here stay far below where exp(−mean) underflows). */
function poisson(random: () => number, mean: number): number {
  const u = random();
  let k = 0;
  let p = Math.exp(-mean);
  let cdf = p;
  while (u > cdf && p > 0) {
    k++;
    p *= mean / k;
    cdf += p;
  }
  return k;
}

/** Negative binomial with the given mean and size (variance mean + mean²/size), as a gamma–Poisson mixture. */
const negativeBinomial = (random: () => number, mean: number, size: number): number => poisson(random, (mean * gamma(random, size)) / size);

const Q = 0.05;
const SERIES = 60;
const MONTHS = 84;

type Draw = (random: () => number, month: number, series: number) => number;

const scenarios: Record<string, Draw> = {
  // Poisson, means 5 to 64 across the series.
  flat: (r, _m, s) => poisson(r, 5 + s),
  // Poisson, means 6 to 65, a January peak 40 % above the mean and a July trough 40 % below.
  seasonal: (r, m, s) => poisson(r, (6 + s) * (1 + 0.4 * Math.cos((2 * Math.PI * m) / 12))),
  // Negative binomial, size 4: means 8 to 37.5, φ = 1 + mean/4 from 3 to 10.
  overdispersed: (r, _m, s) => negativeBinomial(r, 8 + s / 2, 4),
  // Negative binomial, size 30, growing 2 % a month from means 4 to 23.7.
  growing: (r, m, s) => negativeBinomial(r, (4 + s / 3) * Math.exp(0.02 * m), 30),
};

interface Tally {
  months: number;
  monthsWithSignal: number;
  seriesMonths: number;
  signals: number;
}

/** Judges months from..to−1 of every series, BH across the month's series that pass the guard. */
function tally(series: readonly number[][], from: number, to: number, judge: (counts: number[], t: number) => Judgement | null): Tally {
  const result: Tally = { months: 0, monthsWithSignal: 0, seriesMonths: 0, signals: 0 };
  for (let t = from; t < to; t++) {
    const pValues = series.flatMap((counts) => {
      const j = judge(counts, t);
      return j && j.enoughCases ? [j.pValue] : [];
    });
    const found = benjaminiHochberg(pValues, Q).rejected.filter(Boolean).length;
    result.months++;
    result.seriesMonths += pValues.length;
    result.signals += found;
    if (found > 0) result.monthsWithSignal++;
  }
  return result;
}

const simulate = (name: string, seed: number): number[][] => {
  const random = generator(seed);
  const draw = scenarios[name]!;
  return Array.from({ length: SERIES }, (_, s) => Array.from({ length: MONTHS }, (__, m) => draw(random, m, s)));
};

/** q or 2q (the plug-in allowance), plus two binomial standard errors over `months`. */
const monthBound = (rate: number, months: number) => rate + 2 * Math.sqrt((rate * (1 - rate)) / months);

describe('Benjamini–Hochberg on valid p-values holds the false-discovery rate at q', () => {
  it('exact negative-binomial p-values of 60 null series, 400 months: months with a discovery ≤ q', () => {
    const random = generator(7);
    let monthsWithDiscovery = 0;
    const months = 400;
    for (let month = 0; month < months; month++) {
      const pValues = Array.from({ length: SERIES }, (_, s) => {
        const mean = 5 + s;
        const phi = 1 + mean / 4;
        return negativeBinomialUpperTail(negativeBinomial(random, mean, 4), mean / (phi - 1), 1 / phi);
      });
      if (benjaminiHochberg(pValues, Q).rejected.some(Boolean)) monthsWithDiscovery++;
    }
    expect(monthsWithDiscovery / months).toBeLessThanOrEqual(monthBound(Q, months));
  });
});

describe('false signals of farringtonFlexible on series without outbreaks', () => {
  const first = farringtonFirstMonth(MONTHLY_FARRINGTON);
  const run = (name: string, seed: number) => tally(simulate(name, seed), first, MONTHS, (c, t) => farringtonFlexible(c, t));

  for (const [name, seed] of [
    ['flat', 11],
    ['seasonal', 12],
  ] as const) {
    it(`${name}: months with a false signal within 2q, under 0.5 % of series-months`, () => {
      const r = run(name, seed);
      expect(r.months).toBe(MONTHS - first);
      expect(r.seriesMonths).toBeGreaterThan(0.95 * SERIES * r.months);
      expect(r.monthsWithSignal / r.months, JSON.stringify(r)).toBeLessThanOrEqual(monthBound(2 * Q, r.months));
      expect(r.signals / r.seriesMonths, JSON.stringify(r)).toBeLessThan(0.005);
    });
  }

  it('overdispersed (φ 3 to 10): under 1 % of series-months', () => {
    const r = run('overdispersed', 13);
    expect(r.signals / r.seriesMonths, JSON.stringify(r)).toBeLessThan(0.01);
  });

  it('growing 2 % a month: under 2.5 % of series-months (over the 1 % target; see the header)', () => {
    const r = run('growing', 14);
    expect(r.signals / r.seriesMonths, JSON.stringify(r)).toBeLessThan(0.025);
  });
});

describe('false signals of EARS C2 on short series without seasons', () => {
  for (const [name, seed] of [
    ['flat', 21],
    ['overdispersed', 22],
    ['growing', 23],
  ] as const) {
    it(`${name}: under 1.5 % of series-months`, () => {
      const r = tally(simulate(name, seed), 9, farringtonFirstMonth(MONTHLY_FARRINGTON), (c, t) => earsC2(c, t));
      expect(r.months).toBe(29);
      expect(r.signals / r.seriesMonths, JSON.stringify(r)).toBeLessThan(0.015);
    });
  }
});
