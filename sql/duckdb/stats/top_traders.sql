-- The traders named most often in a set of cases (the ADR report's "systematic problems").
WITH ranked AS (
  SELECT trader_id AS "traderId", count(*)::INTEGER AS "count"
  FROM complaint_facts
  WHERE {{where}}
  GROUP BY trader_id
  ORDER BY "count" DESC, "traderId"
  LIMIT $limit
)
SELECT r.*, t.name AS "name"
FROM ranked r LEFT JOIN traders t ON t.id = r."traderId"
ORDER BY r."count" DESC, r."traderId"
