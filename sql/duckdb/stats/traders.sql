-- GET /stats/traders: the regulators' trader table, step 1: the traders ranked by complaints,
-- with their ids and names. Ranked by a count per trader_key alone (an integer: a perfect hash
-- table; grouping 50 000 traders' text costs twice as much); the ids and names are joined to the
-- $limit listed, so the filters only ever see complaint_facts' columns. Step 2 computes the
-- listed traders' measures and quantiles as the grouped views do (by_dimension.sql by trader_key).
WITH counted AS (
  SELECT trader_key, count(*) AS n
  FROM complaint_facts
  WHERE {{where}}
  GROUP BY trader_key
)
SELECT c.trader_key, k.trader_id AS "traderId", t.name AS "name", t.country AS "country"
FROM counted c
JOIN trader_keys k USING (trader_key)
LEFT JOIN traders t ON t.id = k.trader_id
ORDER BY c.n DESC, k.trader_id
LIMIT $limit
