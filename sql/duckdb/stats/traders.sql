-- GET /stats/traders: the regulators' trader table, traders ranked by complaints.
-- Aggregated before the name is joined, so the filters only ever see complaint_facts' columns.
WITH ranked AS (
  SELECT
    trader_id AS "traderId",
{{measures}}
  FROM complaint_facts
  WHERE {{where}}
  GROUP BY trader_id
  ORDER BY "complaints" DESC, "traderId"
  LIMIT $limit
)
SELECT r.*, t.name AS "name", t.country AS "country"
FROM ranked r LEFT JOIN traders t ON t.id = r."traderId"
ORDER BY r."complaints" DESC, r."traderId"
