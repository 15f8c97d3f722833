-- GET /stats/countries, /stats/sectors, /stats/problems and /stats/trend (trend.sql): the
-- measures per value of one column (over flag groups) and each value's close-time histogram,
-- which medianDaysToClose and p90DaysToClose start from (api/src/analytics/close-quantiles.ts),
-- matched by the group's integer code (close_histogram.sql).
WITH measured AS (
  SELECT "key",
{{measures}}
  FROM ({{flag_groups}})
  GROUP BY "key"
),
histograms AS ({{close_histogram}})
SELECT m.*, h."code", h."closeHistogram"
FROM measured m LEFT JOIN histograms h ON h."code" = {{key_code}}
-- Ties by the key as text: an ENUM column sorts in its code list's order, not alphabetically.
ORDER BY "complaints" DESC, CAST(m."key" AS VARCHAR)
