/**
 * Pure shaping of the overview's answers: KPI changes against the API's like-for-like comparison,
 * and chart rows with their tooltips (denominators included) in the chosen language.
 */
import type { Schemas } from './api.js';
import type { BarRow, TrendPoint } from './specs.js';
import { codeLabel, formatNumber, formatPercent, locale, t, type Lang } from './i18n.js';
import { provisionalText, withProvisional } from './provisional.js';

export type Summary = Schemas['StatsSummary'];
export type Comparison = Schemas['StatsComparison'];
/**
 * The headline duration is the Kaplan–Meier median (medianDaysToCloseKM): it counts the open cases,
 * so it does not jump when the last of them closes (the median over closed cases alone stays in
 * the trend's data table and the trader table).
 */
export type KpiKey = 'complaints' | 'crossBorderShare' | 'resolutionRate' | 'traderResponseRate' | 'medianDaysToCloseKM';
export const KPI_KEYS: readonly KpiKey[] = [
  'complaints',
  'crossBorderShare',
  'resolutionRate',
  'traderResponseRate',
  'medianDaysToCloseKM',
];

/** The figures that can still change while cases of their cohort are open (domain.md §4). */
const PROVISIONAL_KEYS: ReadonlySet<KpiKey> = new Set(['resolutionRate', 'traderResponseRate', 'medianDaysToCloseKM']);

/** "4.0 days"; a KM median S has not reached yet says so, where nothing was filed "—". */
export const days = (lang: Lang, v: number | null, s: { complaints: number }): string =>
  v != null ? t(lang, 'kpi.days', formatNumber(lang, v, 1)) : s.complaints > 0 ? t(lang, 'kpi.notReached') : '—';

export function kpiValue(lang: Lang, key: KpiKey, s: Summary): string {
  const v = s[key];
  if (key === 'complaints') return formatNumber(lang, v);
  if (key === 'medianDaysToCloseKM') return days(lang, v, s);
  return formatPercent(lang, v);
}

/** A comparison window [from, to) in words: its first and last day ("1–6 Nov 2026", "28 Nov – 3 Dec 2026"). */
export function windowWords(lang: Lang, w: { from: string; to: string }): string {
  const first = new Date(w.from);
  // The last instant inside the window: `to` is exclusive.
  const last = new Date(Math.max(first.getTime(), Date.parse(w.to) - 1));
  const part = (d: Date, o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale(lang), { ...o, timeZone: 'UTC' }).format(d);
  const year = (d: Date) => part(d, { year: 'numeric' });
  const dayMonth = (d: Date) => part(d, { day: 'numeric', month: 'short' });
  if (year(first) !== year(last)) return `${dayMonth(first)} ${year(first)} – ${dayMonth(last)} ${year(last)}`;
  if (first.getUTCMonth() !== last.getUTCMonth()) return `${dayMonth(first)} – ${dayMonth(last)} ${year(last)}`;
  const day = (d: Date) => part(d, { day: 'numeric' });
  const monthYear = part(last, { month: 'short', year: 'numeric' });
  return first.getUTCDate() === last.getUTCDate() ? `${day(first)} ${monthYear}` : `${day(first)}–${day(last)} ${monthYear}`;
}

/** The sentence under the tiles: which windows the changes compare, and on what footing. */
export function comparisonNote(lang: Lang, filters: { from?: string; to?: string }, asOf: string, c: Comparison): string {
  const current = { from: filters.from ?? c.to, to: filters.to !== undefined && c.complete ? filters.to : asOf };
  const note = t(lang, 'kpi.compared', windowWords(lang, current), windowWords(lang, c));
  const elapsed = c.complete ? `${note}.` : `${note} ${t(lang, 'kpi.sameElapsed')}`;
  return c.sameAge ? `${elapsed} ${t(lang, 'kpi.sameAge')}` : elapsed;
}

