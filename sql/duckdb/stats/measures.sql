-- The measures of domain.md §4 over the rows of one group: the only place they are defined for
-- analytics. Ratios divide by nullif(…, 0), so an empty denominator gives null, never 0 or NaN.
-- {{reply_seconds}}: TRADER_REPLY_DAYS × 86 400 (an integer from the configuration).
count(*)::INTEGER AS "complaints",
count(*) FILTER (WHERE cross_border)::INTEGER AS "crossBorder",
count(*) FILTER (WHERE cross_border) / nullif(count(*), 0) AS "crossBorderShare",
count(*) FILTER (WHERE status = 'closed')::INTEGER AS "closed",
count(*) FILTER (WHERE closure IN ('settled_directly', 'adr_outcome'))::INTEGER AS "resolved",
count(*) FILTER (WHERE closure IN ('settled_directly', 'adr_outcome')) / nullif(count(*) FILTER (WHERE status = 'closed'), 0) AS "resolutionRate",
count(*) FILTER (WHERE sent_at IS NOT NULL)::INTEGER AS "sentToTrader",
count(*) FILTER (WHERE replied_at IS NOT NULL)::INTEGER AS "traderReplied",
count(*) FILTER (WHERE replied_at IS NOT NULL) / nullif(count(*) FILTER (WHERE sent_at IS NOT NULL), 0) AS "traderResponseRate",
count(*) FILTER (WHERE reply_seconds <= {{reply_seconds}}) / nullif(count(*) FILTER (WHERE sent_at IS NOT NULL), 0) AS "timelyTraderResponseRate",
count(*) FILTER (WHERE agreed_at IS NOT NULL)::INTEGER AS "adrAgreed",
count(*) FILTER (WHERE agreed_at IS NOT NULL) / nullif(count(*), 0) AS "adrAgreementRate",
quantile_cont(days_to_close, 0.5) AS "medianDaysToClose",
quantile_cont(days_to_close, 0.9) AS "p90DaysToClose",
count(*) FILTER (WHERE status = 'open' AND due_at < (SELECT finished_at FROM snapshot))::INTEGER AS "overdue"
