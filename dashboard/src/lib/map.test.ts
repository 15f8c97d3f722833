/**
 * The countries view's pure parts: the geometry cut out of world-atlas (kept as map-europe.json, a
 * file snapshot: `npx vitest run dashboard/src/lib/map.test.ts -u` rewrites it after a world-atlas
 * update), the rows per measure, and the choropleth spec compiled by vega-lite without warnings.
 */
import { describe, expect, it } from 'vitest';
import { compiles } from './compile-spec.testing.js';
import type { Topology } from 'topojson-specification';
import world from 'world-atlas/countries-50m.json' with { type: 'json' };
import { COUNTRIES } from '../../../core/codes.js';
import { barSpec } from './specs.js';
import { europeFeatures, NUMERIC_TO_ALPHA2 } from './map-geometry.js';
import {
  choroplethSpec,
  countryRows,
  countryShapes,
  filterKeyOf,
  measureFromQuery,
  sideFromQuery,
  NO_DATA_GREY,
  type EuropeGeometry,
} from './map.js';
import europeJson from './map-europe.json' with { type: 'json' };
import type { Schemas } from './api.js';

// d3-geo (what vega draws shapes with) ships no types: the two functions used, typed here.
type Bounds = [[number, number], [number, number]];
const { geoArea, geoBounds } = (await import(/* @vite-ignore */ 'd3-geo' as string)) as {
  geoArea(f: object): number;
  geoBounds(f: object): Bounds;
};

const europe = europeFeatures(world as unknown as Topology);
const stored = europeJson as unknown as EuropeGeometry;

type Item = Schemas['StatsCountries']['items'][number];
const item = (country: string, complaints: number, crossBorder: number, population: number | null): Item => ({
  country,
  population,
  complaintsPerMillion: population ? complaints / population : null,
  complaints,
  crossBorder,
  crossBorderShare: complaints ? crossBorder / complaints : null,
  adrAgreed: 0,
  adrAgreementRate: null,
  closed: 0,
  medianDaysToClose: null,
  medianDaysToCloseKM: null,
  openShare: complaints ? 1 : null,
  overdue: 0,
  p90DaysToClose: null,
  p90DaysToCloseKM: null,
  resolutionRate: null,
  resolved: 0,
  sentToTrader: 0,
  timelyTraderResponseRate: null,
  traderReplied: 0,
  traderResponseRate: null,
});
const ITEMS = [item('IT', 600, 150, 58.99), item('DE', 900, 90, 83.45), item('MT', 10, 8, 0.56), item('LI', 0, 0, 0.04)];

describe('map geometry', () => {
  it('has the 31 countries, including the small states 1:110m lacks', () => {
    expect(Object.keys(NUMERIC_TO_ALPHA2)).toHaveLength(31);
    expect(new Set(Object.values(NUMERIC_TO_ALPHA2))).toEqual(new Set(COUNTRIES));
    expect(europe.features.map((f) => f.properties.code)).toEqual([...COUNTRIES]);
  });

  it('crops the overseas territories: every shape lies in Europe and is wound the way d3-geo reads it', () => {
    for (const f of europe.features) {
      const [[west, south], [east, north]] = geoBounds(f);
      expect([f.properties.code, west >= -25 && east <= 45 && south >= 34 && north <= 72]).toEqual([f.properties.code, true]);
      // A ring wound the wrong way would cover the rest of the globe (4π sr); France is ~0.013.
      expect(geoArea(f)).toBeLessThan(0.02);
    }
    const france = europe.features.find((f) => f.properties.code === 'FR')!;
    expect(geoBounds(france)[0][1]).toBeGreaterThan(41); // no French Guiana (4° N), no Réunion
  });

  it('is stored as map-europe.json, small enough for a lazy chunk', async () => {
    const text = `${JSON.stringify({ type: 'FeatureCollection', features: [] }).slice(0, -2)}\n${europe.features.map((f) => JSON.stringify(f)).join(',\n')}\n]}\n`;
    await expect(text).toMatchFileSnapshot('./map-europe.json');
    expect(text.length).toBeLessThan(200_000);
    expect(stored).toEqual(europe);
  });
});

