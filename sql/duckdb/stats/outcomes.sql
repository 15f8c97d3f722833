-- GET /stats/outcomes: the shares' denominators and the ADR measures (as adr_summary.sql), and
-- how many cases fall in each value of the outcome columns ('' left out), in one scan: the set's
-- flag groups (set_groups.sql), whose class carries the four outcome codes (a perfect hash table: at 10 M
-- rows with stage=closed 170 → ~40 ms against a summary scan plus one grouping set per column,
-- measured). The discontinuation reason (a code) is counted apart, over the discontinued cases
-- in adr_facts (with the ADR durations, adr_days.sql).
-- Every row carries the summary; a set without a counted value gives one row, its column null.
WITH groups AS MATERIALIZED ({{set_groups}}),
summary AS (
  SELECT
    coalesce(sum(x_closed), 0)::INTEGER AS "closed",
    coalesce(sum(x_replied), 0)::INTEGER AS "traderReplied",
{{adr_measures}}
  FROM groups, ({{adr_days}})
),
counts AS (
  SELECT 'closure' AS "column", closure::VARCHAR AS "key", sum(n) AS "count" FROM groups GROUP BY closure
  UNION ALL
  SELECT 'trader_decision', trader_decision::VARCHAR, sum(n) FROM groups GROUP BY trader_decision
  UNION ALL
  SELECT 'adr_result', adr_result::VARCHAR, sum(n) FROM groups GROUP BY adr_result
  UNION ALL
  SELECT 'refusal_ground', refusal_ground::VARCHAR, sum(n) FROM groups GROUP BY refusal_ground
  UNION ALL
  SELECT 'discontinued_reason', discontinued_reason::VARCHAR, count(*)
  FROM adr_facts
  WHERE ({{where}}) AND closure = CAST('adr_discontinued' AS closure_code)
  GROUP BY discontinued_reason
)
SELECT s.*, c."column", c."key", c."count"::INTEGER AS "count"
FROM summary s LEFT JOIN (SELECT * FROM counts WHERE "key" <> '') c ON true
ORDER BY c."column", c."count" DESC, c."key"
