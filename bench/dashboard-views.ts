/**
 * bench/dashboard's views and filters: the API requests each measured view makes for a filter (as
 * dashboard/src/views/*.svelte ask them), how many cards and tiles it settles, where its page
 * shows the filter's count of complaints; and the walk of consumer country × sector filters that
 * hands every measurement a combination not asked before in the run.
 */

export type Query = Record<string, string>;

export interface MeasuredView {
  name: 'Overview' | 'Countries' | 'Resolution';
  path: string;
  /** chart cards and KPI tiles on the page, every one of them settled (aria-busy="false") when it shows its answer */
  cards: number;
  tiles: number;
  /** the analytics requests the view makes for the filters `query` */
  requests(query: Query): string[];
  /**
   * The element that shows the filter's count of complaints (its text, or `attribute`'s value,
   * holds the count as the first number): absent when no complaint matches (an empty card).
   */
  figure: { selector: string; attribute?: string };
}

const qs = (query: Query, extra: Query = {}): string => new URLSearchParams({ ...query, ...extra }).toString();

export const OVERVIEW: MeasuredView = {
  name: 'Overview',
  path: '/',
  cards: 4,
  tiles: 5,
  // The summary compares with the period before only when the filters have a `from`.
  requests: (q) => [
    `/api/v1/stats/summary?${qs(q, q.from ? { compare: 'previous_period' } : {})}`,
    `/api/v1/stats/trend?${qs(q, { interval: 'month' })}`,
    `/api/v1/stats/outcomes?${qs(q)}`,
    `/api/v1/stats/sectors?${qs(q)}`,
    `/api/v1/stats/problems?${qs(q)}`,
  ],
  figure: { selector: '[data-testid="kpi-complaints-value"]' },
};

export const COUNTRIES: MeasuredView = {
  name: 'Countries',
  path: '/countries',
  cards: 2,
  tiles: 0,
  // The consumer side (the view's default); the map's shapes are a chunk loaded once with the view.
  requests: (q) => [`/api/v1/stats/countries?${qs(q, { side: 'consumer' })}`],
  // Filtered by one consumer country, the ranked bars hold one bar: that country's complaints.
  figure: { selector: '[data-testid="countries-bars"] .chart .mark-rect path[aria-label]', attribute: 'aria-label' },
};

export const RESOLUTION: MeasuredView = {
  name: 'Resolution',
  path: '/resolution',
  cards: 6,
  tiles: 0,
  requests: (q) => [
    `/api/v1/stats/summary?${qs(q)}`,
    `/api/v1/stats/outcomes?${qs(q)}`,
    `/api/v1/stats/overdue?${qs(q)}`,
    `/api/v1/stats/trend?${qs(q, { interval: 'month' })}`,
  ],
  // The funnel's first step: the complaints filed.
  figure: { selector: 'section.card .chart .mark-rect path[aria-label*="label: Filed;"]', attribute: 'aria-label' },
};

export const MEASURED_VIEWS: readonly MeasuredView[] = [OVERVIEW, COUNTRIES, RESOLUTION];

/** The first number in a text ("1,234", "Complaints: 1,234; label: …"), or null. */
export function firstNumber(text: string | null): number | null {
  const m = /\d[\d,]*/.exec(text ?? '');
  return m ? Number(m[0].replace(/,/g, '')) : null;
}

/** A filter the walk visits: a consumer country and a sector. */
export interface Pair {
  consumerCountry: string;
  sector: string;
}
export const queryOf = (p: Pair): Query => ({ consumerCountry: p.consumerCountry, sector: p.sector });
export const pairKey = (p: Pair): string => `${p.consumerCountry}×${p.sector}`;

/** One in-page filter change: the select the user changes, its new value, and the filters after it. */
export interface Step {
  select: 'consumerCountry' | 'sector';
  value: string;
  to: Pair;
}

export interface Walk {
  /** the filters the view is opened with (not measured) */
  start: Pair;
  /** one filter change per measurement, each to a pair never visited before */
  steps: Step[];
  /** as many pairs for the baseline, from the same countries, none of them the page's */
  baseline: Pair[];
}

/**
 * The filters a view's page walks through, and its baseline's: one row per consumer country of
 * `countries`, the page on the even sectors of `sectors`, the baseline on the odd ones (so both
 * meet the same countries and sectors of like size, never the same pair). The page snakes: along
 * a row it changes the sector (two places on), then the country (the sector kept), then back along
 * the next row, so every step is one choice in one select and lands on a pair not visited before.
 */
export function walk(countries: readonly string[], sectors: readonly string[], changes: number): Walk {
  const even = sectors.filter((_, i) => i % 2 === 0);
  const odd = sectors.filter((_, i) => i % 2 === 1);
  const pairs: Pair[] = [];
  const baseline: Pair[] = [];
  for (const [row, consumerCountry] of countries.entries()) {
    const along = row % 2 === 0 ? even : [...even].reverse();
    for (const sector of along) pairs.push({ consumerCountry, sector });
    for (const sector of odd) baseline.push({ consumerCountry, sector });
    if (pairs.length > changes) break;
  }
  if (pairs.length <= changes || baseline.length < changes)
    throw new Error(`${changes} changes need more than ${countries.length} countries × ${sectors.length} sectors`);
  const steps = pairs.slice(1, changes + 1).map((to, i): Step => {
    const from = pairs[i]!;
    return from.consumerCountry !== to.consumerCountry
      ? { select: 'consumerCountry', value: to.consumerCountry, to }
      : { select: 'sector', value: to.sector, to };
  });
  return { start: pairs[0]!, steps, baseline: baseline.slice(0, changes) };
}

/**
 * Every walk of the run from one list of countries (largest first) and sectors (largest first):
 * the views take the countries in turn (view k the k-th, the (k + n)-th …), so each meets large
 * and smaller ones alike and no two walks share a pair.
 */
export function walks(views: number, countries: readonly string[], sectors: readonly string[], changes: number): Walk[] {
  return Array.from({ length: views }, (_, k) =>
    walk(
      countries.filter((_, i) => i % views === k),
      sectors,
      changes,
    ),
  );
}
