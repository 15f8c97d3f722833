-- The third step of medianDaysToClose and p90DaysToClose (api/src/analytics/close-quantiles.ts),
-- only for ranks that fall in a bucket of many values: the value at 0-based place "o" among the
-- sorted close_us of group "g"'s cases in close_cb "b" (the ranks: a VALUES list of integers;
-- each row's group as an integer, so rows are matched without a cast each). The bucket list
-- prunes the scan before the pairs are matched: closed_facts is sorted by close_cb, so only the
-- row groups holding those buckets are read. Only the values asked for leave DuckDB.
WITH need("g", "b", "o") AS (VALUES {{ranks}}),
sorted AS (
  SELECT f."g", f."b", list_sort(list(f."us")) AS "v"
  FROM (
    SELECT {{group_code}} AS "g", close_cb AS "b", close_us AS "us"
    FROM closed_facts
    WHERE ({{where}}) AND close_cb IN ({{buckets}})
  ) f
  SEMI JOIN need ON need."g" = f."g" AND need."b" = f."b"
  GROUP BY ALL
)
SELECT n."g", n."b", n."o", s."v"[n."o" + 1] AS "us"
FROM need n JOIN sorted s ON s."g" = n."g" AND s."b" = n."b"
