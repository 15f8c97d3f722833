-- GET /stats/outcomes: how many cases fall in each value of the outcome columns, in one scan
-- (one grouping set per column; '', no value, left out). The keys are text: the ENUM columns
-- would otherwise not coalesce, nor sort alphabetically.
SELECT
  CASE WHEN grouping(closure) = 0 THEN 'closure'
       WHEN grouping(trader_decision) = 0 THEN 'trader_decision'
       WHEN grouping(adr_result) = 0 THEN 'adr_result'
       WHEN grouping(refusal_ground) = 0 THEN 'refusal_ground'
       ELSE 'discontinued_reason' END AS "column",
  coalesce(closure::VARCHAR, trader_decision::VARCHAR, adr_result::VARCHAR, refusal_ground::VARCHAR, discontinued_reason) AS "key",
  count(*)::INTEGER AS "count"
FROM complaint_facts
WHERE {{where}}
GROUP BY GROUPING SETS ((closure), (trader_decision), (adr_result), (refusal_ground), (discontinued_reason))
HAVING coalesce(closure::VARCHAR, trader_decision::VARCHAR, adr_result::VARCHAR, refusal_ground::VARCHAR, discontinued_reason) <> ''
ORDER BY 1, 3 DESC, 2
