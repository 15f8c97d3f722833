-- The second step of medianDaysToClose and p90DaysToClose (api/src/analytics/close-quantiles.ts),
-- only for ranks that fall in a coarse bucket of many values: the closed cases matching the
-- filters per close_cb inside those coarse buckets ({{buckets}}: their close_cb), per group as
-- an integer (enum_code of an ENUM column, an integer column, or 0 for a whole set). closed_facts
-- is sorted by close_cb: only the row groups holding those buckets are read.
SELECT {{group_code}} AS "g", close_cb AS "b", count(*) AS "n"
FROM closed_facts
WHERE ({{where}}) AND close_cb IN ({{buckets}})
GROUP BY ALL
