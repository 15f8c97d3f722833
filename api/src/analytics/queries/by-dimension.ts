/**
 * GET /stats/countries, /stats/sectors, /stats/problems, /stats/trend (trend.ts) and the listed
 * traders' measures (traders.ts): the measures per value of one column (over flag groups) and each
 * value's close-time histogram per coarse close bucket, which medianDaysToClose and p90DaysToClose
 * start from (../close-quantiles.ts), both from one scan: the flag class carries the bucket.
 */
import { MEASURES, selected } from '../../../../core/analytics/measures-sql.js';
import { sql, type Statement } from '../../../../core/duckdb/duck-sql.js';
import { closeHistogram, type HistogramRow } from './close-quantiles.js';
import type { Where } from './filters.js';
import { flagGroups, groupCode, type GroupColumn, type GroupKey } from './flag-groups.js';
import type { MeasureRow } from './measure-rows.js';

/** One value's row: its key, its code (the integer close-quantiles.ts keys groups by), measures and histogram. */
export type DimensionRow<K> = { key: K; code: number } & MeasureRow & HistogramRow;

export function byDimension<C extends GroupColumn>(column: C, where: Where): Statement<DimensionRow<GroupKey[C]>> {
  // The flag groups are first summed per (value, coarse bucket), so that one aggregate gives
  // both: the measures sum those sums. Reading the flag groups twice instead (a CTE joined back)
  // costs about twice as much.
  // Ties by the key as text: an ENUM column sorts in its code list's order, not alphabetically.
  return sql<DimensionRow<GroupKey[C]>>`WITH per_bucket AS (
  SELECT "key", close_cc, sum(n) AS n, sum(COLUMNS('^x_')) AS '\\0'
  FROM (${flagGroups(column, where)})
  GROUP BY "key", close_cc
)
SELECT "key",
  ${selected(MEASURES)},
  ${groupCode(column, sql.id('key'))} AS "code",
  ${closeHistogram} AS "closeHistogram"
FROM per_bucket
GROUP BY "key"
ORDER BY "complaints" DESC, CAST("key" AS VARCHAR)`;
}
