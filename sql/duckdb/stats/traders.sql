-- GET /stats/traders: the regulators' trader table, traders ranked by complaints.
-- Ranked by a count per trader_key alone (an integer: grouping 50 000 traders' text costs twice
-- as much); the measures, quantiles included, are then computed for the $limit listed traders
-- only. The id and name are joined last, so the filters only ever see complaint_facts' columns.
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
  SELECT
    trader_key,
{{measures}}
  FROM complaint_facts
  WHERE ({{where}}) AND trader_key IN (SELECT trader_key FROM listed)
  GROUP BY trader_key
)
SELECT l.trader_id AS "traderId", m.* EXCLUDE (trader_key), t.name AS "name", t.country AS "country"
FROM listed l
JOIN measured m USING (trader_key)
LEFT JOIN traders t ON t.id = l.trader_id
ORDER BY l.n DESC, l.trader_id
