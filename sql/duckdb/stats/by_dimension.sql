-- GET /stats/countries, /stats/sectors, /stats/problems and /stats/trend (trend.sql): the
-- measures per value of one column (over flag groups) and each value's close-time histogram
-- per coarse close bucket, which medianDaysToClose and p90DaysToClose start from
-- (api/src/analytics/close-quantiles.ts), both from one scan: the flag class carries the bucket.
-- The flag groups are first summed per (value, coarse bucket), so that one aggregate gives both:
-- the measures sum those sums. Reading the flag groups twice instead (a CTE joined back) cost
-- twice as much at 10 M rows by month (90 against 42 ms, measured).
-- "code" is the value as the integer close-quantiles.ts reads groups by.
WITH per_bucket AS (
  SELECT "key", close_cc, sum(n) AS n, sum(COLUMNS('^x_')) AS '\0'
  FROM ({{flag_groups}})
  GROUP BY "key", close_cc
)
SELECT "key",
{{measures}},
  {{key_code}} AS "code",
  list({'b': close_cc, 'n': n} ORDER BY close_cc) FILTER (WHERE close_cc IS NOT NULL) AS "closeHistogram"
FROM per_bucket
GROUP BY "key"
-- Ties by the key as text: an ENUM column sorts in its code list's order, not alphabetically.
ORDER BY "complaints" DESC, CAST("key" AS VARCHAR)
