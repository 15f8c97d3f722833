/**
 * The measures of domain.md §4 as DuckDB expressions over flag groups: the only place analytics
 * define them (the API's views and the ETL's trader_years both use these). A flag group is n rows
 * and, per flag, how many of them have it (flagCounts); the measures sum groups as they would sum
 * the flags row by row. Ratios divide by nullif(…, 0): an empty denominator gives null, never 0
 * or NaN. The answer schemas (analytics-answers.ts) name the same measures: the types below tie
 * the two, so a measure added on one side only does not compile.
 */
import type { AdrMeasures, Measures } from '../analytics-answers.js';
import { sql, list, type RawBuilder } from '../duckdb/duck-sql.js';
import { FLAGS } from '../flags.js';

type Expr<T> = RawBuilder<T>;

/** Each flag of x_bits unpacked as a count over a group of n rows: `n * ((x_bits >> k) & 1) AS x_<flag>`. */
export const FLAG_COUNTS: readonly Expr<unknown>[] = FLAGS.map((flag, k) =>
  k === 0 ? sql`n * (x_bits & 1) AS ${sql.id(`x_${flag}`)}` : sql`n * ((x_bits >> ${sql.lit(k)}) & 1) AS ${sql.id(`x_${flag}`)}`,
);

/**
 * FLAG_COUNTS on one line. Its text is part of the ETL's statements, which the store's schema
 * version hashes: a change of layout here rebuilds every store. The API's statements lay
 * FLAG_COUNTS out one a line (api/src/analytics/queries/flag-groups.ts).
 */
export const flagCounts: Expr<unknown> = list(FLAG_COUNTS);

const count = (column: string): Expr<number> => sql<number>`coalesce(sum(${sql.ref(column)}), 0)::INTEGER`;

/**
 * The durations: the quantiles of days to close come from histograms (close-quantiles.ts), their
 * Kaplan–Meier counterparts from a statement of their own (queries/close-km.ts).
 */
type DurationMeasure = 'medianDaysToClose' | 'p90DaysToClose' | 'medianDaysToCloseKM' | 'p90DaysToCloseKM';

/** The measures over flag groups. */
export const MEASURES = {
  complaints: count('n'),
  crossBorder: count('x_cross_border'),
  crossBorderShare: sql<number | null>`sum(x_cross_border) / nullif(sum(n), 0)`,
  closed: count('x_closed'),
  resolved: count('x_resolved'),
  resolutionRate: sql<number | null>`sum(x_resolved) / nullif(sum(x_closed), 0)`,
  sentToTrader: count('x_sent'),
  traderReplied: count('x_replied'),
  traderResponseRate: sql<number | null>`sum(x_replied) / nullif(sum(x_sent), 0)`,
  timelyTraderResponseRate: sql<number | null>`sum(x_timely) / nullif(sum(x_sent), 0)`,
  adrAgreed: count('x_agreed'),
  adrAgreementRate: sql<number | null>`sum(x_agreed) / nullif(sum(n), 0)`,
  overdue: count('x_overdue'),
  openShare: sql<number | null>`(sum(n) - sum(x_closed)) / nullif(sum(n), 0)`,
} satisfies { [K in Exclude<keyof Measures, DurationMeasure>]: Expr<Measures[K]> };

/**
 * ADR measures over the cases an ADR body received (adr_body_agreed = receipt), from flag groups,
 * each beside adr_days' one row (adr_us_sum, adr_n: durations are kept apart, in adr_facts).
 */
export const ADR_MEASURES = {
  adrReceived: count('x_agreed'),
  adrAccepted: count('x_accepted'),
  adrRefused: count('x_refused'),
  adrRefusalRate: sql<number | null>`sum(x_refused) / nullif(sum(x_accepted) + sum(x_refused), 0)`,
  adrOutcomes: count('x_outcome'),
  adrDiscontinued: count('x_discontinued'),
  adrDiscontinuedShare: sql<number | null>`sum(x_discontinued) / nullif(sum(x_accepted), 0)`,
  adrAverageDays: sql<number | null>`any_value(adr_us_sum) / 86400e6 / nullif(any_value(adr_n), 0)`,
  adrWithin90DaysShare: sql<number | null>`sum(x_within_90) / nullif(any_value(adr_n), 0)`,
  complianceReported: count('x_compliance'),
  complianceRate: sql<number | null>`sum(x_complied) / nullif(sum(x_compliance), 0)`,
} satisfies { [K in keyof AdrMeasures]: Expr<AdrMeasures[K]> };

/** The row a record of expressions gives: each name with its expression's type. */
export type SelectedRow<T extends Readonly<Record<string, Expr<unknown>>>> = { [K in keyof T]: T[K] extends Expr<infer V> ? V : never };

/** `expr AS "name"` for each entry, in the record's order, one a line (for a statement that indents them by two). */
export function selected<T extends Readonly<Record<string, Expr<unknown>>>>(exprs: T): Expr<SelectedRow<T>> {
  return list(
    Object.entries(exprs).map(([name, e]) => sql`${e} AS ${sql.id(name)}`),
    sql`,\n  `,
  ).$castTo<SelectedRow<T>>();
}

/**
 * medianDaysToClose and p90DaysToClose (percentile_cont over closed complaints) as one DuckDB
 * aggregate over the integer close_us: for trader_years, which reads each row once anyway. The
 * API's views get the same figures from their groups' close histograms (close-quantiles.ts):
 * quantile_cont gathers and sorts every value, most of a request's time. Over the integer, then
 * divided into days: much faster than over DOUBLE days.
 */
export const CLOSE_QUANTILE_AGGREGATES = {
  medianDaysToClose: sql<number | null>`quantile_cont(close_us, [0.5, 0.9])[1] / 86400e6`,
  p90DaysToClose: sql<number | null>`quantile_cont(close_us, [0.5, 0.9])[2] / 86400e6`,
} satisfies { [K in 'medianDaysToClose' | 'p90DaysToClose']: Expr<Measures[K]> };
