-- GET /stats/traders, step 1: the $limit traders named most often under the filters, ranked by
-- a count per trader_key alone (an integer: grouping 50 000 traders' text costs twice as much).
-- Their measures are then computed for them only (by_dimension.sql over their keys). The id and
-- name are joined last, so the filters only ever see complaint_facts' columns.
WITH counted AS (
  SELECT trader_key, count(*) AS n
  FROM complaint_facts
  WHERE {{where}}
  GROUP BY trader_key
)
SELECT c.trader_key AS "traderKey", k.trader_id AS "traderId", t.name AS "name", t.country AS "country"
FROM counted c
JOIN trader_keys k USING (trader_key)
LEFT JOIN traders t ON t.id = k.trader_id
ORDER BY c.n DESC, k.trader_id
LIMIT $limit
