-- GET /stats/summary
SELECT
{{measures}},
{{adr_measures}}
FROM complaint_facts
WHERE {{where}}
