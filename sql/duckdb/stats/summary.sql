-- GET /stats/summary (its quantiles: api/src/analytics/close-quantiles.ts)
SELECT
{{measures}},
{{adr_measures}}
FROM ({{flag_groups}})
