-- GET /stats/summary: the measures over the set's flag groups (set_groups.sql) and its
-- close-time histogram, which medianDaysToClose and p90DaysToClose start from
-- (api/src/analytics/close-quantiles.ts; the whole set is group 0).
SELECT
{{measures}},
{{adr_measures}},
  (SELECT "closeHistogram" FROM ({{close_histogram}})) AS "closeHistogram"
FROM ({{set_groups}})
