/**
 * The global filters. Their state IS the URL query, under the API's parameter names, so a view
 * can be shared by link and back/forward restore it; these are the pure conversions between the
 * query, the API's query object and words ("consumers in Italy, cross-border, 2024").
 */
import { countryName, formatDate, problemLabel, sectorLabel, t, type Lang } from './i18n.js';

export const FILTER_KEYS = ['from', 'to', 'consumerCountry', 'traderCountry', 'sector', 'problem', 'crossBorder'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export interface Filters {
  from?: string;
  to?: string;
  consumerCountry?: string;
  traderCountry?: string;
  sector?: string;
  problem?: string;
  crossBorder?: 'true' | 'false';
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The filters in a URL query; unknown or malformed values are dropped, not sent to the API. */
export function filtersFromQuery(query: URLSearchParams): Filters {
  const f: Filters = {};
  for (const key of FILTER_KEYS) {
    const v = query.get(key)?.trim();
    if (!v) continue;
    if (key === 'from' || key === 'to') {
      if (DATE.test(v)) f[key] = v;
    } else if (key === 'crossBorder') {
      if (v === 'true' || v === 'false') f.crossBorder = v;
    } else {
      f[key] = v;
    }
  }
  return f;
}

/** A copy of `query` with `changes` applied (undefined or '' removes the key). */
export function withParams(query: URLSearchParams, changes: Record<string, string | undefined>): URLSearchParams {
  const next = new URLSearchParams(query);
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined || v === '') next.delete(k);
    else next.set(k, v);
  }
  return next;
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * The period of equal length just before [from, to) — what a KPI's change is measured against.
 * Whole months (both ends on the 1st) shift by calendar months, so 2024 compares with 2023 and
 * not with a 366-day span; other periods shift by their number of days. Undefined without both
 * ends (an open period has no length to repeat).
 */
export function previousPeriod(f: Filters): { from: string; to: string } | undefined {
  if (!f.from || !f.to) return undefined;
  const from = new Date(`${f.from}T00:00:00Z`);
  const to = new Date(`${f.to}T00:00:00Z`);
  if (!(to.getTime() > from.getTime())) return undefined;
  if (from.getUTCDate() === 1 && to.getUTCDate() === 1) {
    const months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();
    return { from: isoDay(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() - months, 1)), to: f.from };
  }
  const days = Math.round((to.getTime() - from.getTime()) / DAY_MS);
  return { from: isoDay(from.getTime() - days * DAY_MS), to: f.from };
}

/** One active filter as a chip's words. */
export function filterChipLabel(lang: Lang, key: FilterKey, value: string): string {
  switch (key) {
    case 'from':
      return t(lang, 'words.filedFrom', formatDate(lang, value));
    case 'to':
      return t(lang, 'words.filedBefore', formatDate(lang, value));
    case 'consumerCountry':
      return t(lang, 'words.consumersIn', countryName(lang, value));
    case 'traderCountry':
      return t(lang, 'words.tradersIn', countryName(lang, value));
    case 'sector':
      return sectorLabel(lang, value);
    case 'problem':
      return problemLabel(lang, value);
    case 'crossBorder':
      return t(lang, value === 'true' ? 'words.crossBorder' : 'words.domestic');
  }
}

export function activeFilters(f: Filters): [FilterKey, string][] {
  return FILTER_KEYS.flatMap((k) => (f[k] ? [[k, f[k]] as [FilterKey, string]] : []));
}

/** The filters in words, for chart titles and empty states; "all complaints" when none. */
export function describeFilters(lang: Lang, f: Filters): string {
  const parts = activeFilters(f).map(([k, v]) => filterChipLabel(lang, k, v));
  return parts.length ? parts.join(', ') : t(lang, 'words.allComplaints');
}
