-- The trader benchmark's inputs (domain.md §4): $trader and every trader of its sector in the
-- year (its sector: the one most of its complaints name, else its registered one), from
-- trader_years. The service picks the peers and withholds what it must.
SELECT trader_id AS "traderId", sector AS "sector", "complaints", "closed", "resolutionRate", "traderResponseRate", "medianDaysToClose"
FROM trader_years
WHERE year = $year
  AND (trader_id = $trader
       OR sector = coalesce((SELECT sector FROM trader_years WHERE trader_id = $trader AND year = $year),
                            (SELECT sector FROM traders WHERE id = $trader)))
