-- The measures of domain.md §4 over one group: the only place they are defined for analytics.
-- They read flag groups (flag_groups.sql: n rows, x_… counts of each 0/1 flag that
-- complaint_facts.sql derives); ratios divide by nullif(…, 0), so an empty denominator gives
-- null, never 0 or NaN. medianDaysToClose and p90DaysToClose are in close_quantiles.sql.
coalesce(sum(n), 0)::INTEGER AS "complaints",
coalesce(sum(x_cross_border), 0)::INTEGER AS "crossBorder",
sum(x_cross_border) / nullif(sum(n), 0) AS "crossBorderShare",
coalesce(sum(x_closed), 0)::INTEGER AS "closed",
coalesce(sum(x_resolved), 0)::INTEGER AS "resolved",
sum(x_resolved) / nullif(sum(x_closed), 0) AS "resolutionRate",
coalesce(sum(x_sent), 0)::INTEGER AS "sentToTrader",
coalesce(sum(x_replied), 0)::INTEGER AS "traderReplied",
sum(x_replied) / nullif(sum(x_sent), 0) AS "traderResponseRate",
sum(x_timely) / nullif(sum(x_sent), 0) AS "timelyTraderResponseRate",
coalesce(sum(x_agreed), 0)::INTEGER AS "adrAgreed",
sum(x_agreed) / nullif(sum(n), 0) AS "adrAgreementRate",
coalesce(sum(x_overdue), 0)::INTEGER AS "overdue"
