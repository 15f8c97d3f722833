-- GET /stats/outcomes: how many cases fall in each value of one column (nulls left out).
SELECT {{column}} AS "key", count(*)::INTEGER AS "count"
FROM complaint_facts
WHERE ({{where}}) AND {{column}} IS NOT NULL
GROUP BY 1
ORDER BY 2 DESC, 1
