-- GET /stats/traders: the regulators' trader table, traders ranked by complaints.
SELECT
  f.trader_id AS "traderId",
  any_value(t.name) AS "name",
  any_value(t.country) AS "country",
{{measures}}
FROM complaint_facts f
LEFT JOIN traders t ON t.id = f.trader_id
WHERE {{where}}
GROUP BY f.trader_id
ORDER BY "complaints" DESC, "traderId"
LIMIT $limit
