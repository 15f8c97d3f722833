/**
 * Pure shaping of the ADR bodies view: its URL state (body, report period, caseload bucket), the
 * caseload points and chart, and the activity report (domain.md §4) as a document of sections —
 * figures and tables with every word and number already in the chosen language — so the view only
 * renders and the tests can read the same rows.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Schemas } from './api.js';
import { trendSpec, type BarRow, type TrendPoint } from './specs.js';
import {
  codeLabel,
  discontinuedReasonLabel,
  formatNumber,
  formatPercent,
  problemLabel,
  sectorLabel,
  t,
  type Lang,
  type MessageKey,
} from './i18n.js';
import { groundLabel } from './resolution.js';

export type AdrReport = Schemas['AdrActivityReport'];
export type AdrBody = Schemas['AdrBody'];
export type TrendItem = Schemas['StatsTrend']['items'][number];

export const INTERVALS = ['month', 'quarter', 'year'] as const;
export type Interval = (typeof INTERVALS)[number];
/** The interval in words ("month") and as the caseload's x-axis title ("Month of filing"). */
export const intervalKey = (i: Interval) => `adr.i.${i}` as const;
export const intervalAxisKey = (i: Interval) => `adr.x.${i}` as const;

// ---- URL state -------------------------------------------------------------------------------

export interface AdrViewState {
  adrBodyId: string | undefined;
  /** one year (Art. 7(2)) or two consecutive years (Art. 19(3)), ascending */
  years: number[];
  interval: Interval;
}

const YEAR = /^\d{4}$/;
const yearOf = (v: string | null): number | undefined => {
  const n = v && YEAR.test(v.trim()) ? Number(v.trim()) : undefined;
  return n !== undefined && n >= 2000 && n <= 2100 ? n : undefined;
};

/**
 * The view's state in the URL (the API's names: adrBodyId, year or fromYear/toYear, interval).
 * Malformed values fall back to the defaults instead of reaching the API: the last complete year
 * (`defaultYear`) and monthly buckets. fromYear/toYear must be one or two consecutive years.
 */
export function adrStateFromQuery(query: URLSearchParams, defaultYear: number): AdrViewState {
  const id = query.get('adrBodyId')?.trim();
  const from = yearOf(query.get('fromYear'));
  const to = yearOf(query.get('toYear'));
  const year = yearOf(query.get('year'));
  let years = [year ?? defaultYear];
  if (from !== undefined && to !== undefined && (to === from || to === from + 1)) years = to === from ? [from] : [from, to];
  const interval = (INTERVALS as readonly string[]).includes(query.get('interval') ?? '') ? (query.get('interval') as Interval) : 'month';
  return { adrBodyId: id || undefined, years, interval };
}

/** The report request's query: `year` for one year, `fromYear`/`toYear` for two. */
export function periodQuery(years: readonly number[]): { year: string } | { fromYear: string; toYear: string } {
  const first = years[0]!;
  const last = years[years.length - 1]!;
  return first === last ? { year: String(first) } : { fromYear: String(first), toYear: String(last) };
}

/** The URL changes for a period: the unused keys removed so only one form is ever in the URL. */
export function periodUrlChanges(years: readonly number[]): Record<'year' | 'fromYear' | 'toYear', string | undefined> {
  const q = periodQuery(years);
  return 'year' in q ? { year: q.year, fromYear: undefined, toYear: undefined } : { year: undefined, ...q };
}

/** A period as a select's value and back: "2024" or "2023-2024". */
export const periodValue = (years: readonly number[]): string => years.join('-');
export function parsePeriodValue(v: string): number[] | undefined {
  const parts = v.split('-').map((p) => yearOf(p));
  if (parts.some((p) => p === undefined)) return undefined;
  const ys = parts as number[];
  if (ys.length === 1 || (ys.length === 2 && ys[1] === ys[0]! + 1)) return ys;
  return undefined;
}

/** "2024" or "2023–2024". */
export const yearsLabel = (years: readonly number[]): string =>
  years.length > 1 ? `${years[0]}–${years[years.length - 1]}` : String(years[0]);

/**
 * The periods to offer: every year from `first` to `last` (newest first), then every pair of
 * consecutive years; a period already in the URL is kept even when outside that span.
 */
export function periodOptions(first: number, last: number, selected: readonly number[]): { yearly: number[][]; twoYearly: number[][] } {
  const lo = Math.min(first, last);
  const yearly: number[][] = [];
  const twoYearly: number[][] = [];
  for (let y = last; y >= lo; y--) yearly.push([y]);
  for (let y = last; y > lo; y--) twoYearly.push([y - 1, y]);
  const list = selected.length === 1 ? yearly : twoYearly;
  if (!list.some((p) => periodValue(p) === periodValue(selected))) list.push([...selected]);
  list.sort((a, b) => b[0]! - a[0]!);
  return { yearly, twoYearly };
}

