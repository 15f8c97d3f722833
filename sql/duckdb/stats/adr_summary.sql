-- The ADR report's counts and ADR measures: the cases the body received, in adr_facts
-- (analytics.service.ts fills {{facts}} in). No quantile: one cheap scan.
SELECT
  coalesce(sum(x_closed), 0)::INTEGER AS "closed",
  coalesce(sum(x_replied), 0)::INTEGER AS "traderReplied",
  coalesce(sum(x_cross_border), 0)::INTEGER AS "crossBorder",
{{adr_measures}}
FROM ({{set_groups}}), ({{adr_days}})
