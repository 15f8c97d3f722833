-- GET /stats/countries, /stats/sectors, /stats/problems: the measures per value of one column.
WITH m AS (
  SELECT
    {{dimension}} AS "key",
{{measures}},
    histogram(dtc_bucket) AS dtc_histogram
  FROM complaint_facts
  WHERE {{where}}
  GROUP BY 1
)
SELECT m.* EXCLUDE (dtc_histogram), q."medianDaysToClose", q."p90DaysToClose"
FROM m
LEFT JOIN ({{quantiles({{dimension}} | SELECT "key" AS g, dtc_histogram FROM m)}}) q ON q.g = m."key"
ORDER BY m."complaints" DESC, m."key"
