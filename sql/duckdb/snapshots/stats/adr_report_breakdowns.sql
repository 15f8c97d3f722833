SELECT
  CASE WHEN grouping(problem) = 0 THEN 'problem'
       WHEN grouping(sector) = 0 THEN 'sector'
       WHEN grouping(refusal_ground) = 0 THEN 'refusal_ground'
       WHEN grouping(adr_result) = 0 THEN 'adr_result'
       ELSE 'discontinued_reason' END AS "column",
  coalesce(problem::VARCHAR, sector::VARCHAR, refusal_ground::VARCHAR, adr_result::VARCHAR, discontinued_reason::VARCHAR) AS "key",
  count(*)::INTEGER AS "count"
FROM adr_facts
WHERE adr_body_key = 3 AND agreed_at >= make_timestamp($1, 1, 1, 0, 0, 0) AND agreed_at < make_timestamp($2 + 1, 1, 1, 0, 0, 0)
GROUP BY GROUPING SETS ((problem), (sector), (refusal_ground), (adr_result), (discontinued_reason))
HAVING coalesce(problem::VARCHAR, sector::VARCHAR, refusal_ground::VARCHAR, adr_result::VARCHAR, discontinued_reason::VARCHAR) <> ''
ORDER BY 1, 3 DESC, 2
-- parameters: [2023,2024]
