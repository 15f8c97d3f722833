-- GET /stats/trend: the measures per UTC month, quarter or year of filing.
-- {{interval}}: month | quarter | year (checked by the API).
SELECT
  strftime(date_trunc('{{interval}}', filed_at), '%Y-%m-%d') AS "start",
{{measures}}
FROM complaint_facts
WHERE {{where}}
GROUP BY date_trunc('{{interval}}', filed_at)
ORDER BY 1
