-- GET /stats/summary: the measures over the set's flag groups (set_groups.sql) and its
-- close-time histogram per coarse close bucket (the classes carry it), which medianDaysToClose
-- and p90DaysToClose start from (api/src/analytics/close-quantiles.ts; the whole set is group 0).
-- As by_dimension.sql: the groups summed per coarse bucket first, so that one aggregate gives both.
WITH per_bucket AS (
  SELECT close_cc, sum(n) AS n, sum(COLUMNS('^x_')) AS '\0'
  FROM ({{set_groups}})
  GROUP BY close_cc
)
SELECT
{{measures}},
{{adr_measures}},
  list({'b': close_cc, 'n': n} ORDER BY close_cc) FILTER (WHERE close_cc IS NOT NULL) AS "closeHistogram"
FROM per_bucket, ({{adr_days}})
