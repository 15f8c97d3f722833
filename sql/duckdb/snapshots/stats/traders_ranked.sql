WITH counted AS (
  SELECT trader_key, count(*) AS n
  FROM complaint_facts
  WHERE true
  GROUP BY trader_key
)
SELECT c.trader_key, k.trader_id AS "traderId", t.name AS "name", t.country AS "country"
FROM counted c
JOIN trader_keys k USING (trader_key)
LEFT JOIN traders t ON t.id = k.trader_id
ORDER BY c.n DESC, k.trader_id
LIMIT $1
-- parameters: [50]
