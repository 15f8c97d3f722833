-- The ADR activity report's breakdowns of the cases a body received (all in adr_facts), in one scan (one grouping
-- set per column; '', no value, left out). The keys are text: the ENUM columns
-- would otherwise not coalesce, nor sort alphabetically.
SELECT
  CASE WHEN grouping(problem) = 0 THEN 'problem'
       WHEN grouping(sector) = 0 THEN 'sector'
       WHEN grouping(refusal_ground) = 0 THEN 'refusal_ground'
       WHEN grouping(adr_result) = 0 THEN 'adr_result'
       ELSE 'discontinued_reason' END AS "column",
  coalesce(problem::VARCHAR, sector::VARCHAR, refusal_ground::VARCHAR, adr_result::VARCHAR, discontinued_reason::VARCHAR) AS "key",
  count(*)::INTEGER AS "count"
FROM adr_facts
WHERE {{where}}
GROUP BY GROUPING SETS ((problem), (sector), (refusal_ground), (adr_result), (discontinued_reason))
HAVING coalesce(problem::VARCHAR, sector::VARCHAR, refusal_ground::VARCHAR, adr_result::VARCHAR, discontinued_reason::VARCHAR) <> ''
ORDER BY 1, 3 DESC, 2
