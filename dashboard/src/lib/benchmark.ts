/**
 * Pure shaping and chart specs of the traders view: a trader's benchmark (its own value as a dot
 * on the box of its peers' quartiles, one small chart per measure so rates and days each get
 * their own scale), the default benchmark year, and the client-side sort of the trader table.
 * Tested by compiling the specs with vega-lite in benchmark.test.ts.
 */
import type { TopLevelSpec, Config } from 'vega-lite';
import type { Schemas } from './api.js';
import { OKABE_ITO } from './specs.js';
import { formatNumber, formatPercent, t, type Lang, type MessageKey } from './i18n.js';
import { isLowCount } from './small-numbers.js';
import { openShareOf, provisionalText, withProvisional } from './provisional.js';
import type { RatioName } from '../../../core/small-numbers.js';

export type Benchmark = Schemas['TraderBenchmark'];
export type TraderRow = Schemas['StatsTraders']['items'][number];

export const BENCHMARK_MEASURES = ['resolutionRate', 'traderResponseRate', 'medianDaysToClose'] as const;
export type BenchmarkMeasure = (typeof BENCHMARK_MEASURES)[number];

export const MEASURE_LABEL: Record<BenchmarkMeasure, MessageKey> = {
  resolutionRate: 'kpi.resolutionRate',
  traderResponseRate: 'kpi.traderResponseRate',
  medianDaysToClose: 'kpi.medianDaysToClose',
};
/** The entry on "About these figures" that defines each measure. */
export const MEASURE_ABOUT: Record<BenchmarkMeasure, string> = {
  resolutionRate: 'resolution-rate',
  traderResponseRate: 'trader-response-rate',
  medianDaysToClose: 'days-to-close',
};

export const isRate = (m: BenchmarkMeasure): boolean => m !== 'medianDaysToClose';

/** A measure's value in words: rates as percentages, durations in days (one decimal). */
export function formatMeasure(lang: Lang, m: BenchmarkMeasure, v: number | null): string {
  if (v === null) return t(lang, 'notAvailable');
  return isRate(m) ? formatPercent(lang, v) : t(lang, 'kpi.days', formatNumber(lang, v, 1));
}

/**
 * The percentile in words. domain.md §4: (peers lower + ½ peers equal) / peers × 100, so a high
 * percentile means a high value: good for the rates, bad for days to close. The words say which
 * way the value lies ("about": ties count half) instead of a blanket "better than".
 */
export function percentileWords(lang: Lang, m: BenchmarkMeasure, percentile: number | null, peers: number | null, year: number): string {
  if (percentile === null || peers === null) return t(lang, 'traders.noPercentile', year);
  const share = formatPercent(lang, percentile / 100, 0);
  return t(
    lang,
    isRate(m) ? 'traders.percentileRate' : 'traders.percentileDays',
    formatNumber(lang, percentile, 0),
    formatNumber(lang, peers),
    share,
  );
}

export interface BenchmarkRow {
  measure: BenchmarkMeasure;
  label: string;
  own: number | null;
  /** peers' quartiles; all null when the peers are withheld */
  p25: number | null;
  p50: number | null;
  p75: number | null;
  percentile: number | null;
  /** how many peers; null when withheld */
  peers: number | null;
  suppressed: boolean;
  ownText: string;
  /** tooltip of the dot, with the denominator where the answer carries it (and the provisional sentence) */
  ownTip: string;
  /** "provisional: 9.1 % still open" while some of the trader's complaints that year are open; undefined otherwise */
  provisional: string | undefined;
  /** tooltip of the box; '' when withheld */
  peersTip: string;
  percentileText: string;
}

function ownTip(lang: Lang, m: BenchmarkMeasure, b: Benchmark, text: string): string {
  switch (m) {
    case 'resolutionRate':
      return t(lang, 'traders.tipResolution', text, formatNumber(lang, b.own.closed));
    case 'traderResponseRate':
      return t(lang, 'traders.tipResponse', text);
    case 'medianDaysToClose':
      return t(lang, 'traders.tipDays', text, formatNumber(lang, b.own.closed));
  }
}

/**
 * One row per measure. A withheld answer carries no peer figure, and none is made up here. The
 * trader's own figures are provisional while some of its complaints that year are open (the answer
 * gives complaints and closed); the peers' are not known to be, so only its own carry the mark.
 */
