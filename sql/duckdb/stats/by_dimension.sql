-- GET /stats/countries, /stats/sectors, /stats/problems and /stats/trend (trend.sql):
-- the measures per value of one column. The measures sum flag groups; the quantiles need every
-- value, so they scan the rows again (two aggregates of one filter, joined per value).
WITH measured AS (
  SELECT "key",
{{measures}}
  FROM ({{flag_groups}})
  GROUP BY "key"
),
quantiles AS (
  SELECT {{group}} AS "key",
{{close_quantiles}}
  FROM complaint_facts
  WHERE {{where}}
  GROUP BY 1
)
SELECT m.*, q."medianDaysToClose", q."p90DaysToClose"
FROM measured m LEFT JOIN quantiles q USING ("key")
-- Ties by the key as text: an ENUM column sorts in its code list's order, not alphabetically.
ORDER BY "complaints" DESC, CAST("key" AS VARCHAR)
