-- The trader benchmark's inputs (domain.md §4): $trader and every possible peer with complaints filed in the year,
-- its sector (the sector most of its complaints name; ties: its registered sector, then
-- alphabetical) and its measures. The service picks the peers and withholds what it must.
WITH all_year AS (
  SELECT * FROM complaint_facts
  WHERE filed_at >= make_timestamp($year, 1, 1, 0, 0, 0) AND filed_at < make_timestamp($year + 1, 1, 1, 0, 0, 0)
),
-- Only traders that can be $trader's peers: a trader's sector is one its complaints name, so a
-- peer has complaints in one of the sectors $trader's complaints (or registration) name.
target_sectors AS (
  SELECT sector FROM all_year WHERE trader_id = $trader
  UNION SELECT sector FROM traders WHERE id = $trader AND sector IS NOT NULL
),
year_facts AS (
  SELECT * FROM all_year
  WHERE trader_id IN (SELECT trader_id FROM all_year WHERE sector IN (SELECT sector FROM target_sectors))
),
sector_counts AS (
  SELECT f.trader_id, f.sector, count(*) AS n,
         row_number() OVER (PARTITION BY f.trader_id
                            ORDER BY count(*) DESC, coalesce(f.sector = any_value(t.sector), false) DESC, f.sector) AS pick
  FROM year_facts f LEFT JOIN traders t ON t.id = f.trader_id
  GROUP BY f.trader_id, f.sector
),
measures AS (
  SELECT trader_id,
{{measures}},
{{quantile_cont}}
  FROM year_facts
  GROUP BY trader_id
)
SELECT m.trader_id AS "traderId", s.sector AS "sector", m.* EXCLUDE (trader_id)
FROM measures m JOIN sector_counts s ON s.trader_id = m.trader_id AND s.pick = 1
