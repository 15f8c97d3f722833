/**
 * The vega-lite specs of the charts, as pure functions of already-shaped rows (tested by compiling
 * them with vega-lite in specs.test.ts). Words and tooltips arrive formatted in the chosen
 * language; vega's own axis formats use the locale handed to vega-embed (chart-locale.ts).
 */
import type { TopLevelSpec, Config } from 'vega-lite';

/** Okabe-Ito: distinguishable with the common colour-vision deficiencies. */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'] as const;

const CONFIG: Config = {
  font: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
  range: { category: [...OKABE_ITO] },
  mark: { color: OKABE_ITO[0] },
  view: { stroke: null },
  axis: { labelFontSize: 11, titleFontSize: 12, grid: true, gridColor: '#e6e8eb' },
};

const BASE = {
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  width: 'container',
  autosize: { type: 'fit', contains: 'padding' },
  config: CONFIG,
} as const;

export interface TrendPoint {
  /** first day of the period, ISO */
  start: string;
  period: string;
  value: number;
  /** the period holding asOf, not over yet */
  incomplete: boolean;
  /** the tooltip's text, already formatted */
  tip: string;
}

/**
 * A line of counts per month; the segment into the incomplete current period is dashed and the
 * point labelled, so a half-month is not read as a drop.
 */
export function trendSpec(points: readonly TrendPoint[], words: { x: string; y: string; incomplete: string }): TopLevelSpec {
  const complete = points.filter((p) => !p.incomplete);
  const last = complete.at(-1);
  const open = points.filter((p) => p.incomplete);
  const dashed = last && open.length ? [last, ...open] : [];
  const x = { field: 'start', type: 'temporal', timeUnit: 'yearmonth', title: words.x, axis: { format: '%b %Y', labelOverlap: true } } as const;
  const y = { field: 'value', type: 'quantitative', title: words.y } as const;
  return {
    ...BASE,
    height: 240,
    layer: [
      { data: { values: complete }, mark: { type: 'line', strokeWidth: 2 }, encoding: { x, y } },
      { data: { values: dashed }, mark: { type: 'line', strokeWidth: 2, strokeDash: [5, 4] }, encoding: { x, y } },
      {
        data: { values: [...points] },
        mark: { type: 'point', filled: true, size: 40 },
        encoding: { x, y, tooltip: [{ field: 'tip', type: 'nominal', title: words.y }] },
      },
      {
        data: { values: open },
        mark: { type: 'text', dy: -12, align: 'right', fontStyle: 'italic', color: '#555' },
        encoding: { x, y, text: { value: words.incomplete } },
      },
    ],
  };
}

export interface BarRow {
  label: string;
  value: number;
  /** the tooltip's text with its denominator ("41 % — 1 230 of 3 000 closed"), already formatted */
  tip: string;
}

/** Horizontal bars, longest first; `percent` formats the axis as a share. */
export function barSpec(rows: readonly BarRow[], words: { x: string }, opts: { percent?: boolean } = {}): TopLevelSpec {
  return {
    ...BASE,
    // A height per bar, as a number: a discrete `{ step }` height cannot combine with the
    // container width's fit (vega-lite drops fit-y with a warning).
    height: Math.max(60, rows.length * 22),
    data: { values: [...rows] },
    mark: { type: 'bar', cornerRadiusEnd: 2 },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: '-x', title: null, axis: { labelLimit: 220 } },
      x: { field: 'value', type: 'quantitative', title: words.x, axis: opts.percent ? { format: '.0%' } : { format: ',d' } },
      tooltip: [
        { field: 'label', type: 'nominal', title: ' ' },
        { field: 'tip', type: 'nominal', title: words.x },
      ],
    },
  };
}
