-- GET /stats/summary
SELECT
{{additive_measures}},
{{adr_measures}}
FROM complaint_facts
WHERE {{where}}
