WITH ranked AS (
  SELECT c.trader_key, k.trader_id AS "traderId", c."count"
  FROM (
    SELECT trader_key, count(*)::INTEGER AS "count"
    FROM adr_facts
    WHERE adr_body_key = 3 AND agreed_at >= make_timestamp($1, 1, 1, 0, 0, 0) AND agreed_at < make_timestamp($2 + 1, 1, 1, 0, 0, 0)
    GROUP BY trader_key
  ) c
  JOIN trader_keys k USING (trader_key)
  ORDER BY c."count" DESC, "traderId"
  LIMIT $3
)
SELECT r."traderId", r."count", t.name AS "name"
FROM ranked r LEFT JOIN traders t ON t.id = r."traderId"
ORDER BY r."count" DESC, r."traderId"
-- parameters: [2023,2024,10]
