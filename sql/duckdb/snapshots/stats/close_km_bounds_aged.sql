WITH counts AS (
  SELECT 0 AS "g", close_cb AS "b", count(*) AS "d", 0 AS "e"
  FROM complaint_facts, (SELECT epoch_us(snapshot_at) - 2592000000000 AS censor_us FROM snapshot) s
  WHERE (filed_at >= CAST(CAST($1 AS TIMESTAMPTZ) AS TIMESTAMP) AND filed_at < CAST(CAST($2 AS TIMESTAMPTZ) AS TIMESTAMP)) AND close_us <= s.censor_us - epoch_us(filed_at)
  GROUP BY ALL
  UNION ALL
  SELECT 0 AS "g", (SELECT by_hour FROM close_bucket_map)[
      least(greatest(0, 2 * ((s.censor_us - epoch_us(filed_at)) // 3600000000) + ((s.censor_us - epoch_us(filed_at)) % 3600000000 <> 0)::BIGINT),
            len((SELECT by_hour FROM close_bucket_map)) - 1) + 1] AS "b", 0 AS "d", count(*) AS "e"
  FROM complaint_facts, (SELECT epoch_us(snapshot_at) - 2592000000000 AS censor_us FROM snapshot) s
  WHERE (filed_at >= CAST(CAST($3 AS TIMESTAMPTZ) AS TIMESTAMP) AND filed_at < CAST(CAST($4 AS TIMESTAMPTZ) AS TIMESTAMP)) AND NOT coalesce(close_us <= s.censor_us - epoch_us(filed_at), false)
  GROUP BY ALL
),
buckets AS (
  SELECT "g", "b", sum("d") AS "d", sum("e") AS "e" FROM counts GROUP BY ALL
),
at_risk AS (
  SELECT "g", "b", "d", "e", sum("d" + "e") OVER (PARTITION BY "g" ORDER BY "b" DESC) AS "r"
  FROM buckets
),
bounds AS (
  SELECT "g", "b",
         product(CASE WHEN "d" = 0 THEN 1 ELSE ("r" - "e" - "d") / ("r" - "e") END) OVER w AS "low",
         product(CASE WHEN "d" = 0 THEN 1 ELSE ("r" - "d") / "r" END) OVER w AS "high"
  FROM at_risk
  WINDOW w AS (PARTITION BY "g" ORDER BY "b" ROWS UNBOUNDED PRECEDING)
)
SELECT "g",
       min("b") FILTER (WHERE "low" <= 0.5000000149011612) AS "lowMedianCb", min("b") FILTER (WHERE "high" <= 0.5000000149011612) AS "highMedianCb",
       min("b") FILTER (WHERE "low" <= 0.1000000149011612) AS "lowP90Cb", min("b") FILTER (WHERE "high" <= 0.1000000149011612) AS "highP90Cb"
FROM bounds
GROUP BY "g"
-- parameters: ["2024-05-01T00:00:00Z","2024-06-01T00:00:00Z","2024-05-01T00:00:00Z","2024-06-01T00:00:00Z"]
