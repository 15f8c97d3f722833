/**
 * The vega-lite specs of the charts, as pure functions of already-shaped rows (tested by compiling
 * them with vega-lite in specs.test.ts). Words and tooltips arrive formatted in the chosen
 * language; vega's own axis formats use the locale handed to vega-embed (chart-locale.ts).
 *
 * Shape and data: every row a chart draws sits in the spec's top-level `datasets`, each mark
 * naming its dataset (`data: { name }`); everything else is the chart's shape, including what the
 * builders derive from the rows (a height from the number of bars, a layer or a hollow point only
 * when some row needs it, a sort order or colour domain from the labels). vega-lite names its
 * vega datasets after them, so a view built from one spec shows another spec of the same shape by
 * replacing its datasets (`view.data(name, rows)`) instead of being rebuilt (ChartCard,
 * splitSpec below; specs.test.ts checks that both draw the same picture).
 */
import type { TopLevelSpec, Config } from 'vega-lite';

/** A spec split for ChartCard: its shape (compared as `key`) and its rows by dataset name. */
export interface SplitSpec {
  /** the spec without its datasets, as JSON: two specs with the same key differ only in their rows */
  key: string;
  datasets: Record<string, object[]>;
}

/**
 * Splits a spec into its shape and its rows. A spec with rows inline (no `datasets`) keeps them in
 * its shape: any change of its rows is then a change of shape, and the view is rebuilt.
 */
export function splitSpec(spec: TopLevelSpec): SplitSpec {
  const { datasets, ...shape } = spec as TopLevelSpec & { datasets?: Record<string, object[]> };
  return { key: JSON.stringify(shape), datasets: datasets ?? {} };
}

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
  // `resize`: fit again on every update, not only when built: new rows (longer labels, wider
  // numbers) change the room the axes take, as they would in a view built from them.
  autosize: { type: 'fit', contains: 'padding', resize: true },
  config: CONFIG,
} as const;

export interface TrendPoint {
  /** first day of the period, ISO */
  start: string;
  period: string;
  /** null where nothing was filed (a rate over no complaints): the line breaks there */
  value: number | null;
  /** the period holding asOf, not over yet */
  incomplete: boolean;
  /** the tooltip's text, already formatted */
  tip: string;
  /** a rate or duration over a cohort with cases still open (provisional.ts): drawn as a hollow point */
  provisional?: boolean;
}

/** How the time axis buckets and labels the periods, in UTC like the API's buckets. */
const X_BY_INTERVAL = {
  month: { timeUnit: 'utcyearmonth', tickCount: 'month', format: '%b %Y' },
  quarter: { timeUnit: 'utcyearquarter', tickCount: { interval: 'month', step: 3 }, format: '' },
  year: { timeUnit: 'utcyear', tickCount: 'year', format: '%Y' },
} as const;
export type TrendInterval = keyof typeof X_BY_INTERVAL;

/**
 * A line of counts (or shares) per period; the segment into the incomplete current period is
 * dashed and the point labelled, so a half-month is not read as a drop. A null value (a share
 * over a period without complaints) breaks the line, vega-lite's default for lines: a gap is
 * shown as a gap, never bridged. Counts get whole-number
 * ticks only, days whole-number labels. A provisional point (its figure over a cohort with cases
 * still open) is hollow, the others filled, so the mark does not rest on colour; its tooltip says
 * so in words. Layers without data are left out: vega would draw an empty, unlabelled mark group
 * (axe: svg-img-alt). `quarterFormat` labels quarters in the chosen language ("Q%q %Y").
 */