/** "provisional: 62.0 % still open" under a figure over a cohort with open cases; undefined otherwise. */
export function provisionalNote(lang: Lang, key: KpiKey, s: Pick<Summary, 'openShare'>): string | undefined {
  return PROVISIONAL_KEYS.has(key) ? provisionalText(lang, s.openShare) : undefined;
}

/**
 * The change against the comparison window (the API's like-for-like `comparison`): relative for
 * counts, percentage points for rates, days for durations. Undefined when either side has no value.
 */
export function kpiChange(
  lang: Lang,
  key: KpiKey,
  now: Summary,
  before: Comparison,
): { text: string; direction: 'up' | 'down' | 'flat' } | undefined {
  const a = now[key];
  const b = before[key];
  if (a == null || b == null) return undefined;
  const sign = (n: number): string => (n > 0 ? '+' : n < 0 ? '−' : '±');
  const direction = a > b ? 'up' : a < b ? 'down' : 'flat';
  let text: string;
  if (key === 'complaints') {
    if (b === 0) return undefined;
    const rel = (a - b) / b;
    text = sign(rel) + formatPercent(lang, Math.abs(rel));
  } else if (key === 'medianDaysToCloseKM') {
    text = sign(a - b) + t(lang, 'kpi.days', formatNumber(lang, Math.abs(a - b), 1));
  } else {
    text = `${sign(a - b)}${formatNumber(lang, Math.abs(a - b) * 100, 1)} pp`;
  }
  return { text: `${text} ${t(lang, 'kpi.vsWindow', windowWords(lang, before))}`, direction };
}

/** A month of the trend, with its durations for the chart's data table (KM and over closed cases only). */
export type TrendRow = TrendPoint & { timeToClose: string; medianClosed: string; openShare: number | null };

export function trendPoints(lang: Lang, items: Schemas['StatsTrend']['items']): TrendRow[] {
  return items.map((i) => ({
    start: i.start,
    period: i.period,
    value: i.complaints,
    incomplete: i.incomplete,
    timeToClose: days(lang, i.medianDaysToCloseKM, i),
    medianClosed: i.medianDaysToClose == null ? '—' : t(lang, 'kpi.days', formatNumber(lang, i.medianDaysToClose, 1)),
    openShare: i.openShare,
    tip: `${i.period}: ${formatNumber(lang, i.complaints)}${i.incomplete ? ` (${t(lang, 'chart.incomplete')})` : ''}`,
  }));
}

/** "41.0 % — 1 230 of 3 000" */
const shareTip = (lang: Lang, share: number | null, count: number, of: number): string =>
  `${formatPercent(lang, share)} — ${t(lang, 'words.of', formatNumber(lang, count), formatNumber(lang, of))}`;

/** Closure reasons, share of closed; `openShare` is the filter's (the summary's): provisional while above 0. */
export function closureRows(
  lang: Lang,
  o: Schemas['StatsOutcomes'],
  openShare?: number | null,
): (BarRow & { code: string; count: number })[] {
  return o.closures.map((c) => ({
    code: c.closure,
    label: codeLabel(lang, c.closure),
    value: c.share ?? 0,
    count: c.count,
    tip: withProvisional(lang, shareTip(lang, c.share, c.count, o.closed), openShare),
  }));
}

/**
 * The `limit` codes with most complaints, share of all complaints in the filter; labels from the
 * shared code lists in `lang` (the API's labels are English).
 */
export function topCodeRows(
  lang: Lang,
  items: Schemas['StatsByCode']['items'],
  total: number,
  label: (code: string) => string,
  limit = 10,
): (BarRow & { code: string; share: number | null })[] {
  return [...items]
    .sort((a, b) => b.complaints - a.complaints)
    .slice(0, limit)
    .map((i) => ({
      code: i.code,
      label: label(i.code),
      value: i.complaints,
      share: i.share,
      tip: shareTip(lang, i.share, i.complaints, total),
    }));
}
