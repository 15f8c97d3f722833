SELECT
  stage::VARCHAR AS "stage",
  count(*)::INTEGER AS "open",
  coalesce(sum(x_overdue), 0)::INTEGER AS "overdue"
FROM open_facts
WHERE (true)
GROUP BY 1
-- parameters: []
