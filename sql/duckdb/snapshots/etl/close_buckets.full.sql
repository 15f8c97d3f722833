DELETE FROM close_buckets
-- parameters: []

DELETE FROM close_bucket_map
-- parameters: []

CREATE OR REPLACE TEMP TABLE close_bucket_plan AS
WITH sample AS (
  SELECT greatest(0, 2 * ((epoch_us(closed_at) - epoch_us(filed_at)) // 3600000000)
                     + ((epoch_us(closed_at) - epoch_us(filed_at)) % 3600000000 <> 0)::BIGINT) AS hb
  FROM extract_complaints
  WHERE closed_at IS NOT NULL
  LIMIT 100000
),
counted AS (SELECT hb, count(*) AS n FROM sample GROUP BY hb),
hours AS (
  SELECT r.hb, coalesce(c.n, 0) AS n, r.hb = (SELECT coalesce(max(hb), 0) + 1 FROM counted) AS tail
  FROM (SELECT unnest(range(0, (SELECT coalesce(max(hb), 0) + 2 FROM counted))) AS hb) r
  LEFT JOIN counted c USING (hb)
),
marked AS (SELECT hb, n, tail, n > 0 AND n * 200 >= sum(n) OVER () AS heavy FROM hours),
shared AS (
  SELECT hb, tail, heavy,
         floor(coalesce(sum(CASE WHEN heavy THEN 0 ELSE n END) OVER (ORDER BY hb ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) * 200
               / greatest(sum(CASE WHEN heavy THEN 0 ELSE n END) OVER (), 1)) AS share
  FROM marked
),
starts AS (
  SELECT hb, heavy,
         (heavy OR tail OR coalesce(lag(heavy) OVER (ORDER BY hb), true) OR share <> lag(share) OVER (ORDER BY hb)) AS starts,
         (heavy OR tail OR coalesce(lag(heavy) OVER (ORDER BY hb), true) OR floor(share / 16) <> floor(lag(share) OVER (ORDER BY hb) / 16)) AS coarse_starts
  FROM shared
)
SELECT hb, heavy, starts,
       (sum(starts::INTEGER) OVER (ORDER BY hb) - 1)::USMALLINT AS close_cb,
       (sum(coarse_starts::INTEGER) OVER (ORDER BY hb) - 1)::USMALLINT AS close_cc
FROM starts
-- parameters: []

INSERT INTO close_buckets
SELECT close_cb,
       CASE WHEN close_cb = 0 THEN -9223372036854775807 ELSE min((hb // 2) * 3600000000 + hb % 2) END,
       CASE WHEN bool_and(heavy) AND count(*) = 1 AND min(hb) % 2 = 0 THEN min(hb // 2) * 3600000000 END,
       min(close_cc)
FROM close_bucket_plan
GROUP BY close_cb
-- parameters: []

INSERT INTO close_bucket_map
SELECT (SELECT list(close_cb ORDER BY hb) FROM close_bucket_plan),
       (SELECT list(close_cc ORDER BY close_cb) FROM close_buckets)
-- parameters: []
