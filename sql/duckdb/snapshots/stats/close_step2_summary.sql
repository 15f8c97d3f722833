SELECT 0 AS "g", close_cb AS "b", count(*) AS "n"
FROM closed_facts
WHERE ("sector" = CAST($1 AS sector_code)) AND close_cb IN (12)
GROUP BY ALL
-- parameters: ["airlines"]
