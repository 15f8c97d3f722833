/**
 * Small numbers in rankings: the order (values first, largest first; small numbers after, largest
 * first), the API's marks read per ratio, and the bar chart's marks, compiled by vega-lite.
 */
import { describe, expect, it } from 'vitest';
import { compiles, rowsOf } from './compile-spec.testing.js';
import { barSpec, type BarRow } from './specs.js';
import { isLowCount, rankSmallLast } from './small-numbers.js';
import { t } from './i18n.js';
import { MIN_RANKED_COUNT } from '../../../core/small-numbers.js';

const bar = (label: string, value: number, low?: boolean): BarRow => ({ label, value, tip: `${label}: ${value}`, low });

describe('rankSmallLast', () => {
  it('ranks the small numbers after every other value, each part largest first, ties by label', () => {
    const rows = [bar('Liechtenstein', 90, true), bar('Italy', 10), bar('Malta', 20, true), bar('Germany', 12), bar('Austria', 10)];
    expect(rankSmallLast(rows).map((r) => r.label)).toEqual(['Germany', 'Austria', 'Italy', 'Liechtenstein', 'Malta']);
  });

  it('without marks it is a plain ranking, and the input is left as it was', () => {
    const rows = [bar('b', 1), bar('a', 3), bar('c', 2)];
    expect(rankSmallLast(rows).map((r) => r.label)).toEqual(['a', 'c', 'b']);
    expect(rows.map((r) => r.label)).toEqual(['b', 'a', 'c']);
  });
});

describe('isLowCount', () => {
  it('reads the mark of the ratio asked, none for a count', () => {
    expect(isLowCount(['crossBorderShare'], 'crossBorderShare')).toBe(true);
    expect(isLowCount(['crossBorderShare'], 'complaintsPerMillion')).toBe(false);
    expect(isLowCount(['crossBorderShare'], undefined)).toBe(false);
    expect(isLowCount(undefined, 'resolutionRate')).toBe(false);
  });
});

describe('barSpec with small numbers', () => {
  type Spec = {
    transform?: { calculate: string; as: string }[];
    encoding: Record<string, { field?: string; sort?: unknown; condition?: { test: string; value: unknown }; value?: unknown }>;
  };

  it('keeps the ranking it is given, stars the small numbers and draws them lighter and dashed', () => {
    const rows = rankSmallLast([bar('Liechtenstein', 90, true), bar('Italy', 10, false), bar('Germany', 12, false)]);
    const spec = barSpec(rows, { x: 'Per million' }) as unknown as Spec;
    compiles(spec as never);
    expect(rowsOf<BarRow>(spec as never, 'rows').map((r) => r.label)).toEqual(['Germany', 'Italy', 'Liechtenstein']);
    expect(spec.encoding.y).toMatchObject({ field: 'axisLabel', sort: null });
    expect(spec.transform?.[0]).toEqual({ calculate: "datum.low ? datum.label + ' *' : datum.label", as: 'axisLabel' });
    expect(spec.encoding.fillOpacity!.condition).toEqual({ test: 'datum.low', value: 0.4 });
    expect(spec.encoding.strokeDash!.condition).toEqual({ test: 'datum.low', value: [3, 2] });
    // The tooltip still names the country without the star.
    expect(JSON.stringify(spec.encoding.tooltip)).toContain('"field":"label"');
  });

  it('without small numbers the bars are sorted by length as before, unmarked', () => {
    const spec = barSpec([bar('a', 1, false), bar('b', 2)], { x: 'n' }) as unknown as Spec;
    compiles(spec as never);
    expect(spec.encoding.y).toMatchObject({ field: 'label', sort: '-x' });
    expect(spec.transform).toBeUndefined();
    expect(spec.encoding.fillOpacity).toBeUndefined();
  });
});

describe('the About page', () => {
  it('states the threshold the API uses, in both languages', () => {
    expect(t('en', 'about.m.small')).toContain(`fewer than ${MIN_RANKED_COUNT} complaints`);
    expect(t('it', 'about.m.small')).toContain(`meno di ${MIN_RANKED_COUNT} reclami`);
  });
});
