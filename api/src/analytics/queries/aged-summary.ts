/**
 * GET /stats/summary?compare=…: the comparison window's measures at the same age as the current
 * window's (issue 20, "same age"). With shift = current `from` − comparison `from`, the earlier
 * cohort is seen as it stood at the instant cut = snapshot_at − shift: a milestone counts only if
 * it had happened by then (its offset after filing ≤ cut − filed_at), and `overdue` is judged at
 * cut from the stage the case was in then (domain.md §1). The flags so aged are packed as x_bits
 * and counted in groups, so the measures are core/analytics/measures-sql.ts's own; the days to
 * close over the cases closed by cut come from quantile_cont (a comparison window is one
 * period's rows: no histogram needed).
 *
 * A filter on the current state (status, stage, closure, overdue) still selects by the current
 * state: it chooses the cases, the ageing only what is counted of them.
 */
import { ADR_MEASURES, CLOSE_QUANTILE_AGGREGATES, flagCounts, MEASURES, selected } from '../../../../core/analytics/measures-sql.js';
import { list, sql, type RawBuilder, type Statement } from '../../../../core/duckdb/duck-sql.js';
import { flagBit, OVERDUE_BIT, type Flag } from '../../../../core/flags.js';
import { DEADLINE_DAYS } from '../../../../core/lifecycle.js';
import type { Where } from './filters.js';
import type { AdrMeasureRow, MeasureRow } from './measure-rows.js';

export type AgedSummaryRow = MeasureRow & AdrMeasureRow & { medianDaysToClose: number | null; p90DaysToClose: number | null };

const DAY_US = 86_400_000_000;
const days = (n: number) => sql.lit(n * DAY_US);

/** The bits of `flags` as one literal mask. */
const mask = (...flags: Flag[]) => sql.lit(flags.reduce((m, f) => m + flagBit(f), 0));

/**
 * Which flags a milestone makes countable: kept in x_bits only if the milestone had happened by
 * cut. Cross-border never changes; the rest hang on the milestone that sets them (a resolution,
 * an outcome, a conclusion within 90 days: the closing event; timeliness: the reply).
 */
const AGED_BITS: readonly [milestone: string, flags: Flag[]][] = [
  ['closed_by', ['closed', 'resolved', 'outcome', 'discontinued', 'within_90']],
  ['sent_by', ['sent']],
  ['replied_by', ['replied', 'timely']],
  ['agreed_by', ['agreed']],
  ['accepted_by', ['accepted']],
  ['refused_by', ['refused']],
  ['compliance_by', ['compliance', 'complied']],
];

/** `offset <= age`, false when the milestone never happened. */
const by = (offset: string) => sql`coalesce(${sql.ref(offset)} <= age, false)`;

/**
 * The deadline at cut of a case still open then, in microseconds after filing (core/lifecycle.ts
 * stageDeadline, for the stage the case had reached by cut).
 */
const DEADLINE_AT_CUT = sql`CASE
      WHEN accepted_by THEN agreed_us + ${days(DEADLINE_DAYS.adrOutcome)}
      WHEN agreed_by THEN agreed_us + ${days(DEADLINE_DAYS.adrAcceptance)}
      WHEN sent_by AND NOT replied_by THEN least(sent_us + reply_days * ${sql.lit(DAY_US)}, ${days(DEADLINE_DAYS.adrAgreement)})
      ELSE ${days(DEADLINE_DAYS.adrAgreement)}
    END`;

/** One row: the measures of the set at cut = snapshot_at − `shiftUs`. */
export function agedSummary(where: Where, shiftUs: number): Statement<AgedSummaryRow> {
  const kept: RawBuilder<unknown> = list(
    [mask('cross_border'), ...AGED_BITS.map(([m, flags]) => sql`${sql.ref(m)}::INTEGER * ${mask(...flags)}`)],
    sql` + `,
  );
  return sql<AgedSummaryRow>`WITH facts AS (
  SELECT
    x_bits, close_us, adr_us, sent_us, replied_us, accepted_us, refused_us, compliance_us,
    epoch_us(agreed_at) - epoch_us(filed_at) AS agreed_us,
    s.cut_us - epoch_us(filed_at) AS age,
    s.reply_days
  FROM complaint_facts, (SELECT epoch_us(snapshot_at) - ${sql.lit(Math.trunc(shiftUs))} AS cut_us, reply_days FROM snapshot) s
  WHERE ${where}
),
happened AS (
  SELECT *,
    ${by('close_us')} AS closed_by,
    ${by('sent_us')} AS sent_by,
    ${by('replied_us')} AS replied_by,
    ${by('agreed_us')} AS agreed_by,
    ${by('accepted_us')} AS accepted_by,
    ${by('refused_us')} AS refused_by,
    ${by('compliance_us')} AS compliance_by
  FROM facts
),
aged AS (
  SELECT
    ((x_bits & (${kept}))
      + ${sql.lit(OVERDUE_BIT)} * (NOT closed_by AND ${DEADLINE_AT_CUT} < age)::INTEGER) AS x_bits,
    CASE WHEN closed_by THEN close_us END AS close_us,
    CASE WHEN closed_by THEN adr_us END AS adr_us
  FROM happened
),
groups AS (
  SELECT n, ${flagCounts}
  FROM (SELECT x_bits, count(*) AS n FROM aged GROUP BY x_bits)
)
SELECT
  ${selected(MEASURES)},
  ${selected(ADR_MEASURES)},
  any_value("medianDaysToClose") AS "medianDaysToClose",
  any_value("p90DaysToClose") AS "p90DaysToClose"
FROM groups, (
  SELECT sum(adr_us) AS adr_us_sum, count(adr_us) AS adr_n,
  ${selected(CLOSE_QUANTILE_AGGREGATES)}
  FROM aged
)`;
}
