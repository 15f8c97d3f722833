SELECT trader_id AS "traderId", sector AS "sector", "complaints", "closed", "resolutionRate", "traderResponseRate", "medianDaysToClose"
FROM trader_years
WHERE year = $1
  AND (trader_id = $2
       OR sector = coalesce((SELECT sector FROM trader_years WHERE trader_id = $3 AND year = $4),
                            (SELECT sector FROM traders WHERE id = $5)))
-- parameters: [2024,"T-1","T-1",2024,"T-1"]
