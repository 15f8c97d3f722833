WITH durations AS (
  SELECT "filed_month" AS "g", CASE WHEN close_us IS NOT NULL THEN close_us ELSE s.censor_us - epoch_us(filed_at) END AS "t",
         count(*) FILTER (WHERE close_us IS NOT NULL) AS "d", count(*) AS "n"
  FROM complaint_facts, (SELECT epoch_us(snapshot_at) - 0 AS censor_us FROM snapshot) s
  WHERE (true) AND "filed_month" IN (24290, 24291)
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
-- parameters: []
