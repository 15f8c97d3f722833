// core/signals against R's surveillance package on the checked-in series
// (test/reference/signals-reference.R wrote the JSON; CI has no R).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  benjaminiHochberg,
  earsC2,
  farringtonFlexible,
  judgeMonth,
  MONTHLY_EARS,
  MONTHLY_FARRINGTON,
  type FarringtonOptions,
} from './index.js';

interface RConfig {
  b: number;
  w: number;
  noPeriods: number;
  pastWeeksNotIncluded: number;
  alpha: number;
  reweight: boolean;
  weightsThreshold: number;
  trend: boolean;
  pThresholdTrend: number;
}
interface RFarringtonMonth {
  t: number;
  observed: number;
  expected: number | null;
  upperbound: number | null;
  pvalue: number | null;
  phi: number | null;
  trend: boolean;
  alarm: boolean;
  alarmGuarded: boolean;
}
interface REarsMonth {
  t: number;
  observed: number;
  expected: number;
  upperbound: number;
  /** The predictive t p-value of ears.ts, computed in R with pt(). */
  pvalueT: number;
  alarm: boolean;
}
interface Reference {
  surveillance: string;
  farringtonConfigs: Record<string, RConfig>;
  earsConfig: { alpha: number; minSigma: number; baseline: number };
  farrington: { series: string; config: string; months: RFarringtonMonth[] }[];
  ears: { series: string; months: REarsMonth[] }[];
  benjaminiHochberg: { p: number[]; adjusted: number[] }[];
}

const dir = new URL('../../test/reference/', import.meta.url);
const reference = JSON.parse(readFileSync(new URL('signals-reference.json', dir), 'utf8')) as Reference;
const series = new Map(
  (JSON.parse(readFileSync(new URL('signals-series.json', dir), 'utf8')) as { name: string; counts: number[] }[]).map((s) => [
    s.name,
    s.counts,
  ]),
);
const countsOf = (name: string): number[] => {
  const counts = series.get(name);
  if (!counts) throw new Error(`no series ${name}`);
  return counts;
};

const options = (c: RConfig, cases: number): FarringtonOptions => ({
  freq: 12,
  b: c.b,
  w: c.w,
  noPeriods: c.noPeriods,
  pastPeriodsNotIncluded: c.pastWeeksNotIncluded,
  weightsThreshold: c.weightsThreshold,
  reweight: c.reweight,
  trend: c.trend,
  pThresholdTrend: c.pThresholdTrend,
  alpha: c.alpha,
  limit54: { cases, periods: 1 },
});

/** |a − b| ≤ 1e-6 · |b|: the tolerance issue 22 sets. */
const relativeError = (actual: number, expected: number): number =>
  expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);

describe('farringtonFlexible matches R', () => {
  it('the reference covers every configuration on every long series, with trends and alarms among them', () => {
    expect(reference.farrington).toHaveLength(10 * 4);
    const months = reference.farrington.flatMap((r) => r.months);
    expect(months.filter((m) => m.trend).length).toBeGreaterThan(100);
    expect(months.filter((m) => m.alarm).length).toBeGreaterThan(20);
    expect(months.filter((m) => m.phi === 1).length).toBeGreaterThan(20);
  });

  it('the configuration called monthly is MONTHLY_FARRINGTON', () => {
    const { limit54: _limit54, ...monthly } = options(reference.farringtonConfigs.monthly!, 5);
    const { limit54: _ours, ...ours } = MONTHLY_FARRINGTON;
    expect(ours).toEqual(monthly);
  });

  for (const run of reference.farrington) {
    it(`${run.series}, ${run.config}: expected, upper bound and p-value to 1e-6, phi, trend and alarms`, () => {
      const counts = countsOf(run.series);
      const config = reference.farringtonConfigs[run.config]!;
      let worst = 0;
      for (const r of run.months) {
        const ours = farringtonFlexible(counts, r.t, options(config, 0));
        const guarded = farringtonFlexible(counts, r.t, options(config, 5));
        expect(ours, `t = ${r.t}`).not.toBeNull();
        if (!ours || !guarded || r.expected === null || r.upperbound === null || r.pvalue === null || r.phi === null) {
          throw new Error(`R gave no value at t = ${r.t}`);
        }
        const at = `t = ${r.t}`;
        expect(ours.observed, at).toBe(r.observed);
        worst = Math.max(worst, relativeError(ours.expected, r.expected));
        expect(relativeError(ours.expected, r.expected), `${at}: expected ${ours.expected} vs ${r.expected}`).toBeLessThan(1e-6);
        expect(relativeError(ours.upperBound, r.upperbound), `${at}: upper ${ours.upperBound} vs ${r.upperbound}`).toBeLessThan(1e-6);
        expect(relativeError(ours.pValue, r.pvalue), `${at}: p ${ours.pValue} vs ${r.pvalue}`).toBeLessThan(1e-6);
        expect(relativeError(ours.phi, r.phi), `${at}: phi`).toBeLessThan(1e-6);
        expect(ours.trend, `${at}: trend`).toBe(r.trend);
        expect(ours.alarm, `${at}: alarm`).toBe(r.alarm);
        expect(guarded.alarm, `${at}: alarm with the 5-case guard`).toBe(r.alarmGuarded);
        expect(ours.score).toBeCloseTo(-Math.log10(r.pvalue), 5);
      }
      expect(worst).toBeLessThan(1e-6);
    });
  }
});