/** The years the body's caseload spans (first filing year, last year with data or asOf's year). */
export function yearSpan(items: readonly TrendItem[], asOfYear: number): { first: number; last: number } {
  const years = items.filter((i) => i.complaints > 0).map((i) => Number(i.start.slice(0, 4)));
  return { first: years.length ? Math.min(...years) : asOfYear - 1, last: Math.max(asOfYear, ...years) };
}

// ---- caseload --------------------------------------------------------------------------------

export type CaseloadPoint = TrendPoint & { closed: number; resolved: number };

/**
 * Disputes received per filing period (`adrAgreed` of the body's complaints), closed and resolved in
 * the tooltip. The API lists every period, those without disputes as 0: a body gets few, and a line
 * drawn straight across empty months would invent a caseload.
 */
export function caseloadPoints(lang: Lang, items: readonly TrendItem[]): CaseloadPoint[] {
  return items.map((i) => ({
    start: i.start,
    period: i.period,
    value: i.adrAgreed,
    incomplete: i.incomplete,
    closed: i.closed,
    resolved: i.resolved,
    tip: `${i.period}: ${t(lang, 'adr.tip', formatNumber(lang, i.adrAgreed), formatNumber(lang, i.closed), formatNumber(lang, i.resolved))}${i.incomplete ? ` (${t(lang, 'chart.incomplete')})` : ''}`,
  }));
}

/** The caseload line: trendSpec bucketed by the chosen interval. */
export function caseloadSpec(
  points: readonly CaseloadPoint[],
  words: { x: string; y: string; incomplete: string; quarterFormat: string },
  interval: Interval,
): TopLevelSpec {
  return trendSpec(points, words, { interval });
}

// ---- the report as a document ----------------------------------------------------------------

export interface Figure {
  /** stable id (data-testid) */
  id: string;
  term: string;
  value: string;
}

export interface ReportTable {
  head: string[];
  /** per column: right-aligned number? */
  numeric: boolean[];
  /** the column naming the row (its cells are row headers) */
  rowHeader: number;
  rows: string[][];
}

export interface ReportSection {
  id: string;
  title: string;
  figures: Figure[];
  table?: ReportTable;
  /** a chart drawn beside the section (rows in `reportCharts`) */
  chart?: 'problems' | 'outcomes';
}

type Named = AdrReport['byProblem'][number];

const ratio = (n: number, d: number): number | null => (d > 0 ? n / d : null);
const days = (lang: Lang, d: number | null): string => (d == null ? '—' : t(lang, 'kpi.days', formatNumber(lang, d, 1)));

function namedTable(lang: Lang, what: MessageKey, items: readonly Named[], label: (n: Named) => string, rank = false): ReportTable {
  return {
    head: [...(rank ? [t(lang, 'adr.rank')] : []), t(lang, what), t(lang, 'adr.disputes'), t(lang, 'adr.share')],
    numeric: [...(rank ? [true] : []), false, true, true],
    rowHeader: rank ? 1 : 0,
    rows: items.map((n, i) => [...(rank ? [String(i + 1)] : []), label(n), formatNumber(lang, n.count), formatPercent(lang, n.share)]),
  };
}

/** An ADR result's label (in_favour_of_consumer, …) in the glossary's words. */
export const outcomeLabel = (lang: Lang, code: string): string => codeLabel(lang, code);

/**
 * Every item of the report (domain.md §4) in report order: received (domestic, cross-border), by
 * type of complaint, by sector, refused with grounds, outcomes, discontinued with reasons,
 * duration, compliance, the most frequent problems and traders. A ratio over nothing reads "—".
 * Discontinuation reasons are codes, labelled in the reader's language.
 */
