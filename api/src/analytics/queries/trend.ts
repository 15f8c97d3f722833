/**
 * GET /stats/trend: the measures per UTC month, quarter or year of filing: byDimension grouped by
 * the filed_month, filed_quarter or filed_year column, in time order.
 */
import { sql, type Statement } from '../../../../core/duckdb/duck-sql.js';
import type { INTERVALS } from '../../../../core/analytics-answers.js';
import { byDimension, type DimensionRow } from './by-dimension.js';
import type { Where } from './filters.js';

export type Interval = (typeof INTERVALS)[number];

/** Months per trend interval. */
const MONTHS = { month: 1, quarter: 3, year: 12 } as const satisfies Record<Interval, number>;

/** A period's row: its first day (UTC, YYYY-MM-DD) and byDimension's. */
export type TrendRow = { start: string } & DimensionRow<number>;

export function trend(interval: Interval, where: Where): Statement<TrendRow> {
  // A period's number times its months (1, 3 or 12) is its first month's, year · 12 + month − 1
  // (schema.sql).
  const months = sql.lit(MONTHS[interval]);
  return sql<TrendRow>`SELECT strftime(make_date(CAST(("key" * ${months}) // 12 AS INTEGER), CAST(("key" * ${months}) % 12 + 1 AS INTEGER), 1), '%Y-%m-%d') AS "start",
       *
FROM (${byDimension(`filed_${interval}`, where)})
ORDER BY 1`;
}
