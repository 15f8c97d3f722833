SELECT strftime(make_date(CAST(("key" * 3) // 12 AS INTEGER), CAST(("key" * 3) % 12 + 1 AS INTEGER), 1), '%Y-%m-%d') AS "start",
       *
FROM (WITH per_bucket AS (
  SELECT "key", close_cc, sum(n) AS n, sum(COLUMNS('^x_')) AS '\0'
  FROM (SELECT "key", n, close_cc,
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
  SELECT g."key", g.n, c.close_cc, (c.x_bits + 16384 * c.x_overdue)::INTEGER AS x_bits
  FROM (
    SELECT "filed_quarter" AS "key", x_class, count(*) AS n
    FROM complaint_facts
    WHERE true
    GROUP BY ALL
  ) g
  JOIN flag_classes c USING (x_class)
))
  GROUP BY "key", close_cc
)
SELECT "key",
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
  "key" AS "code",
  list({'b': close_cc, 'n': n} ORDER BY close_cc) FILTER (WHERE close_cc IS NOT NULL) AS "closeHistogram"
FROM per_bucket
GROUP BY "key"
ORDER BY "complaints" DESC, CAST("key" AS VARCHAR))
ORDER BY 1
-- parameters: []
