-- GET /stats/summary: the measures over flag groups (as flag_groups.sql makes them) and, in the
-- same scan, the closed cases counted per close_bucket: the first step of its quantiles
-- (api/src/analytics/close-quantiles.ts), which otherwise scans the set once more (two grouping
-- sets of one aggregate).
WITH counted AS MATERIALIZED (
  SELECT x_bits, close_bucket, grouping(close_bucket) AS by_flags,
         count(*) AS n, sum(adr_days) AS adr_days_sum, count(adr_days) AS adr_days_n
  FROM complaint_facts
  WHERE {{where}}
  GROUP BY GROUPING SETS ((x_bits), (close_bucket))
)
SELECT
{{measures}},
{{adr_measures}},
  (SELECT list({'b': close_bucket, 'n': n}) FROM counted WHERE by_flags = 0 AND close_bucket IS NOT NULL) AS "closeHistogram"
FROM (SELECT n, {{flag_counts}}, adr_days_sum, adr_days_n FROM counted WHERE by_flags = 1)