export function trendSpec(
  points: readonly TrendPoint[],
  words: { x: string; y: string; incomplete: string; quarterFormat?: string },
  opts: { percent?: boolean; days?: boolean; interval?: TrendInterval } = {},
): TopLevelSpec {
  const complete = points.filter((p) => !p.incomplete);
  const last = complete.at(-1);
  const open = points.filter((p) => p.incomplete);
  const dashed = last && open.length ? [last, ...open] : [];
  const b = X_BY_INTERVAL[opts.interval ?? 'month'];
  const x = {
    field: 'start',
    type: 'temporal',
    timeUnit: b.timeUnit,
    title: words.x,
    axis: { format: b.format || (words.quarterFormat ?? 'Q%q %Y'), labelOverlap: true, tickCount: b.tickCount },
  } as const;
  const y = opts.percent
    ? ({ field: 'value', type: 'quantitative', title: words.y, axis: { format: '.0%' } } as const)
    : opts.days
      ? ({ field: 'value', type: 'quantitative', title: words.y, axis: { format: ',.0f' } } as const)
      : ({ field: 'value', type: 'quantitative', title: words.y, axis: { format: ',d', tickMinStep: 1 } } as const);
  // Hollow: the line's colour as the outline, white inside (only when some point is provisional).
  const marked = points.some((p) => p.provisional && p.value != null);
  const hollow = marked ? { fill: { condition: { test: 'datum.provisional', value: '#fff' }, value: OKABE_ITO[0] } } : {};
  const outline = marked ? { stroke: OKABE_ITO[0], strokeWidth: 1.5 } : {};
  const line = (name: string, dash?: number[]): Layer => ({
    data: { name },
    mark: { type: 'line', strokeWidth: 2, ...(dash ? { strokeDash: dash } : {}) },
    encoding: { x, y },
  });
  const layers: [string, readonly TrendPoint[], Layer][] = [
    ['complete', complete, line('complete')],
    ['dashed', dashed, line('dashed', [5, 4])],
    [
      'points',
      points,
      {
        data: { name: 'points' },
        mark: { type: 'point', filled: true, size: 40, ...outline },
        encoding: { x, y, ...hollow, tooltip: [{ field: 'tip', type: 'nominal', title: words.y }] },
      },
    ],
    [
      'open',
      open,
      {
        data: { name: 'open' },
        mark: { type: 'text', dy: -12, align: 'right', fontStyle: 'italic', color: '#555' },
        encoding: { x, y, text: { value: words.incomplete } },
      },
    ],
  ];
  const shown = layers.filter(([, values]) => values.length > 0);
  return {
    ...BASE,
    height: 240,
    datasets: Object.fromEntries(shown.map(([name, values]) => [name, [...values]])),
    layer: shown.map(([, , layer]) => layer),
  };
}

type Layer = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];

export interface BarRow {
  label: string;
  value: number;
  /** the tooltip's text with its denominator ("41 % — 1 230 of 3 000 closed"), already formatted */
  tip: string;
  /** a small number (small-numbers.ts): drawn lighter and outlined dashed, its label starred */
  low?: boolean;
}

/**
 * Horizontal bars, longest first; `percent` formats the axis as a share. Rows with small numbers
 * keep the order they come in (ranked by the caller, the small numbers last), those bars lighter
 * with a dashed outline and a "*" after their label, so neither colour nor position alone says it.
 */
export function barSpec(rows: readonly BarRow[], words: { x: string }, opts: { percent?: boolean } = {}): TopLevelSpec {
  const marked = rows.some((r) => r.low);
  return {
    ...BASE,
    // A height per bar, as a number: a discrete `{ step }` height cannot combine with the
    // container width's fit (vega-lite drops fit-y with a warning).
    height: Math.max(120, rows.length * 22 + 40),
    datasets: { rows: [...rows] },
    data: { name: 'rows' },
    ...(marked ? { transform: [{ calculate: "datum.low ? datum.label + ' *' : datum.label", as: 'axisLabel' }] } : {}),
    mark: { type: 'bar', cornerRadiusEnd: 2 },
    encoding: {
      y: marked
        ? { field: 'axisLabel', type: 'nominal', sort: null, title: null, axis: { labelLimit: 220 } }
        : { field: 'label', type: 'nominal', sort: '-x', title: null, axis: { labelLimit: 220 } },
      x: {
        field: 'value',
        type: 'quantitative',
        title: words.x,
        axis: opts.percent ? { format: '.0%' } : { format: ',d', tickMinStep: 1 },
      },
      ...(marked
        ? {
            fillOpacity: { condition: { test: 'datum.low', value: 0.4 }, value: 1 },
            stroke: { condition: { test: 'datum.low', value: OKABE_ITO[0] }, value: null },
            strokeDash: { condition: { test: 'datum.low', value: [3, 2] }, value: [] },
          }
        : {}),
      tooltip: [
        { field: 'label', type: 'nominal', title: ' ' },
        { field: 'tip', type: 'nominal', title: words.x },
      ],
    },
  };
}

export interface FunnelRow {
  /** the step's code (filed, sent_to_trader, …) */
  step: string;
  label: string;
  value: number;
  /** 'main' for the path through ADR, 'direct' for the direct-settlement branch */
  branch: 'main' | 'direct';
  /** the conversion against the step it follows, already formatted ("82.0 % of sent") */
  rate: string;
  tip: string;
}

/**
 * The lifecycle funnel: horizontal bars in lifecycle order (not by length) with each step's
 * conversion written beside its bar; direct settlement is its own colour, a branch off "replied".
 */
