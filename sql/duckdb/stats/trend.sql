-- GET /stats/trend: the measures per UTC month, quarter or year of filing.
-- {{interval}}: month | quarter | year (checked by the API): the filed_<interval> column.
WITH m AS (
  SELECT
    filed_{{interval}} AS period,
{{measures}},
    histogram(dtc_bucket) AS dtc_histogram
  FROM complaint_facts
  WHERE {{where}}
  GROUP BY filed_{{interval}}
)
SELECT strftime(m.period, '%Y-%m-%d') AS "start", m.* EXCLUDE (period, dtc_histogram), q."medianDaysToClose", q."p90DaysToClose"
FROM m
LEFT JOIN ({{quantiles(filed_{{interval}} | SELECT period AS g, dtc_histogram FROM m)}}) q ON q.g = m.period
ORDER BY 1
