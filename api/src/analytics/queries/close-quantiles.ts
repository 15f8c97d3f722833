/**
 * The statements of medianDaysToClose and p90DaysToClose (../close-quantiles.ts tells how the
 * three steps fit together): the snapshot's close buckets, the histogram column step 1 adds to
 * the summary and the grouped views, and steps 2 and 3 over closed_facts.
 */
import { list, sql, type RawBuilder, type Statement } from '../../../../core/duckdb/duck-sql.js';
import type { Where } from './filters.js';

/** A histogram's bucket: bucket `b` (coarse in step 1, close_cb in step 2) holds `n` closed cases. */
export interface BucketCount {
  b: number | bigint;
  n: number | bigint;
}

/** A group's closed cases per coarse close bucket; null for a group without any. */
type Histogram = BucketCount[] | null;

/** Step 1's column. */
export interface HistogramRow {
  closeHistogram: Histogram;
}

/** Step 1's histogram over per-bucket sums (close_cc, n): one list of {b, n} per group. */
export const closeHistogram = sql<Histogram>`list({'b': close_cc, 'n': n} ORDER BY close_cc) FILTER (WHERE close_cc IS NOT NULL)`;

export interface CloseBucketRow {
  close_cb: number;
  close_cc: number;
  point_us: number | null;
}

/** The snapshot's close buckets (close_buckets.sql chooses them on a full run). */
export const closeBuckets: Statement<CloseBucketRow> = sql<CloseBucketRow>`SELECT close_cb, close_cc, point_us FROM close_buckets ORDER BY close_cb`;

/** Groups, buckets and places are integers: written into the SQL inline. */
const int = (v: number) => sql.lit(Math.trunc(v));

export interface FineCountRow {
  g: number;
  b: number;
  n: number;
}

/**
 * Step 2, only for ranks that fall in a coarse bucket of many values: the closed cases matching
 * the filters per close_cb inside those coarse buckets (`buckets`: their close_cb), per group as an
 * integer (`groupCode`: enum_code of an ENUM column, an integer column, or 0 for a whole set).
 */
export function closeFineHistogram(where: Where, groupCode: RawBuilder<number>, buckets: readonly number[]): Statement<FineCountRow> {
  // closed_facts is sorted by close_cb: only the row groups holding those buckets are read.
  return sql<FineCountRow>`SELECT ${groupCode} AS "g", close_cb AS "b", count(*) AS "n"
FROM closed_facts
WHERE (${where}) AND close_cb IN (${list(buckets.map(int))})
GROUP BY ALL`;
}

/** One rank asked of step 3: place `o` (0-based) among the sorted close_us of group `g` in close_cb `b`. */
export interface RankAt {
  g: number;
  b: number;
  o: number;
}

export interface RankValueRow extends RankAt {
  us: number;
}

/**
 * Step 3, only for ranks that fall in a bucket of many values: the value at each place asked
 * (`ranks`: a VALUES list of integers; each row's group as an integer, so rows are matched
 * without a cast each). Only the values asked for leave DuckDB.
 */
export function closeRankValues(where: Where, groupCode: RawBuilder<number>, ranks: readonly RankAt[]): Statement<RankValueRow> {
  const buckets = [...new Set(ranks.map((r) => Math.trunc(r.b)))];
  // The bucket list prunes the scan before the pairs are matched: closed_facts is sorted by
  // close_cb, so only the row groups holding those buckets are read.
  return sql<RankValueRow>`WITH need("g", "b", "o") AS (VALUES ${list(ranks.map(({ g, b, o }) => sql`(${int(g)}, ${int(b)}, ${int(o)})`))}),
sorted AS (
  SELECT f."g", f."b", list_sort(list(f."us")) AS "v"
  FROM (
    SELECT ${groupCode} AS "g", close_cb AS "b", close_us AS "us"
    FROM closed_facts
    WHERE (${where}) AND close_cb IN (${list(buckets.map(int))})
  ) f
  SEMI JOIN need ON need."g" = f."g" AND need."b" = f."b"
  GROUP BY ALL
)
SELECT n."g", n."b", n."o", s."v"[n."o" + 1] AS "us"
FROM need n JOIN sorted s ON s."g" = n."g" AND s."b" = n."b"`;
}