export function funnelSpec(rows: readonly FunnelRow[], words: { x: string; main: string; direct: string }): TopLevelSpec {
  const values = rows.map((r) => ({ ...r, branchLabel: r.branch === 'direct' ? words.direct : words.main }));
  const y = { field: 'label', type: 'nominal', sort: rows.map((r) => r.label), title: null, axis: { labelLimit: 220 } } as const;
  const x = { field: 'value', type: 'quantitative', title: words.x, axis: { format: ',d', labelOverlap: 'greedy' } } as const;
  return {
    ...BASE,
    height: rows.length * 30 + 70,
    datasets: { steps: values },
    data: { name: 'steps' },
    layer: [
      {
        mark: { type: 'bar', cornerRadiusEnd: 2 },
        encoding: {
          y,
          x,
          color: {
            field: 'branchLabel',
            type: 'nominal',
            title: null,
            scale: { domain: [words.main, words.direct], range: [OKABE_ITO[0], OKABE_ITO[1]] },
            legend: { orient: 'bottom', labelLimit: 400 },
          },
          tooltip: [
            { field: 'label', type: 'nominal', title: ' ' },
            { field: 'tip', type: 'nominal', title: words.x },
          ],
        },
      },
      { mark: { type: 'text', align: 'left', dx: 4, color: '#333' }, encoding: { y, x, text: { field: 'rate', type: 'nominal' } } },
    ],
  };
}

export interface StackRow {
  /** the category's code (a stage) */
  code: string;
  label: string;
  /** the part's label (e.g. "within deadline", "overdue") */
  part: string;
  value: number;
  tip: string;
}

/**
 * Horizontal stacked bars in the given category order, the parts coloured in `parts` order
 * (Okabe-Ito sky blue then vermillion: the overdue part stands out without relying on red/green).
 */
export function stackedBarSpec(
  rows: readonly StackRow[],
  words: { x: string },
  order: { categories: readonly string[]; parts: readonly string[] },
): TopLevelSpec {
  return {
    ...BASE,
    height: order.categories.length * 30 + 70,
    datasets: { parts: rows.map((r) => ({ ...r, partOrder: order.parts.indexOf(r.part) })) },
    data: { name: 'parts' },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'label', type: 'nominal', sort: [...order.categories], title: null, axis: { labelLimit: 220 } },
      x: { field: 'value', type: 'quantitative', title: words.x, stack: 'zero', axis: { format: ',d', labelOverlap: 'greedy' } },
      color: {
        field: 'part',
        type: 'nominal',
        title: null,
        scale: { domain: [...order.parts], range: [OKABE_ITO[4], OKABE_ITO[5], OKABE_ITO[1]] },
        legend: { orient: 'bottom' },
      },
      order: { field: 'partOrder', type: 'quantitative' },
      tooltip: [
        { field: 'label', type: 'nominal', title: ' ' },
        { field: 'part', type: 'nominal', title: '  ' },
        { field: 'tip', type: 'nominal', title: words.x },
      ],
    },
  };
}

export interface FlowCell {
  consumerCountry: string;
  traderCountry: string;
  value: number;
  /** consumer country = trader country: the diagonal */
  domestic: boolean;
  tip: string;
}

/**
 * Flows as a heatmap: consumer country (rows) × trader country (columns), one sequential scheme
 * (blues), the domestic diagonal outlined so it reads apart from the cross-border cells.
 */
export function heatmapSpec(cells: readonly FlowCell[], words: { x: string; y: string; value: string; tooltip: string }): TopLevelSpec {
  const rowsCount = new Set(cells.map((c) => c.consumerCountry)).size;
  const x = {
    field: 'traderCountry',
    type: 'nominal',
    sort: 'ascending',
    title: words.x,
    axis: { labelAngle: 0, labelFontSize: 10, orient: 'top' },
  } as const;
  const y = { field: 'consumerCountry', type: 'nominal', sort: 'ascending', title: words.y, axis: { labelFontSize: 10 } } as const;
  return {
    ...BASE,
    height: Math.max(80, rowsCount * 16),
    datasets: { cells: [...cells] },
    data: { name: 'cells' },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          x,
          y,
          color: {
            field: 'value',
            type: 'quantitative',
            title: words.value,
            scale: { scheme: 'blues', type: 'sqrt' },
            legend: { orient: 'bottom', format: ',d' },
          },
          tooltip: [{ field: 'tip', type: 'nominal', title: words.tooltip }],
        },
      },
      {
        transform: [{ filter: 'datum.domestic' }],
        mark: { type: 'rect', filled: false, stroke: '#000', strokeWidth: 1.5 },
        encoding: { x, y },
      },
    ],
  };
}
