/**
 * Kaplan–Meier bounds per close bucket: the cheap first step of medianDaysToCloseKM and
 * p90DaysToCloseKM (close-km.ts has the definition and the exact query).
 *
 * The exact estimate needs the order of every closed and censored duration: a sort of every
 * filtered row, 1–5 s at 10 M. But S only steps within the close buckets (close_buckets, about
 * two hundred ranges of close_us), and per bucket the counts bound it: with r cases at risk at the
 * bucket's start, d closing and e censored inside it, S is multiplied by (r − d) / r if every
 * censored duration comes after the closings, by (r − e − d) / (r − e) if before; any order lies
 * between. Carried over the buckets in order, this gives S_high ≥ S ≥ S_low at each bucket's end.
 *
 * When both bounds first reach a level in the same bucket and that bucket holds one value (a
 * point bucket, such as the automatic closure's 30 days), the exact S crosses the level at that
 * value: before the bucket S ≥ S_low > level, after it S ≤ S_high ≤ level. When S_low never
 * reaches it, neither does S: the quantile is null. Otherwise the exact query decides
 * (analytics.repository.ts). Counts only: complaint_facts' close_cb histogram and the censored
 * durations (open_facts: the few per cent still open), mapped to buckets as complaint_facts maps
 * close_us.
 */
import { sql, type RawBuilder, type Statement } from '../../../../core/duckdb/duck-sql.js';
import type { Where } from './filters.js';
import { KM_TOLERANCE } from './close-km.js';

/** A group's first buckets where S_low and S_high reach ½ and 0.1 (null: never). */
export interface CloseKmBoundsRow {
  g: number;
  lowMedianCb: number | null;
  highMedianCb: number | null;
  lowP90Cb: number | null;
  highP90Cb: number | null;
}

/**
 * Each group's bounds (`groupCode` as closeKm's). `shiftUs` > 0: as the set stood at snapshot_at −
 * shiftUs (closeKm's aged cohort): a case closed later than that is censored then, so the
 * censored come from every row rather than open_facts alone.
 */
export function closeKmBounds(where: Where, groupCode: RawBuilder<number>, shiftUs = 0): Statement<CloseKmBoundsRow> {
  const level = (s: number) => sql.lit(s + KM_TOLERANCE);
  // An open case's duration in its close bucket: close_bucket_map's by_hour list indexed by half
  // hours (an even index is an exact hour), the last entry taking every longer duration.
  const bucketOf = (us: RawBuilder<unknown>) => sql`(SELECT by_hour FROM close_bucket_map)[
      least(greatest(0, 2 * (${us} // 3600000000) + (${us} % 3600000000 <> 0)::BIGINT),
            len((SELECT by_hour FROM close_bucket_map)) - 1) + 1]`;
  const censor = sql`(SELECT epoch_us(snapshot_at) - ${sql.lit(Math.trunc(shiftUs))} AS censor_us FROM snapshot) s`;
  const censored =
    shiftUs === 0
      ? sql`FROM open_facts, ${censor}
  WHERE ${where}`
      : sql`FROM complaint_facts, ${censor}
  WHERE (${where}) AND NOT coalesce(close_us <= s.censor_us - epoch_us(filed_at), false)`;
  const closed =
    shiftUs === 0
      ? sql`FROM complaint_facts
  WHERE (${where}) AND close_cb IS NOT NULL`
      : sql`FROM complaint_facts, ${censor}
  WHERE (${where}) AND close_us <= s.censor_us - epoch_us(filed_at)`;
  return sql<CloseKmBoundsRow>`WITH counts AS (
  SELECT ${groupCode} AS "g", close_cb AS "b", count(*) AS "d", 0 AS "e"
  ${closed}
  GROUP BY ALL
  UNION ALL
  SELECT ${groupCode} AS "g", ${bucketOf(sql`(s.censor_us - epoch_us(filed_at))`)} AS "b", 0 AS "d", count(*) AS "e"
  ${censored}
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
       min("b") FILTER (WHERE "low" <= ${level(0.5)}) AS "lowMedianCb", min("b") FILTER (WHERE "high" <= ${level(0.5)}) AS "highMedianCb",
       min("b") FILTER (WHERE "low" <= ${level(0.1)}) AS "lowP90Cb", min("b") FILTER (WHERE "high" <= ${level(0.1)}) AS "highP90Cb"
FROM bounds
GROUP BY "g"`;
}
