import { describe, expect, it } from 'vitest';
import { agreement } from './answers-agree.js';

const period = (p: string, complaints: number, extra: Record<string, unknown> = {}) => ({
  period: p,
  complaints,
  closed: complaints,
  ...extra,
});

describe('agreement of a newer answer with an older one', () => {
  it('lists the fields only the newer answer holds, rows as [], without comparing them', () => {
    const older = { complaints: 10, minClosedForRates: 5, items: [{ traderId: 'A', closed: 4 }] };
    const newer = {
      complaints: 10,
      minClosedForRates: 5,
      minCount: 30,
      openShare: 0.6,
      items: [{ traderId: 'A', closed: 4, lowCount: ['resolutionRate'], medianDaysToCloseKM: null }],
    };
    expect(agreement(newer, older)).toEqual({
      differences: [],
      newerOnly: ['minCount', 'openShare', 'items[].lowCount', 'items[].medianDaysToCloseKM'],
      emptyPeriods: 0,
    });
  });

  it('counts a period without complaints that only the newer trend holds as agreeing', () => {
    const older = { items: [period('2024-01', 3), period('2024-03', 1)] };
    const newer = { items: [period('2024-01', 3), period('2024-02', 0, { resolutionRate: null }), period('2024-03', 1)] };
    expect(agreement(newer, older)).toEqual({ differences: [], newerOnly: [], emptyPeriods: 1 });
  });

  it('still compares every field and row both hold', () => {
    const older = { complaints: 10, rate: 0.5, items: [period('2024-01', 3), period('2024-02', 2)] };
    const newer = { complaints: 11, rate: 0.5 + 1e-12, items: [period('2024-01', 3, { closed: 2 }), period('2024-02', 2)] };
    expect(agreement(newer, older).differences).toEqual(['complaints: new 11 ≠ old 10', 'items[2024-01].closed: new 2 ≠ old 3']);
  });

  it('calls a row with complaints only the newer holds, or a row or field only the older holds, a difference', () => {
    const older = { overdue: 1, items: [period('2024-01', 3), period('2024-02', 0)] };
    const newer = { items: [period('2024-01', 3), period('2024-03', 4)] };
    expect(agreement(newer, older, { newer: 'api', older: 'flat' }).differences).toEqual([
      'items: row 2024-02 missing in api',
      'items: row 2024-03 only in api',
      'overdue: missing in api',
    ]);
  });

  it('checks the order of the rows both hold', () => {
    const older = {
      items: [
        { code: 'a', n: 1 },
        { code: 'b', n: 1 },
      ],
    };
    const newer = {
      items: [
        { code: 'b', n: 1 },
        { code: 'a', n: 1 },
      ],
    };
    expect(agreement(newer, older).differences).toEqual(['items: the shared rows in another order (new b, old a at 0)']);
  });

  it('compares lists of values, and rows without a key of their own, position by position', () => {
    expect(agreement({ xs: [1, 2, 3] }, { xs: [1, 2] }).differences).toEqual(['xs: new 3 items ≠ old 2']);
    expect(agreement({ xs: [{ n: 1 }, { n: 2 }] }, { xs: [{ n: 2 }, { n: 1 }] }).differences).toEqual([
      'xs[0].n: new 1 ≠ old 2',
      'xs[1].n: new 2 ≠ old 1',
    ]);
  });

  it('tells null from an object', () => {
    expect(agreement({ comparison: { closed: 1 } }, { comparison: null }).differences).toEqual(['comparison: new {"closed":1} ≠ old null']);
  });
});
