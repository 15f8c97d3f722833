DELETE FROM trader_years WHERE true
-- parameters: []

DELETE FROM trader_years t USING touched_trader_years x
WHERE NOT true AND x.trader_id = t.trader_id AND x.filed_year = t.year
-- parameters: []

INSERT INTO trader_years
WITH scope AS (
  SELECT f.* FROM complaint_facts f WHERE true
  UNION ALL
  SELECT f.* FROM complaint_facts f JOIN touched_trader_years x ON x.trader_key = f.trader_key AND x.filed_year = f.filed_year
  WHERE NOT true
),
units AS (
  SELECT trader_key, filed_year::INTEGER AS year, sector, close_us, 1 AS n, x_bits,
         adr_us AS adr_us_sum, (adr_us IS NOT NULL)::INTEGER AS adr_n
  FROM scope
),
measured AS (
  SELECT trader_key, year,
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
  quantile_cont(close_us, [0.5, 0.9])[1] / 86400e6 AS "medianDaysToClose",
  quantile_cont(close_us, [0.5, 0.9])[2] / 86400e6 AS "p90DaysToClose"
  FROM (SELECT trader_key, year, close_us, n, n * (x_bits & 1) AS "x_cross_border", n * ((x_bits >> 1) & 1) AS "x_closed", n * ((x_bits >> 2) & 1) AS "x_resolved", n * ((x_bits >> 3) & 1) AS "x_sent", n * ((x_bits >> 4) & 1) AS "x_replied", n * ((x_bits >> 5) & 1) AS "x_timely", n * ((x_bits >> 6) & 1) AS "x_agreed", n * ((x_bits >> 7) & 1) AS "x_accepted", n * ((x_bits >> 8) & 1) AS "x_refused", n * ((x_bits >> 9) & 1) AS "x_outcome", n * ((x_bits >> 10) & 1) AS "x_discontinued", n * ((x_bits >> 11) & 1) AS "x_within_90", n * ((x_bits >> 12) & 1) AS "x_compliance", n * ((x_bits >> 13) & 1) AS "x_complied", n * ((x_bits >> 14) & 1) AS "x_overdue", adr_us_sum, adr_n FROM units)
  GROUP BY trader_key, year
),
picks AS (
  SELECT c.trader_key, c.year, c.sector,
         row_number() OVER (PARTITION BY c.trader_key, c.year
                            ORDER BY c.n DESC, coalesce(c.sector = t.sector, false) DESC, c.sector) AS pick
  FROM (SELECT trader_key, year, sector::VARCHAR AS sector, n FROM (SELECT trader_key, year, sector, count(*) AS n FROM units GROUP BY ALL)) c
  JOIN trader_keys k USING (trader_key)
  LEFT JOIN traders t ON t.id = k.trader_id
)
SELECT k.trader_id, m.year, p.sector, m."complaints", m."closed", m."resolutionRate", m."traderResponseRate", m."medianDaysToClose"
FROM measured m
JOIN picks p ON p.trader_key = m.trader_key AND p.year = m.year AND p.pick = 1
JOIN trader_keys k ON k.trader_key = m.trader_key
-- parameters: []
