/**
 * The countries view, pure: its URL state (side, measure), the rows per country for the chosen
 * measure, and the choropleth's vega-lite spec (the ranked bars beside it are specs.ts's barSpec).
 * Tested by compiling with vega-lite in map.test.ts.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { Schemas } from './api.js';
import type { BarRow } from './specs.js';
import { countryName, formatNumber, formatPercent, t, type Lang } from './i18n.js';
import { isLowCount, rankSmallLast } from './small-numbers.js';
import type { RatioName } from '../../../core/small-numbers.js';

export type Side = 'consumer' | 'trader';
export const SIDES: readonly Side[] = ['consumer', 'trader'];
export type Measure = 'complaints' | 'perMillion' | 'crossBorderShare';
export const MEASURES: readonly Measure[] = ['complaints', 'perMillion', 'crossBorderShare'];

/** The URL's side (the API's parameter name), consumer unless it says trader. */
export const sideFromQuery = (q: URLSearchParams): Side => (q.get('side') === 'trader' ? 'trader' : 'consumer');
export const measureFromQuery = (q: URLSearchParams): Measure => {
  const m = q.get('measure');
  return MEASURES.find((x) => x === m) ?? 'complaints';
};
/** The global filter a click on a country sets, per side. */
export const filterKeyOf = (side: Side): 'consumerCountry' | 'traderCountry' => (side === 'consumer' ? 'consumerCountry' : 'traderCountry');
export const isPercent = (m: Measure): boolean => m === 'crossBorderShare';
/** The API's name of the ratio a measure shows (a count has none: it is never a small number). */
const RATIO_OF: Record<Measure, RatioName | undefined> = {
  complaints: undefined,
  perMillion: 'complaintsPerMillion',
  crossBorderShare: 'crossBorderShare',
};

type Layer = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];

export type EuropeGeometry = FeatureCollection<Polygon | MultiPolygon, { code: string }>;

/**
 * The countries' shapes (map-europe.json, see map-geometry.ts), as a lazy chunk: ~150 KB that only
 * this view needs, kept out of the main bundle.
 */
export async function loadEurope(): Promise<EuropeGeometry> {
  const m = await import('./map-europe.json');
  // The JSON's inferred type has `type: string`; map.test.ts checks it is this FeatureCollection.
  return m.default as unknown as EuropeGeometry;
}

export interface CountryRow extends BarRow {
  /** ISO alpha-2, what a click filters by */
  code: string;
  complaints: number;
  crossBorder: number;
  /** millions of inhabitants */
  population: number | null;
  /** the value rests on fewer than the API's minCount complaints: marked, ranked last */
  low: boolean;
}

/**
 * One row per country with a value for `measure`, the tooltip carrying its denominator; countries
 * without complaints (or without a population, per million) are left out and drawn grey. Ranked
 * largest first, the values the API marks as small numbers (`lowCount`) after the others, their
 * tooltip saying so; `minCount` is the answer's threshold, for the words.
 */
export function countryRows(lang: Lang, items: Schemas['StatsCountries']['items'], measure: Measure, minCount: number): CountryRow[] {
  const total = items.reduce((n, i) => n + i.complaints, 0);
  const rows: CountryRow[] = [];
  for (const i of items) {
    if (i.complaints === 0) continue;
    const value = measure === 'complaints' ? i.complaints : measure === 'perMillion' ? i.complaintsPerMillion : i.crossBorderShare;
    if (value == null) continue;
    const n = formatNumber(lang, i.complaints);
    const tip =
      measure === 'complaints'
        ? t(lang, 'countries.tip.complaints', n, formatPercent(lang, total ? i.complaints / total : null), formatNumber(lang, total))
        : measure === 'perMillion'
          ? t(lang, 'countries.tip.perMillion', formatNumber(lang, value, 1), n, formatNumber(lang, i.population, 2))
          : t(lang, 'countries.tip.crossBorderShare', formatPercent(lang, value), formatNumber(lang, i.crossBorder), n);
    const low = isLowCount(i.lowCount, RATIO_OF[measure]);
    rows.push({
      code: i.country,
      label: countryName(lang, i.country),
      value,
      tip: low ? `${tip}; ${t(lang, 'countries.tip.small', formatNumber(lang, minCount))}` : tip,
      complaints: i.complaints,
      crossBorder: i.crossBorder,
      population: i.population,
      low,
    });
  }
  return rankSmallLast(rows);
}

