/**
 * Small numbers (domain.md §4): which ratios of a row rest on fewer than 30 complaints, each
 * against the count the definition names for it, written out here by hand.
 */
import { describe, expect, it } from 'vitest';
import { lowCountRatios, MIN_RANKED_COUNT, RATIO_NAMES, type RatioRow } from './small-numbers.js';

const row = (o: Partial<RatioRow>): RatioRow => ({
  complaints: 100,
  closed: 100,
  sentToTrader: 100,
  complaintsPerMillion: 1,
  crossBorderShare: 0.5,
  resolutionRate: 0.5,
  traderResponseRate: 0.5,
  timelyTraderResponseRate: 0.5,
  adrAgreementRate: 0.1,
  medianDaysToClose: 20,
  p90DaysToClose: 40,
  ...o,
});

describe('lowCountRatios', () => {
  it('the threshold is 30 complaints', () => {
    expect(MIN_RANKED_COUNT).toBe(30);
  });

  it('nothing is small over enough complaints; 30 is enough, 29 is not', () => {
    expect(lowCountRatios(row({}))).toEqual([]);
    expect(lowCountRatios(row({ complaints: 30, closed: 30, sentToTrader: 30 }))).toEqual([]);
    expect(lowCountRatios(row({ complaints: 29, closed: 29, sentToTrader: 29 }))).toEqual([...RATIO_NAMES]);
  });

  it('each ratio against its own count: complaints, closed or sent to the trader', () => {
    expect(lowCountRatios(row({ complaints: 12 }))).toEqual(['complaintsPerMillion', 'crossBorderShare', 'adrAgreementRate']);
    expect(lowCountRatios(row({ closed: 12 }))).toEqual(['resolutionRate', 'medianDaysToClose', 'p90DaysToClose']);
    expect(lowCountRatios(row({ sentToTrader: 12 }))).toEqual(['traderResponseRate', 'timelyTraderResponseRate']);
  });

  it('a ratio without a value (null, withheld or not in the row) is never listed', () => {
    expect(lowCountRatios(row({ closed: 0, resolutionRate: null, medianDaysToClose: null, p90DaysToClose: null }))).toEqual([]);
    expect(lowCountRatios({ complaints: 3, closed: 3, sentToTrader: 3, crossBorderShare: 0 })).toEqual(['crossBorderShare']);
  });
});
