WITH need("g", "b", "o") AS (VALUES (0, 12, 4711)),
sorted AS (
  SELECT f."g", f."b", list_sort(list(f."us")) AS "v"
  FROM (
    SELECT 0 AS "g", close_cb AS "b", close_us AS "us"
    FROM closed_facts
    WHERE ("sector" = CAST($1 AS sector_code)) AND close_cb IN (12)
  ) f
  SEMI JOIN need ON need."g" = f."g" AND need."b" = f."b"
  GROUP BY ALL
)
SELECT n."g", n."b", n."o", s."v"[n."o" + 1] AS "us"
FROM need n JOIN sorted s ON s."g" = n."g" AND s."b" = n."b"
-- parameters: ["airlines"]
