/**
 * medianDaysToCloseKM and p90DaysToCloseKM (domain.md §4, censoring-aware durations): Kaplan–Meier
 * over the filtered complaints, per group. A closed case's duration is close_us; an open case's is
 * the snapshot's instant (snapshot.snapshot_at, when the extract read the case store) − filed_at,
 * censored. S(t) = Π over distinct closing durations tⱼ ≤ t of (1 − dⱼ / nⱼ), nⱼ = cases of any
 * status whose duration is ≥ tⱼ; the quantile is the smallest tⱼ with S(tⱼ) ≤ 0.5 (0.1 for the
 * 90th percentile); no row, or null, when S never gets there.
 *
 * Exact over every row (a censored case changes every later factor, so counts per bucket only
 * bound S: close-km-bounds.ts, which settles most groups first). One scan of complaint_facts,
 * grouped per (group, duration), then two window passes per group.
 */
import { list, sql, type RawBuilder, type Statement } from '../../../../core/duckdb/duck-sql.js';
import type { Where } from './filters.js';

/** A group's quantiles, in microseconds (null: S stays above the level). */
export interface CloseKmRow {
  g: number;
  medianUs: number | bigint | null;
  p90Us: number | bigint | null;
}

/**
 * S(tⱼ) is a product of doubles; where the exact product is the level itself (two of four cases
 * closed: S = ½), rounding may leave it a hair above. S within this of the level counts as
 * reaching it: √ε, the tolerance R's survival package uses to tell that S equals a level
 * (quantile.survfit).
 */
export const KM_TOLERANCE = Math.sqrt(Number.EPSILON);

/**
 * Each group's KM median and 90th percentile of the time to close (`groupCode`: the group as an
 * integer, as flag-groups.ts's groupCode gives it, or WHOLE_SET); `groups`: only these groups.
 * `shiftUs` > 0: as the set stood at snapshot_at − shiftUs (a like-for-like comparison's earlier
 * cohort, aged-summary.ts): a case closed later than that is censored then.
 */
export function closeKm(where: Where, groupCode: RawBuilder<number>, shiftUs = 0, groups?: readonly number[]): Statement<CloseKmRow> {
  const level = (s: number) => sql.lit(s + KM_TOLERANCE);
  // Only these groups' rows (the ones close-km-bounds.ts left undecided).
  const rows = groups ? sql`(${where}) AND ${groupCode} IN (${list(groups.map((g) => sql.lit(Math.trunc(g))))})` : where;
  // Unshifted, every closed case closed by snapshot_at (the extract read it then).
  const closing = shiftUs === 0 ? sql`close_us IS NOT NULL` : sql`close_us <= s.censor_us - epoch_us(filed_at)`;
  // at_risk: nⱼ counts every duration ≥ tⱼ (durations are unique per group here), summed from the
  // longest; survival keeps only the closing durations (d > 0), where S steps.
  return sql<CloseKmRow>`WITH durations AS (
  SELECT ${groupCode} AS "g", CASE WHEN ${closing} THEN close_us ELSE s.censor_us - epoch_us(filed_at) END AS "t",
         count(*) FILTER (WHERE ${closing}) AS "d", count(*) AS "n"
  FROM complaint_facts, (SELECT epoch_us(snapshot_at) - ${sql.lit(Math.trunc(shiftUs))} AS censor_us FROM snapshot) s
  WHERE ${rows}
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
SELECT "g", min("t") FILTER (WHERE "s" <= ${level(0.5)}) AS "medianUs", min("t") FILTER (WHERE "s" <= ${level(0.1)}) AS "p90Us"
FROM survival
GROUP BY "g"`;
}
