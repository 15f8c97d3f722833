-- The counts /stats/outcomes and the ADR report divide by, and the ADR measures: no quantile,
-- so one cheap scan.
SELECT
  coalesce(sum(x_closed), 0)::INTEGER AS "closed",
  coalesce(sum(x_replied), 0)::INTEGER AS "traderReplied",
  coalesce(sum(x_cross_border), 0)::INTEGER AS "crossBorder",
{{adr_measures}}
FROM ({{set_groups}})
