/**
 * Provisional figures: the sentence of a cohort with open cases (the tiles' words), none over a
 * cohort with none open, the tooltip suffix, the table legend and the share from counts.
 */
import { describe, expect, it } from 'vitest';
import { cellMark, openShareOf, provisionalLegend, provisionalText, withProvisional, PROVISIONAL_MARK } from './provisional.js';

describe('provisionalText', () => {
  it('says how many are still open, in both languages, in the words of the KPI tiles', () => {
    expect(provisionalText('en', 0.12)).toBe('provisional: 12.0% still open');
    expect(provisionalText('it', 0.12)).toBe('provvisorio: 12,0% ancora aperti');
    expect(provisionalText('en', 1)).toBe('provisional: 100.0% still open');
  });

  it('says nothing over a cohort with none open, or with nothing filed', () => {
    expect(provisionalText('en', 0)).toBeUndefined();
    expect(provisionalText('en', null)).toBeUndefined();
    expect(provisionalText('en', undefined)).toBeUndefined();
  });

  it('a share that would round to 0.0 % or 100.0 % is said as a bound, not as a contradiction', () => {
    // 1 open of 3 000, 2 999 open of 3 000
    expect(provisionalText('en', 1 / 3000)).toBe('provisional: < 0.1% still open');
    expect(provisionalText('it', 1 / 3000)).toBe('provvisorio: < 0,1% ancora aperti');
    expect(provisionalText('en', 2999 / 3000)).toBe('provisional: > 99.9% still open');
    // 0.05 % rounds to 0.1 %: said as it is.
    expect(provisionalText('en', 0.0005)).toBe('provisional: 0.1% still open');
  });
});

describe('withProvisional', () => {
  it('adds the sentence after a tooltip the way small numbers add theirs, and leaves a settled one as it is', () => {
    expect(withProvisional('en', '41.0% — 1,230 of 3,000', 0.25)).toBe('41.0% — 1,230 of 3,000; provisional: 25.0% still open');
    expect(withProvisional('en', '41.0% — 1,230 of 3,000', 0)).toBe('41.0% — 1,230 of 3,000');
  });
});

describe('cellMark', () => {
  it('a cell with a figure (or "not reached yet") carries the sentence; a cell with none ("—") no mark', () => {
    const note = 'provisional: 12.0% still open';
    expect(cellMark('41.0%', note)).toBe(note);
    expect(cellMark('not reached yet', note)).toBe(note);
    expect(cellMark('—', note)).toBeUndefined();
    expect(cellMark('41.0%', undefined)).toBeUndefined();
  });
});

describe('provisionalLegend', () => {
  it('no marks, no legend', () => {
    expect(provisionalLegend('en', [undefined, undefined])).toBeUndefined();
    expect(provisionalLegend('en', [])).toBeUndefined();
  });

  it('one cohort: the sentence itself after the mark', () => {
    const s = 'provisional: 12.0% still open';
    expect(provisionalLegend('en', [s, undefined, s])).toBe(`${PROVISIONAL_MARK} ${s}`);
    expect(PROVISIONAL_MARK).toBe('†');
  });

  it('several cohorts: what the mark means, the share being in each mark', () => {
    expect(provisionalLegend('en', ['provisional: 12.0% still open', 'provisional: 3.0% still open'])).toBe(
      '† provisional: some of the complaints behind the figure are still open, so it can still change (the mark’s tooltip says how many)',
    );
    expect(provisionalLegend('it', ['a', 'b'])).toMatch(/^† provvisorio: /);
  });
});

describe('openShareOf', () => {
  it('(complaints − closed) / complaints, null over none', () => {
    expect(openShareOf({ complaints: 220, closed: 200 })).toBeCloseTo(20 / 220, 12);
    expect(openShareOf({ complaints: 200, closed: 200 })).toBe(0);
    expect(openShareOf({ complaints: 0, closed: 0 })).toBeNull();
  });
});