export function benchmarkRows(lang: Lang, b: Benchmark): BenchmarkRow[] {
  const { peers } = b;
  const openShare = openShareOf(b.own);
  return BENCHMARK_MEASURES.map((m) => {
    const q = peers.suppressed ? null : (peers.quartiles?.[m] ?? null);
    const own = b.own[m];
    const ownText = formatMeasure(lang, m, own);
    const p25 = q?.p25 ?? null;
    const p50 = q?.p50 ?? null;
    const p75 = q?.p75 ?? null;
    const count = peers.suppressed ? null : peers.count;
    // No value of its own, no place among the peers (the API says null too; not trusted blindly).
    const percentile = peers.suppressed || own === null ? null : (peers.percentile?.[m] ?? null);
    return {
      measure: m,
      label: t(lang, MEASURE_LABEL[m]),
      own,
      p25,
      p50,
      p75,
      percentile,
      peers: count,
      suppressed: peers.suppressed,
      ownText,
      ownTip: own === null ? t(lang, 'traders.noValue', b.year) : withProvisional(lang, ownTip(lang, m, b, ownText), openShare),
      provisional: own === null ? undefined : provisionalText(lang, openShare),
      peersTip:
        q && count !== null
          ? t(
              lang,
              'traders.peersTip',
              formatNumber(lang, count),
              formatMeasure(lang, m, p25),
              formatMeasure(lang, m, p50),
              formatMeasure(lang, m, p75),
            )
          : '',
      percentileText: peers.suppressed
        ? t(lang, 'traders.withheldShort', peers.minPeers)
        : percentileWords(lang, m, percentile, count, b.year),
    };
  });
}

export interface BenchmarkTableRow {
  field: 'own' | 'p25' | 'p50' | 'p75' | 'peers' | 'percentile';
  label: string;
  /** the raw value, for the CSV (null when withheld or empty) */
  value: number | null;
  /** the value in words, for the view-data table */
  text: string;
}

/**
 * One measure's "view data" as field/value pairs: two columns fit a phone-width card (seven
 * side by side would scroll sideways), and withheld peer figures read "withheld", not blank.
 */
export function benchmarkTable(lang: Lang, row: BenchmarkRow, minPeers: number): BenchmarkTableRow[] {
  const withheld = t(lang, 'traders.withheldShort', minPeers);
  const peer = (field: 'p25' | 'p50' | 'p75', key: MessageKey): BenchmarkTableRow => ({
    field,
    label: t(lang, key),
    value: row[field],
    text: row.suppressed ? withheld : formatMeasure(lang, row.measure, row[field]),
  });
  return [
    { field: 'own', label: t(lang, 'traders.thisTrader'), value: row.own, text: row.ownText },
    peer('p25', 'traders.p25'),
    peer('p50', 'traders.p50'),
    peer('p75', 'traders.p75'),
    {
      field: 'peers',
      label: t(lang, 'traders.peers'),
      value: row.peers,
      text: row.peers === null ? withheld : formatNumber(lang, row.peers),
    },
    { field: 'percentile', label: t(lang, 'traders.percentile'), value: row.percentile, text: row.percentileText },
  ];
}

const CONFIG: Config = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#e6e8eb' },
};

/** Words of a benchmark chart, already in the chosen language. */
export interface BenchmarkWords {
  /** the axis title (the measure) */
  axis: string;
  thisTrader: string;
  peers: string;
  /** shown when there is neither a value of its own nor peer figures */
  noValue: string;
}

/**
 * One measure: the peers' box from the 25th to the 75th percentile with the median as a tick,
 * and the trader's own value as a dot labelled with its value. Rates run on a fixed 0–100 %
 * axis; days on their own axis from 0. Withheld peers add no layer (and no data) at all.
 */
