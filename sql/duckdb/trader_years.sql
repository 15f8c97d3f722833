-- trader_years: the benchmark's measures per trader and year, recomputed for the (trader, year)
-- pairs whose complaints this run extracted (touched_trader_years: old and new rows), or for
-- all of them (the runner fills in TRUE on a full run, or when the traders' registered sectors,
-- the tie-break, changed). An increment joins on filed_year so that DuckDB's join filter skips,
-- by the row groups' min/max, the years nothing touched (complaint_facts is ordered by filing).
-- The measures are filled in from stats/measures.sql over flag groups, the median from
-- stats/close_quantiles.sql (defined once).
-- Two deletes rather than `{{all}} OR EXISTS (…)`: with the OR, DuckDB probes every row of
-- trader_years (~0.1 s per increment even when nothing was touched); the join reads only the pairs.
DELETE FROM trader_years WHERE {{all}};
DELETE FROM trader_years t USING touched_trader_years x
WHERE NOT {{all}} AND x.trader_id = t.trader_id AND year(x.filed_year) = t.year;
INSERT INTO trader_years
WITH scope AS (
  SELECT f.* FROM complaint_facts f WHERE {{all}}
  UNION ALL
  SELECT f.* FROM complaint_facts f JOIN touched_trader_years x ON x.trader_id = f.trader_id AND x.filed_year = f.filed_year
  WHERE NOT {{all}}
),
picks AS (
  SELECT f.trader_id, year(f.filed_year) AS year, f.sector,
         row_number() OVER (PARTITION BY f.trader_id, year(f.filed_year)
                            ORDER BY count(*) DESC, coalesce(f.sector = any_value(t.sector), false) DESC, f.sector) AS pick
  FROM scope f LEFT JOIN traders t ON t.id = f.trader_id
  GROUP BY f.trader_id, year(f.filed_year), f.sector
),
flags AS (
  SELECT trader_id, year(filed_year) AS year, x_bits, count(*) AS n, sum(adr_days) AS adr_days_sum, count(adr_days) AS adr_days_n
  FROM scope
  GROUP BY ALL
),
measures AS (
  SELECT trader_id, year,
{{measures}}
  FROM (SELECT trader_id, year, n, {{flag_counts}}, adr_days_sum, adr_days_n FROM flags)
  GROUP BY trader_id, year
),
quantiles AS (
  SELECT trader_id, year(filed_year) AS year,
{{close_quantiles}}
  FROM scope
  GROUP BY ALL
)
SELECT m.trader_id, m.year, p.sector, m."complaints", m."closed", m."resolutionRate", m."traderResponseRate", q."medianDaysToClose"
FROM measures m
JOIN picks p ON p.trader_id = m.trader_id AND p.year = m.year AND p.pick = 1
JOIN quantiles q ON q.trader_id = m.trader_id AND q.year = m.year;