/** A country's shape with what the map shows of it (flat fields, so a click's datum has `code`). */
export interface CountryShape {
  type: 'Feature';
  geometry: Polygon | MultiPolygon;
  properties: Record<string, never>;
  code: string;
  label: string;
  /** null: no complaints in the filter (grey) */
  value: number | null;
  tip: string;
  /** a small number (CountryRow.low): outlined dashed */
  low: boolean;
}

/** Every country of the map, joined with its row; those without one carry the "no complaints" tip. */
export function countryShapes(lang: Lang, geo: EuropeGeometry, rows: readonly CountryRow[]): CountryShape[] {
  const byCode = new Map(rows.map((r) => [r.code, r]));
  return geo.features.map((f) => {
    const code = f.properties.code;
    const row = byCode.get(code);
    return {
      type: 'Feature',
      geometry: f.geometry,
      properties: {},
      code,
      label: row?.label ?? countryName(lang, code),
      value: row?.value ?? null,
      tip: row?.tip ?? t(lang, 'countries.noComplaints'),
      low: row?.low ?? false,
    };
  });
}

/** Grey for "no complaints in the filter": apart from the lightest blue the scale starts at. */
export const NO_DATA_GREY = '#c9cdd2';

/**
 * A choropleth of Europe: one sequential scheme (blues, starting a step above white so the lightest
 * country still reads apart from the grey of no data), an equal-area projection centred on Europe
 * (as EPSG:3035) and fitted to the shapes, the tooltip with the denominator. Small numbers keep
 * their colour under a dashed dark outline (a pattern, not a colour, says it). The layers are
 * named, so their svg groups carry the classes `no_data_marks`, `with_data_marks` and
 * `low_count_marks`; their shapes are the datasets `no_data_shapes`, `with_data_shapes` and
 * `low_count_shapes` (specs.ts, "Shape and data").
 */
export function choroplethSpec(
  shapes: readonly CountryShape[],
  words: { value: string },
  opts: { percent?: boolean; height?: number } = {},
): TopLevelSpec {
  const tooltip = [
    { field: 'label', type: 'nominal', title: ' ' },
    { field: 'tip', type: 'nominal', title: words.value },
  ] as const;
  const stroke = { stroke: '#fff', strokeWidth: 0.6, cursor: 'pointer' } as const;
  // What a screen reader hears for a country: its name and the tooltip's words.
  const aria = { calculate: "datum.label + ': ' + datum.tip", as: 'aria' } as const;
  const description = { field: 'aria', type: 'nominal' } as const;
  const low = shapes.filter((s) => s.value != null && s.low);
  // Only with small numbers to outline: an empty layer would be an unlabelled mark group (axe).
  const lowLayer: Layer[] = low.length
    ? [
        {
          name: 'low_count',
          data: { name: 'low_count_shapes' },
          transform: [aria],
          mark: { type: 'geoshape', filled: false, stroke: '#1b1f24', strokeWidth: 1.2, strokeDash: [3, 2], cursor: 'pointer' },
          encoding: { tooltip: [...tooltip], description },
        },
      ]
    : [];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: opts.height ?? 460,
    // `resize`: fitted again when its rows change in place (specs.ts, BASE).
    autosize: { type: 'fit', contains: 'padding', resize: true },
    config: { font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', view: { stroke: null } },
    projection: { type: 'azimuthalEqualArea', rotate: [-10, -52, 0] },
    // The shapes, by layer (see specs.ts, "Shape and data"); the small numbers' layer only when there are any.
    datasets: {
      no_data_shapes: shapes.filter((s) => s.value == null),
      with_data_shapes: shapes.filter((s) => s.value != null),
      ...(low.length ? { low_count_shapes: low } : {}),
    },
    layer: [
      {
        name: 'no_data',
        data: { name: 'no_data_shapes' },
        transform: [aria],
        mark: { type: 'geoshape', fill: NO_DATA_GREY, ...stroke },
        encoding: { tooltip: [...tooltip], description },
      },
      {
        name: 'with_data',
        data: { name: 'with_data_shapes' },
        transform: [aria],
        mark: { type: 'geoshape', ...stroke },
        encoding: {
          color: {
            field: 'value',
            type: 'quantitative',
            title: words.value,
            // Counts are skewed (a few large countries): a square-root scale keeps the rest apart.
            scale: { type: opts.percent ? 'linear' : 'sqrt', scheme: { name: 'blues', extent: [0.15, 1] }, zero: true },
            legend: { orient: 'bottom', format: opts.percent ? '.0%' : ',.0f', gradientLength: 220, titleLimit: 320 },
          },
          tooltip: [...tooltip],
          description,
        },
      },
      ...lowLayer,
    ],
  };
}