export function benchmarkSpec(row: BenchmarkRow, words: BenchmarkWords): TopLevelSpec {
  const rate = isRate(row.measure);
  const hasPeers = !row.suppressed && row.p25 !== null && row.p50 !== null && row.p75 !== null;
  const values = [row.own, ...(hasPeers ? [row.p25, row.p75] : [])].filter((v): v is number => v !== null);
  const scale = rate ? { domain: [0, 1] } : { domain: [0, Math.max(1, ...values) * 1.15], nice: true };
  const axis = rate ? { format: '.0%', tickCount: 5 } : { format: ',.0f', tickCount: 5 };
  const x = (field: string) => ({ field, type: 'quantitative', title: words.axis, scale, axis }) as const;
  const datum: Record<string, unknown> = { measure: row.measure, label: row.label, own: row.own, ownText: row.ownText, ownTip: row.ownTip };
  if (hasPeers) Object.assign(datum, { p25: row.p25, p50: row.p50, p75: row.p75, peersTip: row.peersTip });
  const peerTooltip = [{ field: 'peersTip', type: 'nominal', title: words.peers }] as const;
  const layer: NonNullable<Extract<TopLevelSpec, { layer: unknown }>['layer']> = [];
  if (hasPeers) {
    layer.push(
      {
        mark: { type: 'bar', height: 26, color: OKABE_ITO[4], opacity: 0.45, cornerRadius: 2 },
        encoding: { x: x('p25'), x2: { field: 'p75' }, tooltip: [...peerTooltip] },
      },
      { mark: { type: 'tick', size: 34, thickness: 3, color: OKABE_ITO[0] }, encoding: { x: x('p50'), tooltip: [...peerTooltip] } },
    );
  }
  if (row.own !== null) {
    layer.push(
      {
        mark: {
          type: 'point',
          shape: 'circle',
          filled: true,
          size: 150,
          color: OKABE_ITO[5],
          stroke: '#fff',
          strokeWidth: 1.5,
          opacity: 1,
        },
        encoding: { x: x('own'), tooltip: [{ field: 'ownTip', type: 'nominal', title: words.thisTrader }] },
      },
      {
        mark: { type: 'text', dy: -20, fontWeight: 600, color: '#222' },
        encoding: { x: x('own'), text: { field: 'ownText', type: 'nominal' } },
      },
    );
  }
  if (!layer.length) {
    // Nothing to draw: say so on the axis rather than leave a blank chart.
    layer.push({
      mark: { type: 'text', color: '#4a5360', fontStyle: 'italic' },
      encoding: {
        x: { datum: rate ? 0.5 : scale.domain[1]! / 2, type: 'quantitative', title: words.axis, scale, axis },
        text: { value: words.noValue },
      },
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 'container',
    height: 80,
    autosize: { type: 'fit', contains: 'padding' },
    config: CONFIG,
    data: { values: [datum] },
    layer,
  };
}

/**
 * The year a benchmark opens on when the URL names none: the latest complete year, i.e. the
 * year before asOf's. A trader compares itself over a whole year (as in the yearly reports);
 * the current year is partial, its recent complaints are still open, so fewer traders reach
 * the 10 closed complaints a peer needs and the days to close lean short.
 */
export function defaultBenchmarkYear(asOfFinishedAt: string): number {
  return new Date(asOfFinishedAt).getUTCFullYear() - 1;
}

/** A year from the URL, or undefined when malformed or outside what the API accepts. */
export function parseYear(value: string | null | undefined): number | undefined {
  if (!value || !/^\d{4}$/.test(value)) return undefined;
  const y = Number(value);
  return y >= 2000 && y <= 2100 ? y : undefined;
}

/** The years to offer: from the first year with complaints (else ten back) to asOf's year. */
export function benchmarkYears(asOfFinishedAt: string, firstYear?: number): number[] {
  const last = new Date(asOfFinishedAt).getUTCFullYear();
  const first = Math.max(2000, Math.min(last, firstYear ?? last - 9));
  return Array.from({ length: last - first + 1 }, (_, i) => last - i);
}

export const SORT_KEYS = [
  'name',
  'country',
  'complaints',
  'closed',
  'resolutionRate',
  'traderResponseRate',
  'medianDaysToClose',
  'medianDaysToCloseKM',
  'overdue',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export type SortDir = 'ascending' | 'descending';

/**
 * The table sorted by one column. Missing values (rates withheld below 10 closed complaints,
 * traders without a name) go last whichever the direction, so sorting by a rate never puts the
 * "—" rows first; small numbers (a rate the API lists in `lowCount`) go after the other values,
 * either way too, so a rate over a handful of cases never tops the ranking; ties keep the
 * server's order (by complaints).
 */
export function sortTraders(items: readonly TraderRow[], key: SortKey, dir: SortDir, lang: Lang): TraderRow[] {
  const collator = new Intl.Collator(lang);
  const value = (r: TraderRow): string | number | null => (key === 'name' ? (r.name ?? r.traderId) : r[key]);
  // 0: a value, 1: a small number, 2: no value.
  const tier = (r: TraderRow, v: string | number | null): number => (v === null ? 2 : isLowCount(r.lowCount, ratioOf(key)) ? 1 : 0);
  const sign = dir === 'ascending' ? 1 : -1;
  return items
    .map((r, i) => {
      const v = value(r);
      return { r, i, v, tier: tier(r, v) };
    })
    .sort((a, b) => {
      if (a.tier !== b.tier) return a.tier - b.tier;
      if (a.v === null || b.v === null) return a.i - b.i;
      const c = typeof a.v === 'string' || typeof b.v === 'string' ? collator.compare(String(a.v), String(b.v)) : a.v - b.v;
      return c === 0 ? a.i - b.i : sign * c;
    })
    .map((x) => x.r);
}

/** The column's ratio (core/small-numbers.ts), when it shows one. */
const ratioOf = (key: SortKey): RatioName | undefined =>
  key === 'resolutionRate' || key === 'traderResponseRate' || key === 'medianDaysToClose' ? key : undefined;

/**
 * The title of a trader's rate cell when the API lists it as a small number (`lowCount`): the count
 * it rests on and the threshold, in words; undefined otherwise.
 */
export function smallNumberTitle(lang: Lang, r: TraderRow, key: BenchmarkMeasure, minCount: number): string | undefined {
  if (!isLowCount(r.lowCount, key)) return undefined;
  return key === 'traderResponseRate'
    ? t(lang, 'traders.small.sent', formatNumber(lang, r.sentToTrader), formatNumber(lang, minCount))
    : t(lang, 'traders.small.closed', formatNumber(lang, r.closed), formatNumber(lang, minCount));
}

/** The direction a column starts in when first clicked: names A→Z, numbers largest first. */
export const firstDirection = (key: SortKey): SortDir => (key === 'name' || key === 'country' ? 'ascending' : 'descending');