describe('earsC2 matches R', () => {
  it('the reference configuration is MONTHLY_EARS', () => {
    const { limit54: _limit54, ...ours } = MONTHLY_EARS;
    expect(ours).toEqual(reference.earsConfig);
  });

  for (const run of reference.ears) {
    it(`${run.series}: expected and upper bound to 1e-6, alarms`, () => {
      const counts = countsOf(run.series);
      expect(run.months[0]!.t).toBe(9);
      expect(earsC2(counts, 8)).toBeNull();
      for (const r of run.months) {
        const ours = earsC2(counts, r.t);
        if (!ours) throw new Error(`no judgement at t = ${r.t}`);
        expect(relativeError(ours.expected, r.expected), `t = ${r.t}`).toBeLessThan(1e-6);
        expect(relativeError(ours.upperBound, r.upperbound), `t = ${r.t}: upper ${ours.upperBound} vs ${r.upperbound}`).toBeLessThan(1e-6);
        expect(ours.alarm, `t = ${r.t}`).toBe(r.alarm && r.observed >= 5);
        expect(relativeError(ours.pValue, r.pvalueT), `t = ${r.t}: p ${ours.pValue} vs ${r.pvalueT}`).toBeLessThan(1e-6);
      }
    });
  }
});

describe('benjaminiHochberg matches p.adjust(method = "BH")', () => {
  for (const [i, { p, adjusted }] of reference.benjaminiHochberg.entries()) {
    it(`vector ${i + 1}`, () => {
      const ours = benjaminiHochberg(p, 0.05);
      ours.adjusted.forEach((a, j) => expect(relativeError(a, adjusted[j]!)).toBeLessThan(1e-12));
      expect(ours.rejected).toEqual(adjusted.map((a) => a <= 0.05));
    });
  }

  it('rejects by the step-up rule: the largest k with p(k) ≤ k·q/m, and every smaller p', () => {
    // m = 4, q = 0.05: thresholds 0.0125, 0.025, 0.0375, 0.05; p(3) = 0.03 ≤ 0.0375 carries p(2) = 0.03 > 0.025.
    expect(benjaminiHochberg([0.03, 0.001, 0.03, 0.9], 0.05).rejected).toEqual([true, true, true, false]);
    expect(benjaminiHochberg([0.02, 0.03, 0.04, 0.9], 0.01).rejected).toEqual([false, false, false, false]);
    expect(benjaminiHochberg([], 0.05).rejected).toEqual([]);
    expect(() => benjaminiHochberg([Number.NaN], 0.05)).toThrow(RangeError);
  });
});

describe('judgeMonth', () => {
  it('uses EARS C2 before b years and w months of history, farringtonFlexible from then on', () => {
    const counts = countsOf('seasonal');
    expect(judgeMonth(counts, 8)).toBeNull();
    expect(judgeMonth(counts, 9)?.method).toBe('earsC2');
    expect(judgeMonth(counts, 37)?.method).toBe('earsC2');
    expect(judgeMonth(counts, 38)?.method).toBe('farringtonFlexible');
    expect(judgeMonth(countsOf('short'), 29)?.method).toBe('earsC2');
  });

  it('never looks ahead: later months change nothing', () => {
    const counts = countsOf('pastOutbreak');
    for (const t of [20, 45, 60]) {
      const altered = [...counts.slice(0, t + 1), ...counts.slice(t + 1).map((v) => v * 10 + 7)];
      expect(judgeMonth(altered, t)).toEqual(judgeMonth(counts, t));
    }
  });

  it('refuses a seasonal factor finer than the months between windows (R would overwrite windows)', () => {
    expect(() => farringtonFlexible(countsOf('seasonal'), 50, { ...MONTHLY_FARRINGTON, noPeriods: 10 })).toThrow(RangeError);
  });
});
