-- The counts /stats/outcomes divides by, and the ADR measures: no quantile, so one cheap scan.
SELECT
  coalesce(sum(x_closed), 0)::INTEGER AS "closed",
  coalesce(sum(x_replied), 0)::INTEGER AS "traderReplied",
{{adr_measures}}
FROM complaint_facts
WHERE {{where}}
