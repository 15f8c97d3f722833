WITH durations AS (
  SELECT 0 AS "g", CASE WHEN close_us <= s.censor_us - epoch_us(filed_at) THEN close_us ELSE s.censor_us - epoch_us(filed_at) END AS "t",
         count(*) FILTER (WHERE close_us <= s.censor_us - epoch_us(filed_at)) AS "d", count(*) AS "n"
  FROM complaint_facts, (SELECT epoch_us(snapshot_at) - 2592000000000 AS censor_us FROM snapshot) s
  WHERE filed_at >= CAST(CAST($1 AS TIMESTAMPTZ) AS TIMESTAMP) AND filed_at < CAST(CAST($2 AS TIMESTAMPTZ) AS TIMESTAMP)
  GROUP BY ALL
),
at_risk AS (
  SELECT "g", "t", "d", sum("n") OVER (PARTITION BY "g" ORDER BY "t" DESC) AS "r"
  FROM durations
),
survival AS (
  SELECT "g", "t", product(1 - "d" / "r") OVER (PARTITION BY "g" ORDER BY "t" ROWS UNBOUNDED PRECEDING) AS "s"
  FROM at_risk
  WHERE "d" > 0
)
SELECT "g", min("t") FILTER (WHERE "s" <= 0.5000000149011612) AS "medianUs", min("t") FILTER (WHERE "s" <= 0.1000000149011612) AS "p90Us"
FROM survival
GROUP BY "g"
-- parameters: ["2024-05-01T00:00:00Z","2024-06-01T00:00:00Z"]
