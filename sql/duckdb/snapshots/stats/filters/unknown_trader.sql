WITH per_bucket AS (
  SELECT close_cc, sum(n) AS n, sum(COLUMNS('^x_')) AS '\0'
  FROM (SELECT n, closure, trader_decision, adr_result, refusal_ground, close_cc,
  n * (x_bits & 1) AS "x_cross_border",
  n * ((x_bits >> 1) & 1) AS "x_closed",
  n * ((x_bits >> 2) & 1) AS "x_resolved",
  n * ((x_bits >> 3) & 1) AS "x_sent",
  n * ((x_bits >> 4) & 1) AS "x_replied",
  n * ((x_bits >> 5) & 1) AS "x_timely",
  n * ((x_bits >> 6) & 1) AS "x_agreed",
  n * ((x_bits >> 7) & 1) AS "x_accepted",
  n * ((x_bits >> 8) & 1) AS "x_refused",
  n * ((x_bits >> 9) & 1) AS "x_outcome",
  n * ((x_bits >> 10) & 1) AS "x_discontinued",
  n * ((x_bits >> 11) & 1) AS "x_within_90",
  n * ((x_bits >> 12) & 1) AS "x_compliance",
  n * ((x_bits >> 13) & 1) AS "x_complied",
  n * ((x_bits >> 14) & 1) AS "x_overdue"
FROM (
  SELECT g.n, (c.x_bits + 16384 * c.x_overdue)::INTEGER AS x_bits,
         c.closure, c.trader_decision, c.adr_result, c.refusal_ground, c.close_cc
  FROM (
    SELECT x_class, count(*) AS n
    FROM "complaint_facts"
    WHERE false
    GROUP BY ALL
  ) g
  JOIN flag_classes c USING (x_class)
))
  GROUP BY close_cc
)
SELECT
  coalesce(sum("n"), 0)::INTEGER AS "complaints",
  coalesce(sum("x_cross_border"), 0)::INTEGER AS "crossBorder",
  sum(x_cross_border) / nullif(sum(n), 0) AS "crossBorderShare",
  coalesce(sum("x_closed"), 0)::INTEGER AS "closed",
  coalesce(sum("x_resolved"), 0)::INTEGER AS "resolved",
  sum(x_resolved) / nullif(sum(x_closed), 0) AS "resolutionRate",
  coalesce(sum("x_sent"), 0)::INTEGER AS "sentToTrader",
  coalesce(sum("x_replied"), 0)::INTEGER AS "traderReplied",
  sum(x_replied) / nullif(sum(x_sent), 0) AS "traderResponseRate",
  sum(x_timely) / nullif(sum(x_sent), 0) AS "timelyTraderResponseRate",
  coalesce(sum("x_agreed"), 0)::INTEGER AS "adrAgreed",
  sum(x_agreed) / nullif(sum(n), 0) AS "adrAgreementRate",
  coalesce(sum("x_overdue"), 0)::INTEGER AS "overdue",
  (sum(n) - sum(x_closed)) / nullif(sum(n), 0) AS "openShare",
  coalesce(sum("x_agreed"), 0)::INTEGER AS "adrReceived",
  coalesce(sum("x_accepted"), 0)::INTEGER AS "adrAccepted",
  coalesce(sum("x_refused"), 0)::INTEGER AS "adrRefused",
  sum(x_refused) / nullif(sum(x_accepted) + sum(x_refused), 0) AS "adrRefusalRate",
  coalesce(sum("x_outcome"), 0)::INTEGER AS "adrOutcomes",
  coalesce(sum("x_discontinued"), 0)::INTEGER AS "adrDiscontinued",
  sum(x_discontinued) / nullif(sum(x_accepted), 0) AS "adrDiscontinuedShare",
  any_value(adr_us_sum) / 86400e6 / nullif(any_value(adr_n), 0) AS "adrAverageDays",
  sum(x_within_90) / nullif(any_value(adr_n), 0) AS "adrWithin90DaysShare",
  coalesce(sum("x_compliance"), 0)::INTEGER AS "complianceReported",
  sum(x_complied) / nullif(sum(x_compliance), 0) AS "complianceRate",
  list({'b': close_cc, 'n': n} ORDER BY close_cc) FILTER (WHERE close_cc IS NOT NULL) AS "closeHistogram"
FROM per_bucket, (SELECT sum(adr_us) AS adr_us_sum, count(adr_us) AS adr_n
FROM adr_facts
WHERE false)
-- parameters: []
