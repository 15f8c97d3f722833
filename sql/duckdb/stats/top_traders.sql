-- The traders named most often in the cases a body received (the ADR report's "systematic
-- problems", over adr_facts),
-- counted per trader_key (an integer groups faster than the id's text); ids and names are
-- joined to the listed few.
WITH ranked AS (
  SELECT c.trader_key, k.trader_id AS "traderId", c."count"
  FROM (
    SELECT trader_key, count(*)::INTEGER AS "count"
    FROM adr_facts
    WHERE {{where}}
    GROUP BY trader_key
  ) c
  JOIN trader_keys k USING (trader_key)
  ORDER BY c."count" DESC, "traderId"
  LIMIT $limit
)
SELECT r."traderId", r."count", t.name AS "name"
FROM ranked r LEFT JOIN traders t ON t.id = r."traderId"
ORDER BY r."count" DESC, r."traderId"
