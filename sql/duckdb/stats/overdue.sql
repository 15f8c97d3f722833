-- GET /stats/overdue: open cases by stage, and those past their stage deadline at the snapshot's time.
SELECT
  stage AS "stage",
  count(*)::INTEGER AS "open",
  count(*) FILTER (WHERE due_at < (SELECT finished_at FROM snapshot))::INTEGER AS "overdue"
FROM complaint_facts
WHERE ({{where}}) AND status = 'open'
GROUP BY 1
