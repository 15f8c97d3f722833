import { describe, expect, it } from 'vitest';
import { addMonths, comparedWindows, type Comparison } from './comparison-window.js';

const d = (iso: string) => new Date(iso);
const iso = (w: { from: Date; to: Date }) => [w.from.toISOString(), w.to.toISOString()];
const compare = (from: string, to: string | undefined, asOf: string, kind: Comparison) => {
  const r = comparedWindows({ from: d(from), to: to === undefined ? undefined : d(to) }, d(asOf), kind);
  return { window: iso(r.comparison), complete: r.complete };
};
const LATER = '2030-01-01T00:00:00Z';

describe('like-for-like comparison windows', () => {
  it('whole months, quarters and years: the same number of units just before', () => {
    expect(compare('2026-06-01T00:00:00Z', '2026-07-01T00:00:00Z', LATER, 'previous_period')).toEqual({
      window: ['2026-05-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z'],
      complete: true,
    });
    // Q2 → Q1: 91 days against 90, whole quarters all the same.
    expect(compare('2026-04-01T00:00:00Z', '2026-07-01T00:00:00Z', LATER, 'previous_period').window).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
    ]);
    expect(compare('2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', LATER, 'previous_period').window).toEqual([
      '2024-01-01T00:00:00.000Z',
      '2025-01-01T00:00:00.000Z',
    ]);
    // March after February: the same month count, not the same 31 days.
    expect(compare('2024-03-01T00:00:00Z', '2024-04-01T00:00:00Z', LATER, 'previous_period').window).toEqual([
      '2024-02-01T00:00:00.000Z',
      '2024-03-01T00:00:00.000Z',
    ]);
  });

  it('any other window: the same duration just before', () => {
    expect(compare('2026-03-10T00:00:00Z', '2026-03-20T00:00:00Z', LATER, 'previous_period').window).toEqual([
      '2026-02-28T00:00:00.000Z',
      '2026-03-10T00:00:00.000Z',
    ]);
    expect(compare('2026-06-01T12:00:00Z', '2026-07-01T00:00:00Z', LATER, 'previous_period').window).toEqual([
      '2026-05-03T00:00:00.000Z',
      '2026-06-01T12:00:00.000Z',
    ]);
  });

  it('previous year: the same dates one calendar year earlier, 29 February → 28 February', () => {
    expect(compare('2024-02-29T00:00:00Z', '2024-03-01T00:00:00Z', LATER, 'previous_year').window).toEqual([
      '2023-02-28T00:00:00.000Z',
      '2023-03-01T00:00:00.000Z',
    ]);
    expect(compare('2026-06-01T00:00:00Z', '2026-07-01T00:00:00Z', LATER, 'previous_year').window).toEqual([
      '2025-06-01T00:00:00.000Z',
      '2025-07-01T00:00:00.000Z',
    ]);
    expect(addMonths(d('2024-01-31T10:00:00Z'), 1).toISOString()).toBe('2024-02-29T10:00:00.000Z');
  });

  it('a window not over yet: both cut to the elapsed part ("1–6 Dec" against "1–6 Nov"), not complete', () => {
    const asOf = '2026-12-06T13:30:00Z';
    expect(compare('2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z', asOf, 'previous_period')).toEqual({
      window: ['2026-11-01T00:00:00.000Z', '2026-11-06T13:30:00.000Z'],
      complete: false,
    });
    expect(compare('2026-12-01T00:00:00Z', '2027-01-01T00:00:00Z', asOf, 'previous_year')).toEqual({
      window: ['2025-12-01T00:00:00.000Z', '2025-12-06T13:30:00.000Z'],
      complete: false,
    });
    // Open-ended (no `to`): up to the stamp, the same span just before.
    expect(compare('2026-12-01T00:00:00Z', undefined, asOf, 'previous_period')).toEqual({
      window: ['2026-11-25T10:30:00.000Z', '2026-12-01T00:00:00.000Z'],
      complete: false,
    });
    // A window that ends exactly at the stamp is over.
    expect(compare('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z', '2026-12-01T00:00:00Z', 'previous_period').complete).toBe(true);
  });
});
