-- The second step, only for ranks that fall in a bucket of many values: the values of those
-- (group, bucket) pairs ({{pairs}}: a VALUES list of bound parameters). The bucket list prunes
-- the scan to a few thousand rows before the pairs are matched.
SELECT f."g", f."b", f."us"
FROM (
  SELECT CAST({{group}} AS VARCHAR) AS "g", close_bucket AS "b", close_us AS "us"
  FROM complaint_facts
  WHERE ({{where}}) AND close_bucket IN ({{buckets}})
) f
SEMI JOIN (VALUES {{pairs}}) need("g", "b") ON need."g" = f."g" AND need."b" = f."b"
