-- The summary's quantiles over a set of few closed cases (api/src/analytics/close-quantiles.ts,
-- summaryQuantiles): quantile_cont in one scan, as close_quantiles.sql defines it.
SELECT
{{quantiles}}
FROM complaint_facts
WHERE {{where}}
