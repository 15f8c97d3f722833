WITH need("g", "b", "o") AS (VALUES (24290, 5, 17), (24291, 5, 3), (24291, 6, 0)),
sorted AS (
  SELECT f."g", f."b", list_sort(list(f."us")) AS "v"
  FROM (
    SELECT "filed_month" AS "g", close_cb AS "b", close_us AS "us"
    FROM closed_facts
    WHERE (true) AND close_cb IN (5, 6)
  ) f
  SEMI JOIN need ON need."g" = f."g" AND need."b" = f."b"
  GROUP BY ALL
)
SELECT n."g", n."b", n."o", s."v"[n."o" + 1] AS "us"
FROM need n JOIN sorted s ON s."g" = n."g" AND s."b" = n."b"
-- parameters: []
