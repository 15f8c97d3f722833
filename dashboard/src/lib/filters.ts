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