export function reportSections(lang: Lang, r: AdrReport): ReportSection[] {
  const n = (v: number): string => formatNumber(lang, v);
  const p = (v: number | null): string => formatPercent(lang, v);
  const ofReceived = (v: number): string => `${n(v)} (${t(lang, 'adr.ofReceived', p(ratio(v, r.received)))})`;
  return [
    {
      id: 'received',
      title: t(lang, 'adr.s.received'),
      figures: [
        { id: 'received', term: t(lang, 'adr.received'), value: n(r.received) },
        { id: 'domestic', term: t(lang, 'adr.domestic'), value: ofReceived(r.domestic) },
        { id: 'cross-border', term: t(lang, 'adr.crossBorder'), value: ofReceived(r.crossBorder) },
      ],
    },
    {
      id: 'by-problem',
      title: t(lang, 'adr.s.byProblem'),
      figures: [],
      table: namedTable(lang, 'adr.problem', r.byProblem, (x) => problemLabel(lang, x.code)),
      chart: 'problems',
    },
    {
      id: 'by-sector',
      title: t(lang, 'adr.s.bySector'),
      figures: [],
      table: namedTable(lang, 'adr.sector', r.bySector, (x) => sectorLabel(lang, x.code)),
    },
    {
      id: 'refused',
      title: t(lang, 'adr.s.refused'),
      figures: [
        { id: 'refused', term: t(lang, 'adr.refused'), value: n(r.refused) },
        { id: 'refusal-rate', term: t(lang, 'adr.refusalRate'), value: p(r.refusalRate) },
      ],
      table: namedTable(lang, 'adr.ground', r.refusalGrounds, (x) => groundLabel(lang, x.code)),
    },
    {
      id: 'outcomes',
      title: t(lang, 'adr.s.outcomes'),
      figures: [{ id: 'outcomes', term: t(lang, 'adr.outcomes'), value: n(r.outcomes) }],
      table: namedTable(lang, 'adr.outcome', r.outcomeShares, (x) => outcomeLabel(lang, x.code)),
      chart: 'outcomes',
    },
    {
      id: 'discontinued',
      title: t(lang, 'adr.s.discontinued'),
      figures: [
        { id: 'discontinued', term: t(lang, 'adr.discontinued'), value: n(r.discontinued) },
        { id: 'discontinued-share', term: t(lang, 'adr.discontinuedShare'), value: p(r.discontinuedShare) },
      ],
      table: namedTable(lang, 'adr.reason', r.discontinuedReasons, (x) => discontinuedReasonLabel(lang, x.code)),
    },
    {
      id: 'duration',
      title: t(lang, 'adr.s.duration'),
      figures: [
        { id: 'average-days', term: t(lang, 'adr.averageDays'), value: days(lang, r.averageDays) },
        { id: 'within-90-days', term: t(lang, 'adr.within90'), value: p(r.within90DaysShare) },
      ],
    },
    {
      id: 'compliance',
      title: t(lang, 'adr.s.compliance'),
      figures: [
        { id: 'compliance-reported', term: t(lang, 'adr.complianceReported'), value: n(r.complianceReported) },
        { id: 'compliance-rate', term: t(lang, 'adr.complianceRate'), value: p(r.complianceRate) },
      ],
    },
    {
      id: 'top-problems',
      title: t(lang, 'adr.s.topProblems'),
      figures: [],
      table: namedTable(lang, 'adr.problem', r.topProblems, (x) => problemLabel(lang, x.code), true),
    },
    {
      id: 'top-traders',
      title: t(lang, 'adr.s.topTraders'),
      figures: [],
      table: {
        head: [t(lang, 'adr.rank'), t(lang, 'adr.trader'), t(lang, 'adr.traderId'), t(lang, 'adr.disputes'), t(lang, 'adr.share')],
        numeric: [true, false, false, true, true],
        rowHeader: 1,
        rows: r.topTraders.map((x, i) => [String(i + 1), x.name ?? '—', x.traderId, n(x.count), p(x.share)]),
      },
    },
  ];
}

export type ReportBar = BarRow & { code: string; count: number; share: number | null };

/** Bars for the report's charts: disputes by type of complaint (counts), outcome shares (shares of outcomes). */
export function reportCharts(lang: Lang, r: AdrReport): { problems: ReportBar[]; outcomes: ReportBar[] } {
  const of = (share: number | null, count: number, total: number): string =>
    `${formatPercent(lang, share)} — ${t(lang, 'words.of', formatNumber(lang, count), formatNumber(lang, total))}`;
  return {
    problems: r.byProblem.map((x) => ({
      code: x.code,
      label: problemLabel(lang, x.code),
      value: x.count,
      count: x.count,
      share: x.share,
      tip: `${formatNumber(lang, x.count)} — ${of(x.share, x.count, r.received)}`,
    })),
    outcomes: r.outcomeShares.map((x) => ({
      code: x.code,
      label: outcomeLabel(lang, x.code),
      value: x.share ?? 0,
      count: x.count,
      share: x.share,
      tip: of(x.share, x.count, r.outcomes),
    })),
  };
}

/** The report's title in words: "Yearly activity report 2024: Body name". */
export function reportTitle(lang: Lang, years: readonly number[], bodyName: string): string {
  return t(lang, years.length > 1 ? 'adr.reportTitle2' : 'adr.reportTitle1', yearsLabel(years), bodyName);
}

/** A body's name for titles: its name, else its id. */
export const bodyName = (body: { id: string; name: string | null } | undefined, id: string): string => body?.name || id;

/** The download's file name: adr-report-<body>-<years>.<ext>, with only safe characters. */
export function reportFilename(r: Pick<AdrReport, 'adrBody' | 'years'>, ext: 'json' | 'csv'): string {
  return `adr-report-${r.adrBody.id.replace(/[^A-Za-z0-9._-]+/g, '_')}-${r.years.join('-')}.${ext}`;
}

/** The API's answer as a file, unchanged (numbers unrounded). */
export const reportJson = (r: AdrReport): string => `${JSON.stringify(r, null, 2)}\n`;
