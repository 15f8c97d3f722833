/**
 * The map's geometry: the 31 countries of the platform (EU-27 + IS, LI, NO, GB) cut out of
 * world-atlas's Natural Earth 1:50m countries (1:110m lacks LI and MT), with the overseas parts
 * cropped so French Guiana, Réunion or the Canaries do not stretch the map. Pure: the test checks it,
 * and map-europe.ts (loaded with import(), so the world stays out of the main bundle) runs it.
 */
import { feature } from 'topojson-client';
import type { Topology, GeometryCollection } from 'topojson-specification';
import type { Feature, FeatureCollection, MultiPolygon, Polygon, Position } from 'geojson';
import { COUNTRIES, type Country } from '../../../core/codes.js';

/** ISO 3166-1 numeric (world-atlas's feature id) → alpha-2, for our 31 countries only. */
export const NUMERIC_TO_ALPHA2: Readonly<Record<string, Country>> = {
  '040': 'AT',
  '056': 'BE',
  '100': 'BG',
  '196': 'CY',
  '203': 'CZ',
  '276': 'DE',
  '208': 'DK',
  '233': 'EE',
  '724': 'ES',
  '246': 'FI',
  '250': 'FR',
  '300': 'GR',
  '191': 'HR',
  '348': 'HU',
  '372': 'IE',
  '380': 'IT',
  '440': 'LT',
  '442': 'LU',
  '428': 'LV',
  '470': 'MT',
  '528': 'NL',
  '616': 'PL',
  '620': 'PT',
  '642': 'RO',
  '752': 'SE',
  '705': 'SI',
  '703': 'SK',
  '352': 'IS',
  '438': 'LI',
  '578': 'NO',
  '826': 'GB',
};

/**
 * Europe's box in degrees: a polygon whose centre lies outside is an overseas territory (French
 * Guiana, the Antilles, Réunion, Madeira, the Canaries, the Azores, Svalbard) and is left out.
 */
export const EUROPE_BOX = { west: -25, east: 45, south: 34, north: 72 } as const;

export type CountryFeature = Feature<Polygon | MultiPolygon, { code: Country }> & { id: Country };

/** Coordinates to 0.01° (about 1 km, below a pixel at the map's size): a much smaller file. */
const round = (v: number): number => Math.round(v * 100) / 100;

/** Twice the planar signed area of a ring (lon/lat degrees): its winding and size. */
function signedArea(ring: readonly Position[]): number {
  let a = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) a += (ring[j]![0]! - ring[i]![0]!) * (ring[j]![1]! + ring[i]![1]!);
  return a;
}

/**
 * A ring rounded, without repeated points; undefined when rounding collapsed it or flipped its
 * winding (d3-geo would read a flipped ring as the whole globe minus an islet).
 */
function roundRing(ring: readonly Position[]): Position[] | undefined {
  const out: Position[] = [];
  for (const p of ring) {
    const q = [round(p[0]!), round(p[1]!)];
    const last = out.at(-1);
    if (!last || last[0] !== q[0] || last[1] !== q[1]) out.push(q);
  }
  if (out.length < 4) return undefined;
  const before = signedArea(ring);
  const after = signedArea(out);
  return after !== 0 && Math.sign(after) === Math.sign(before) ? out : undefined;
}

function centreInEurope(ring: readonly Position[]): boolean {
  let lon = 0;
  let lat = 0;
  for (const p of ring) {
    lon += p[0]!;
    lat += p[1]!;
  }
  lon /= ring.length;
  lat /= ring.length;
  return lon >= EUROPE_BOX.west && lon <= EUROPE_BOX.east && lat >= EUROPE_BOX.south && lat <= EUROPE_BOX.north;
}

/** A polygon's rings rounded; undefined when its outer ring is overseas or collapsed. */
function cropPolygon(rings: readonly Position[][]): Position[][] | undefined {
  const [outer, ...holes] = rings;
  if (!outer || !centreInEurope(outer)) return undefined;
  const shell = roundRing(outer);
  if (!shell) return undefined;
  return [shell, ...holes.map(roundRing).filter((h) => h !== undefined)];
}

/** The 31 countries as GeoJSON features with `id` and `properties.code` the alpha-2 code. */
export function europeFeatures(world: Topology): FeatureCollection<Polygon | MultiPolygon, { code: Country }> {
  const countries = world.objects['countries'] as GeometryCollection;
  const features: CountryFeature[] = [];
  for (const g of countries.geometries) {
    const code = g.id === undefined ? undefined : NUMERIC_TO_ALPHA2[String(g.id)];
    if (!code || (g.type !== 'Polygon' && g.type !== 'MultiPolygon')) continue;
    // `g` is narrowed to a polygon type above; the overloads only see the union.
    const { geometry } = feature(world, g) as Feature<Polygon | MultiPolygon>;
    const polygons = (geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates)
      .map(cropPolygon)
      .filter((p) => p !== undefined);
    if (!polygons.length) continue;
    features.push({
      type: 'Feature',
      id: code,
      properties: { code },
      geometry: polygons.length === 1 ? { type: 'Polygon', coordinates: polygons[0]! } : { type: 'MultiPolygon', coordinates: polygons },
    });
  }
  // In the order of the code list, so the file and the tests are stable.
  features.sort((a, b) => COUNTRIES.indexOf(a.id) - COUNTRIES.indexOf(b.id));
  return { type: 'FeatureCollection', features };
}