describe('countries view', () => {
  it('reads side and measure from the URL, defaulting to consumer and complaints', () => {
    expect(sideFromQuery(new URLSearchParams('side=trader'))).toBe('trader');
    expect(sideFromQuery(new URLSearchParams('side=x'))).toBe('consumer');
    expect(measureFromQuery(new URLSearchParams('measure=perMillion'))).toBe('perMillion');
    expect(measureFromQuery(new URLSearchParams('measure=x'))).toBe('complaints');
    expect([filterKeyOf('consumer'), filterKeyOf('trader')]).toEqual(['consumerCountry', 'traderCountry']);
  });

  it('rows per measure: ranked, per capita from the population, shares with their denominator; no complaints, no row', () => {
    const complaints = countryRows('en', ITEMS, 'complaints');
    expect(complaints.map((r) => [r.code, r.value])).toEqual([
      ['DE', 900],
      ['IT', 600],
      ['MT', 10],
    ]);
    expect(complaints[1]!.tip).toBe('600 complaints (39.7% of 1,510)');
    const perMillion = countryRows('en', ITEMS, 'perMillion');
    expect(perMillion.map((r) => r.code)).toEqual(['MT', 'DE', 'IT']);
    expect(perMillion[0]!.value).toBeCloseTo(10 / 0.56);
    expect(perMillion[0]!.tip).toBe('17.9 per million inhabitants — 10 complaints, 0.56 million inhabitants');
    const share = countryRows('it', ITEMS, 'crossBorderShare');
    expect(share.map((r) => [r.code, r.label])).toEqual([
      ['MT', 'Malta'],
      ['IT', 'Italia'],
      ['DE', 'Germania'],
    ]);
    expect(share[1]!.tip).toBe('25,0% transfrontalieri — 150 di 600 reclami');
  });

  it('choropleth: every country drawn, the ones without complaints grey, blues for the rest, compiles cleanly', () => {
    const rows = countryRows('en', ITEMS, 'complaints');
    const shapes = countryShapes('en', europe, rows);
    expect(shapes).toHaveLength(31);
    expect(
      shapes
        .filter((s) => s.value != null)
        .map((s) => s.code)
        .sort(),
    ).toEqual(['DE', 'IT', 'MT']);
    const li = shapes.find((s) => s.code === 'LI')!;
    expect([li.value, li.label, li.tip]).toEqual([null, 'Liechtenstein', 'no complaints in the filter']);
    // A click hands ChartCard's onselect the datum: the shape itself, with its code.
    expect(shapes.find((s) => s.code === 'IT')).toMatchObject({ type: 'Feature', code: 'IT', value: 600 });
    const spec = choroplethSpec(shapes, { value: 'Complaints' });
    const vg = JSON.stringify(compiles(spec));
    expect(vg).toContain('"blues"');
    expect(vg).toContain(NO_DATA_GREY);
    expect(vg).toContain('azimuthalEqualArea');
    expect(vg).toContain('"sqrt"');
    expect(vg).toContain('with_data_marks');
    expect(
      JSON.stringify(
        compiles(
          choroplethSpec(countryShapes('en', europe, countryRows('en', ITEMS, 'crossBorderShare')), { value: 'Share' }, { percent: true }),
        ),
      ),
    ).toContain('.0%');
  });

  it('the ranked bars take the same rows, with the code on each bar for the click', () => {
    const rows = countryRows('en', ITEMS, 'perMillion');
    const spec = barSpec(rows, { x: 'Complaints per million inhabitants' });
    compiles(spec);
    expect((spec as { data: { values: { code: string }[] } }).data.values.map((v) => v.code)).toEqual(['MT', 'DE', 'IT']);
  });
});
