-- GET /stats/summary
WITH m AS (
  SELECT
{{measures}},
{{adr_measures}},
    histogram(dtc_bucket) AS dtc_histogram
  FROM complaint_facts
  WHERE {{where}}
)
SELECT m.* EXCLUDE (dtc_histogram), q."medianDaysToClose", q."p90DaysToClose"
FROM m
LEFT JOIN ({{quantiles(0 | SELECT 0 AS g, dtc_histogram FROM m)}}) q ON true
