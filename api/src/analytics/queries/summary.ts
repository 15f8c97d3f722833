/**
 * GET /stats/summary: the measures over the set's flag groups and its close-time histogram per
 * coarse close bucket (the classes carry it), which medianDaysToClose and p90DaysToClose start
 * from (../close-quantiles.ts; the whole set is group 0).
 */
import { ADR_MEASURES, MEASURES, selected } from '../../../../core/analytics/measures-sql.js';
import { sql, type Statement } from '../../../../core/duckdb/duck-sql.js';
import { closeHistogram, type HistogramRow } from './close-quantiles.js';
import type { Where } from './filters.js';
import { adrDays, setGroups } from './flag-groups.js';
import type { AdrMeasureRow, MeasureRow } from './measure-rows.js';

export type SummaryRow = MeasureRow & AdrMeasureRow & HistogramRow;

/** One row. */
export function summary(where: Where): Statement<SummaryRow> {
  // As byDimension: the groups summed per coarse bucket first, so that one aggregate gives both.
  return sql<SummaryRow>`WITH per_bucket AS (
  SELECT close_cc, sum(n) AS n, sum(COLUMNS('^x_')) AS '\\0'
  FROM (${setGroups('complaint_facts', where)})
  GROUP BY close_cc
)
SELECT
  ${selected(MEASURES)},
  ${selected(ADR_MEASURES)},
  ${closeHistogram} AS "closeHistogram"
FROM per_bucket, (${adrDays(where)})`;
}
