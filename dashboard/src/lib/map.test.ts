/**
 * The countries view's pure parts: the geometry cut out of world-atlas (kept as map-europe.json, a
 * file snapshot: `npx vitest run dashboard/src/lib/map.test.ts -u` rewrites it after a world-atlas
 * update), the rows per measure, and the choropleth spec compiled by vega-lite without warnings.
 */
import { describe, expect, it } from 'vitest';
import { compiles, rowsOf, updatesInPlace } from './compile-spec.testing.js';
import type { Topology } from 'topojson-specification';
import world from 'world-atlas/countries-50m.json' with { type: 'json' };
import { COUNTRIES } from '../../../core/codes.js';
import { barSpec, splitSpec } from './specs.js';
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
const item = (
  country: string,
  complaints: number,
  crossBorder: number,
  population: number | null,
  lowCount: Item['lowCount'] = [],
): Item => ({
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
  lowCount,
});
// Malta's 10 complaints: the API marks its per-capita figure and share as small numbers.
const ITEMS = [
  item('IT', 600, 150, 58.99),
  item('DE', 900, 90, 83.45),
  item('MT', 10, 8, 0.56, ['complaintsPerMillion', 'crossBorderShare']),
  item('LI', 0, 0, 0.04),
];

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
    const complaints = countryRows('en', ITEMS, 'complaints', 30);
    expect(complaints.map((r) => [r.code, r.value, r.low])).toEqual([
      ['DE', 900, false],
      ['IT', 600, false],
      ['MT', 10, false],
    ]);
    expect(complaints[1]!.tip).toBe('600 complaints (39.7% of 1,510)');
    // Malta has the highest rate per million, on 10 complaints: marked, and ranked after the others.
    const perMillion = countryRows('en', ITEMS, 'perMillion', 30);
    expect(perMillion.map((r) => [r.code, r.low])).toEqual([
      ['DE', false],
      ['IT', false],
      ['MT', true],
    ]);
    expect(perMillion[2]!.value).toBeCloseTo(10 / 0.56);
    expect(perMillion[2]!.tip).toBe(
      '17.9 per million inhabitants — 10 complaints, 0.56 million inhabitants; a small number: fewer than 30 complaints, uncertain, ranked after the others',
    );
    expect(perMillion[0]!.tip).toBe('10.8 per million inhabitants — 900 complaints, 83.45 million inhabitants');
    const share = countryRows('it', ITEMS, 'crossBorderShare', 30);
    expect(share.map((r) => [r.code, r.label, r.low])).toEqual([
      ['IT', 'Italia', false],
      ['DE', 'Germania', false],
      ['MT', 'Malta', true],
    ]);
    expect(share[0]!.tip).toBe('25,0% transfrontalieri — 150 di 600 reclami');
    expect(share[2]!.tip).toBe(
      '80,0% transfrontalieri — 8 di 10 reclami; un numero piccolo: meno di 30 reclami, incerto, in classifica dopo gli altri',
    );
  });

  it('choropleth: every country drawn, the ones without complaints grey, blues for the rest, compiles cleanly', () => {
    const rows = countryRows('en', ITEMS, 'complaints', 30);
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
          choroplethSpec(
            countryShapes('en', europe, countryRows('en', ITEMS, 'crossBorderShare', 30)),
            { value: 'Share' },
            { percent: true },
          ),
        ),
      ),
    ).toContain('.0%');
  });

  it('the ranked bars take the same rows, with the code on each bar for the click', () => {
    const rows = countryRows('en', ITEMS, 'perMillion', 30);
    const spec = barSpec(rows, { x: 'Complaints per million inhabitants' });
    compiles(spec);
    expect(rowsOf<{ code: string }>(spec, 'rows').map((v) => v.code)).toEqual(['DE', 'IT', 'MT']);
  });

  it('small numbers on the map: their colour kept, a dashed outline over them', () => {
    const shapes = countryShapes('en', europe, countryRows('en', ITEMS, 'perMillion', 30));
    expect(shapes.filter((s) => s.low).map((s) => s.code)).toEqual(['MT']);
    const spec = choroplethSpec(shapes, { value: 'Per million' });
    const layers = (spec as unknown as { layer: { name: string; data: { name: string }; mark: Record<string, unknown> }[] }).layer;
    const low = layers.find((l) => l.name === 'low_count')!;
    expect(rowsOf<{ code: string }>(spec, low.data.name).map((v) => v.code)).toEqual(['MT']);
    expect(low.mark).toMatchObject({ filled: false, strokeDash: [3, 2] });
    const withData = layers.find((l) => l.name === 'with_data')!;
    expect(rowsOf<{ code: string }>(spec, withData.data.name).map((v) => v.code)).toContain('MT');
    expect(JSON.stringify(compiles(spec))).toContain('low_count_marks');
    // A count is never a small number: no outline layer at all.
    const counts = choroplethSpec(countryShapes('en', europe, countryRows('en', ITEMS, 'complaints', 30)), { value: 'Complaints' });
    expect((counts as unknown as { layer: { name: string }[] }).layer.map((l) => l.name)).toEqual(['no_data', 'with_data']);
    // The outline layer is part of the map's shape: a view without it is built again, not updated.
    expect(splitSpec(counts).key).not.toBe(
      splitSpec(choroplethSpec(countryShapes('en', europe, countryRows('en', ITEMS, 'perMillion', 30)), { value: 'Complaints' })).key,
    );
  });

  it('another filter colours other countries: the same map, updated in place', async () => {
    const map = (items: Item[]) =>
      choroplethSpec(countryShapes('en', stored, countryRows('en', items, 'complaints', 30)), { value: 'Complaints' });
    await updatesInPlace(map(ITEMS), map([item('FR', 40, 4, 68), item('ES', 900, 90, 48), item('PL', 3, 0, 37)]));
  });
});
