-- GET /stats/trend: the measures per UTC month, quarter or year of filing.
-- {{interval}}: month | quarter | year (checked by the API): the filed_<interval> column.
SELECT
  strftime(filed_{{interval}}, '%Y-%m-%d') AS "start",
{{measures}}
FROM complaint_facts
WHERE {{where}}
GROUP BY filed_{{interval}}
ORDER BY 1
