-- GET /stats/overdue: open cases by stage, and those past their stage deadline at the snapshot's time.
SELECT
  stage::VARCHAR AS "stage",
  count(*)::INTEGER AS "open",
  coalesce(sum(x_overdue), 0)::INTEGER AS "overdue"
FROM open_facts
WHERE ({{where}})
GROUP BY 1
