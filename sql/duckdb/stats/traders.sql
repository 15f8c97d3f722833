-- GET /stats/traders: the regulators' trader table, traders ranked by complaints.
-- Ranked by a count per trader_key alone (an integer: grouping 50 000 traders' text costs twice
-- as much); the measures, quantiles included, are then computed for the $limit listed traders
-- only, in one pass over their rows: each row a flag group of one (measures.sql sums flag
-- groups), so the quantiles need no second scan (the listed traders' rows are most of a set,
-- and counting their flag groups first, then scanning again for the quantiles, was slower: at
-- 10 M rows over the bench's filter sets, p50 104–109 against 76–83 ms, p95 227 against
-- 192–198 ms). The id and name are joined last, so
-- the filters only ever see complaint_facts' columns.
WITH counted AS (
  SELECT trader_key, count(*) AS n
  FROM complaint_facts
  WHERE {{where}}
  GROUP BY trader_key
),
listed AS (
  SELECT c.trader_key, c.n, k.trader_id
  FROM counted c JOIN trader_keys k USING (trader_key)
  ORDER BY c.n DESC, k.trader_id
  LIMIT $limit
),
measured AS (
  SELECT trader_key,
{{measures}},
{{close_quantiles}}
  FROM (
    SELECT trader_key, close_us, 1 AS n, {{flag_counts}}, adr_days AS adr_days_sum, (adr_days IS NOT NULL)::INTEGER AS adr_days_n
    FROM complaint_facts
    WHERE ({{where}}) AND trader_key IN (SELECT trader_key FROM listed)
  )
  GROUP BY trader_key
)
SELECT l.trader_id AS "traderId", m.* EXCLUDE (trader_key), t.name AS "name", t.country AS "country"
FROM listed l
JOIN measured m USING (trader_key)
LEFT JOIN traders t ON t.id = l.trader_id
ORDER BY l.n DESC, l.trader_id
