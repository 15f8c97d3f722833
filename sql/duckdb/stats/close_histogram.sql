-- The first step of medianDaysToClose and p90DaysToClose (api/src/analytics/close-quantiles.ts):
-- the closed complaints per close_bucket, per group ({{group}}: a column, or a constant).
-- Grouped on the bare column; the key is cast to text only for the few rows of the result.
SELECT CAST("g" AS VARCHAR) AS "g", "b", "n"
FROM (
  SELECT {{group}} AS "g", close_bucket AS "b", count(*) AS "n"
  FROM complaint_facts
  WHERE ({{where}}) AND close_bucket IS NOT NULL
  GROUP BY ALL
)
