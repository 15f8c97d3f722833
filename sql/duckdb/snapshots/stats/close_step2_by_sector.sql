SELECT enum_code("sector") AS "g", close_cb AS "b", count(*) AS "n"
FROM closed_facts
WHERE (true) AND close_cb IN (4, 5, 6)
GROUP BY ALL
-- parameters: []
