-- medianDaysToClose and p90DaysToClose per group, exact and defined as PostgreSQL's
-- percentile_cont (linear interpolation at position (n − 1)·p of the sorted values, 0-based),
-- without collecting and sorting every value as quantile_cont does (most of a measures query's
-- time at 10 M rows):
--   1. the values per group and dtc_bucket (2k: exactly k days; 2k + 1: between k and k + 1):
--      histogram(dtc_bucket), computed per group by the caller's own scan;
--   2. running counts give the bucket holding each rank the quantiles read; in an even bucket
--      every value is k (cases closed on a deadline counted in whole days: most of them);
--   3. only the values of the odd buckets holding a rank are counted per distinct value, and
--      the ranks are read off their running counts.
-- Used by queries with few groups (summary, dimensions, trend); with thousands of groups (traders)
-- a histogram per group costs more than quantile_cont (see quantile_cont.sql).
-- {{group}}: the grouping expression over complaint_facts; {{where}}: the filters;
-- {{histograms}}: a query of g (the group) and dtc_histogram.
WITH
buckets AS (
  SELECT g, unnest(map_keys(dtc_histogram)) AS b, unnest(map_values(dtc_histogram)) AS c
  FROM ({{histograms}})
),
cum AS (
  SELECT g, b, c,
         sum(c) OVER (PARTITION BY g ORDER BY b ROWS UNBOUNDED PRECEDING) - c AS before,
         sum(c) OVER (PARTITION BY g) AS n
  FROM buckets
),
pos AS (
  SELECT g, p, (n - 1) * p AS at, floor((n - 1) * p)::BIGINT AS r0, ceil((n - 1) * p)::BIGINT AS r1
  FROM (SELECT DISTINCT g, n FROM cum) CROSS JOIN (VALUES (0.5::DOUBLE), (0.9::DOUBLE)) AS q(p)
),
wanted AS (
  SELECT DISTINCT c.g, c.b, r.r, r.r - c.before AS local
  FROM (SELECT g, r0 AS r FROM pos UNION SELECT g, r1 FROM pos) r
  JOIN cum c ON c.g = r.g AND r.r >= c.before AND r.r < c.before + c.c
),
vals AS (
  SELECT g, b, d, k, sum(k) OVER (PARTITION BY g, b ORDER BY d ROWS UNBOUNDED PRECEDING) - k AS below
  FROM (
    SELECT {{group}} AS g, dtc_bucket AS b, days_to_close AS d, count(*) AS k
    FROM complaint_facts
    JOIN (SELECT DISTINCT g AS wg, b AS wb FROM wanted WHERE b % 2 = 1) w ON w.wg = {{group}} AND w.wb = dtc_bucket
    WHERE ({{where}}) AND dtc_bucket IS NOT NULL
    GROUP BY ALL
  )
),
at_rank AS (
  SELECT g, r, (b // 2)::DOUBLE AS d FROM wanted WHERE b % 2 = 0
  UNION ALL
  SELECT w.g, w.r, v.d
  FROM wanted w JOIN vals v ON v.g = w.g AND v.b = w.b AND w.local >= v.below AND w.local < v.below + v.k
)
SELECT pos.g AS g,
  max(CASE WHEN pos.p = 0.5 THEN a0.d + (a1.d - a0.d) * (pos.at - pos.r0) END) AS "medianDaysToClose",
  max(CASE WHEN pos.p = 0.9 THEN a0.d + (a1.d - a0.d) * (pos.at - pos.r0) END) AS "p90DaysToClose"
FROM pos
JOIN at_rank a0 ON a0.g = pos.g AND a0.r = pos.r0
JOIN at_rank a1 ON a1.g = pos.g AND a1.r = pos.r1
GROUP BY pos.g
