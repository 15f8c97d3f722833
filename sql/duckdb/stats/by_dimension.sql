-- GET /stats/countries, /stats/sectors, /stats/problems: the measures per value of one column.
SELECT
  {{dimension}} AS "key",
{{measures}}
FROM complaint_facts
WHERE {{where}}
GROUP BY 1
ORDER BY "complaints" DESC, "key"
