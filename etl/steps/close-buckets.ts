/**
 * close_buckets and close_bucket_map (full runs only, before complaint_facts): the ranges of
 * close_us the quantiles' histogram counts (api/src/analytics/close-quantiles.ts). Chosen from a
 * sample of the extract: the first SAMPLE closed complaints (the oldest: all closed, so their
 * times to close are the ones later cases will show). Only the speed depends on the sample: the
 * quantiles are exact with any buckets, a bucket that turns out crowded costs step 2 more rows.
 *
 * An hour bucket (hb) is 2h for exactly h hours, 2h + 1 for between h and h + 1 hours. An hour
 * bucket holding 1/BUCKETS of the sample or more is a bucket of its own; the others are joined, in
 * order, into about BUCKETS buckets of equal shares of the rest of the sample. Exactly h hours is
 * one value (point_us), which the quantiles read without looking at any row (most cases closing
 * at the automatic closure's 30 days make one such bucket). A last bucket takes everything beyond
 * the sample's longest time.
 *
 * Coarse buckets (close_cc) join runs of COARSE shares the same way, a one-value bucket staying
 * alone: about 13 ranges besides those, few enough for a flag class to carry one (x_class), so
 * that a view counts its histogram in the scan that counts its measures. A rank in a coarse range
 * is located among its buckets by a second, small read of closed_facts.
 */
import { sql } from '../../core/duckdb/duck-sql.js';
import type { Step } from '../step.js';

const SAMPLE = sql.lit(100_000);
const BUCKETS = sql.lit(200);
const COARSE = sql.lit(16);

export const closeBuckets: Step = {
  name: 'close_buckets',
  on: ['full'],
  reads: ['extract_complaints', 'close_bucket_plan'],
  writes: ['close_buckets', 'close_bucket_map'],
  temps: [{ name: 'close_bucket_plan' }],
  statements: () => [
    sql`DELETE FROM close_buckets`,
    sql`DELETE FROM close_bucket_map`,
    // hours: every hour bucket up to one past the sample's longest (the last one starts the
    // open-ended bucket). shared: the shares count the other hour buckets only (the heavy ones
    // need no rows read). starts: a coarse bucket starts where a bucket starts (a bucket never
    // straddles two).
    sql`CREATE OR REPLACE TEMP TABLE close_bucket_plan AS
WITH sample AS (
  SELECT greatest(0, 2 * ((epoch_us(closed_at) - epoch_us(filed_at)) // 3600000000)
                     + ((epoch_us(closed_at) - epoch_us(filed_at)) % 3600000000 <> 0)::BIGINT) AS hb
  FROM extract_complaints
  WHERE closed_at IS NOT NULL
  LIMIT ${SAMPLE}
),
counted AS (SELECT hb, count(*) AS n FROM sample GROUP BY hb),
hours AS (
  SELECT r.hb, coalesce(c.n, 0) AS n, r.hb = (SELECT coalesce(max(hb), 0) + 1 FROM counted) AS tail
  FROM (SELECT unnest(range(0, (SELECT coalesce(max(hb), 0) + 2 FROM counted))) AS hb) r
  LEFT JOIN counted c USING (hb)
),
marked AS (SELECT hb, n, tail, n > 0 AND n * ${BUCKETS} >= sum(n) OVER () AS heavy FROM hours),
shared AS (
  SELECT hb, tail, heavy,
         floor(coalesce(sum(CASE WHEN heavy THEN 0 ELSE n END) OVER (ORDER BY hb ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) * ${BUCKETS}
               / greatest(sum(CASE WHEN heavy THEN 0 ELSE n END) OVER (), 1)) AS share
  FROM marked
),
starts AS (
  SELECT hb, heavy,
         (heavy OR tail OR coalesce(lag(heavy) OVER (ORDER BY hb), true) OR share <> lag(share) OVER (ORDER BY hb)) AS starts,
         (heavy OR tail OR coalesce(lag(heavy) OVER (ORDER BY hb), true) OR floor(share / ${COARSE}) <> floor(lag(share) OVER (ORDER BY hb) / ${COARSE})) AS coarse_starts
  FROM shared
)
SELECT hb, heavy, starts,
       (sum(starts::INTEGER) OVER (ORDER BY hb) - 1)::USMALLINT AS close_cb,
       (sum(coarse_starts::INTEGER) OVER (ORDER BY hb) - 1)::USMALLINT AS close_cc
FROM starts`,
    // The first bucket also takes anything below (a case closed before it was filed).
    sql`INSERT INTO close_buckets
SELECT close_cb,
       CASE WHEN close_cb = 0 THEN -9223372036854775807 ELSE min((hb // 2) * 3600000000 + hb % 2) END,
       CASE WHEN bool_and(heavy) AND count(*) = 1 AND min(hb) % 2 = 0 THEN min(hb // 2) * 3600000000 END,
       min(close_cc)
FROM close_bucket_plan
GROUP BY close_cb`,
    sql`INSERT INTO close_bucket_map
SELECT (SELECT list(close_cb ORDER BY hb) FROM close_bucket_plan),
       (SELECT list(close_cc ORDER BY close_cb) FROM close_buckets)`,
  ],
};
