/**
 * complaint_facts: one row per complaint, its flags derived once (domain.md §4) and packed in
 * x_bits (core/flags.ts), its flag class in x_class. A full run inserts every complaint into the
 * empty table rebuild_facts made; an increment first deletes the previous rows of the complaints
 * it extracted (complaint_facts_delete), then inserts their current ones with the same statement.
 */
import { list, sql, type RawBuilder } from '../../core/duckdb/duck-sql.js';
import { FLAGS, flagBit, OVERDUE_BIT, type Flag } from '../../core/flags.js';
import { EVERY_RUN, type Step, type StepInput } from '../step.js';
import { overdueTwinMove } from './overdue.js';

/**
 * Their (trader, year) pairs, old and new, are noted first (touched_trader_years): trader_years
 * recomputes them.
 */
export const complaintFactsDelete: Step = {
  name: 'complaint_facts_delete',
  on: ['incremental'],
  reads: ['complaint_facts', 'trader_keys', 'extract_complaints', 'touched_trader_years'],
  writes: ['touched_trader_years', 'complaint_facts'],
  statements: () => [
    sql`INSERT INTO touched_trader_years
SELECT k.trader_id, f.trader_key, f.filed_year
FROM complaint_facts f JOIN trader_keys k USING (trader_key)
WHERE f.id IN (SELECT id FROM extract_complaints)
UNION
SELECT e.trader_id, k.trader_key, year(e.filed_at)::USMALLINT
FROM extract_complaints e JOIN trader_keys k ON k.trader_id = e.trader_id`,
    sql`DELETE FROM complaint_facts WHERE id IN (SELECT id FROM extract_complaints)`,
  ],
};

/** Each flag as 0/1 from the extracted row and what the innermost select derives from it, in FLAGS' order. */
function flagsOf({ replyDays, asOf }: StepInput): Record<Flag, RawBuilder<unknown>> {
  return {
    cross_border: sql`cross_border::USMALLINT`,
    closed: sql`(status = 'closed')::USMALLINT`,
    resolved: sql`coalesce(closure IN ('settled_directly', 'adr_outcome'), false)::USMALLINT`,
    sent: sql`(sent_at IS NOT NULL)::USMALLINT`,
    replied: sql`(replied_at IS NOT NULL)::USMALLINT`,
    timely: sql`coalesce(reply_seconds <= ${replyDays} * 86400, false)::USMALLINT`,
    agreed: sql`(agreed_at IS NOT NULL)::USMALLINT`,
    accepted: sql`(accepted_at IS NOT NULL)::USMALLINT`,
    refused: sql`(refused_at IS NOT NULL)::USMALLINT`,
    outcome: sql`coalesce(closure = 'adr_outcome', false)::USMALLINT`,
    discontinued: sql`coalesce(closure = 'adr_discontinued', false)::USMALLINT`,
    within_90: sql`coalesce(adr_us <= 90 * 86400000000, false)::USMALLINT`,
    compliance: sql`(complied IS NOT NULL)::USMALLINT`,
    complied: sql`coalesce(complied, false)::USMALLINT`,
    // Judged at this snapshot's instant as complaint_facts_overdue re-judges every row on every
    // run. Set here too because an UPDATE of the rows just inserted makes the commit rewrite them
    // all, which would make a full run's commit many times slower.
    overdue: sql`coalesce(status = 'open' AND due_at < ${asOf}::TIMESTAMP, false)::USMALLINT`,
  };
}

const flagColumn = (flag: Flag) => sql.id(`x_${flag}`);

/** The flags but overdue packed as flag k × 2^k, six terms a line (overdue's bit is added with x_overdue). */
const PACKED_FLAGS: RawBuilder<unknown> = (() => {
  const terms = FLAGS.filter((f) => f !== 'overdue').map((f) =>
    flagBit(f) === 1 ? flagColumn(f) : sql`${sql.lit(flagBit(f))} * ${flagColumn(f)}`,
  );
  const lines = Array.from({ length: Math.ceil(terms.length / 6) }, (_, i) => list(terms.slice(i * 6, i * 6 + 6), sql` + `));
  return sql`(${list(lines, sql`\n     + `)})::USMALLINT`;
})();

const CLOSED_BIT = sql.lit(flagBit('closed'));

/**
 * The build-side optimizer is off for the INSERT: the join to trader_keys must hash trader_keys
 * (the small side) and stream the extract through it, but DuckDB cannot estimate the CSV's row
 * count and, once trader_keys is a stored table with statistics, turns the join around and hashes
 * every extracted row instead, which slows a full run badly. DuckDB has no
 * per-statement hint and the setting is instance-wide: queries served meanwhile run without it
 * too (their joins pair small tables, written small side last), and a run that fails before the
 * RESET has it reset by the runner (RESET_OPTIMIZERS: a SET outlives a rollback).
 */
export const RESET_OPTIMIZERS = sql`RESET disabled_optimizers`;

/**
 * Each row's flag class (x_class: its flags, outcome codes and coarse close bucket) needs the
 * distinct classes of the rows before the rows are written, so the derived rows are materialised
 * once in the statement: a full run reads the extract's file once; numbering the classes
 * afterwards would be an UPDATE of every row, which the commit rewrites. new_classes: the rows'
 * classes flag_classes does not know yet, numbered after its own; an open case has no close
 * bucket (matched as equal nulls). The left joins make a trader or ADR body without a key fail
 * the insert (NOT NULL) instead of losing rows. close_cb: the hour bucket (close_buckets) looked
 * up in its map, past the map's end the last bucket; close_cc: its coarse bucket, part of the
 * flag class rather than a column.
 */
export const complaintFacts: Step = {
  name: 'complaint_facts',
  on: EVERY_RUN,
  reads: ['extract_complaints', 'trader_keys', 'adr_body_keys', 'close_bucket_map', 'flag_classes', 'complaint_facts'],
  writes: ['complaint_facts', 'flag_classes'],
  statements: (input) => {
    const flags = flagsOf(input);
    return [
      sql`SET disabled_optimizers = 'build_side_probe_side'`,
      sql`INSERT INTO complaint_facts BY NAME
WITH derived AS MATERIALIZED (
  SELECT *,
    (SELECT coarse FROM close_bucket_map)[close_cb + 1] AS close_cc
  FROM (
  SELECT
    id, source, filed_at, consumer_country, trader_country,
    sector, problem, stage, status, coalesce(closure, '') AS closure,
    coalesce(trader_decision, '') AS trader_decision, adr_body_key, agreed_at,
    coalesce(refusal_ground, '') AS refusal_ground, coalesce(adr_result, '') AS adr_result,
    coalesce(discontinued_reason, '') AS discontinued_reason, due_at,
    close_us,
    adr_us,
    epoch_us(sent_at) - epoch_us(filed_at) AS sent_us,
    epoch_us(replied_at) - epoch_us(filed_at) AS replied_us,
    epoch_us(accepted_at) - epoch_us(filed_at) AS accepted_us,
    epoch_us(refused_at) - epoch_us(filed_at) AS refused_us,
    epoch_us(compliance_at) - epoch_us(filed_at) AS compliance_us,
    x_cross_border::UTINYINT AS x_cross_border,
    x_overdue::UTINYINT AS x_overdue,
    (year(filed_at) * 12 + month(filed_at) - 1)::USMALLINT AS filed_month,
    (year(filed_at) * 4 + quarter(filed_at) - 1)::USMALLINT AS filed_quarter,
    year(filed_at)::USMALLINT AS filed_year,
    CASE WHEN closed_at IS NOT NULL THEN (SELECT by_hour FROM close_bucket_map)[
      least(greatest(0, 2 * (close_us // 3600000000) + (close_us % 3600000000 <> 0)::BIGINT),
            len((SELECT by_hour FROM close_bucket_map)) - 1) + 1] END AS close_cb,
    trader_key,
    ${PACKED_FLAGS} AS x_flags
  FROM (
    SELECT *,
      ${list(
        FLAGS.map((f) => sql`${flags[f]} AS ${flagColumn(f)}`),
        sql`,\n      `,
      )}
    FROM (
      SELECT e.*, k.trader_key, CASE WHEN e.adr_body_id IS NULL THEN 0 ELSE b.adr_body_key END AS adr_body_key,
        epoch_us(closed_at) - epoch_us(filed_at) AS close_us,
        consumer_country <> trader_country AS cross_border,
        CASE WHEN replied_at IS NOT NULL AND sent_at IS NOT NULL THEN (epoch_us(replied_at) - epoch_us(sent_at)) / 1e6 END AS reply_seconds,
        CASE WHEN closure IN ('adr_outcome', 'adr_discontinued') AND agreed_at IS NOT NULL
             THEN epoch_us(closed_at) - epoch_us(agreed_at) END AS adr_us
      FROM extract_complaints e
      LEFT JOIN trader_keys k ON k.trader_id = e.trader_id
      LEFT JOIN adr_body_keys b ON b.adr_body_id = e.adr_body_id
    )
  )
  )
),
new_classes AS (
  SELECT d.*,
         ((SELECT coalesce(max(x_class) + 1, 0) FROM flag_classes)
          + row_number() OVER (ORDER BY x_flags, closure, trader_decision, adr_result, refusal_ground, close_cc, x_overdue) - 1)::USMALLINT AS x_class
  FROM (SELECT DISTINCT x_flags, closure, trader_decision, adr_result, refusal_ground, close_cc, x_overdue FROM derived) d
  ANTI JOIN flag_classes c
    ON c.x_bits = d.x_flags AND c.closure = d.closure AND c.trader_decision = d.trader_decision
   AND c.adr_result = d.adr_result AND c.refusal_ground = d.refusal_ground AND c.close_cc IS NOT DISTINCT FROM d.close_cc
   AND c.x_overdue = d.x_overdue
),
classes AS (
  SELECT x_bits AS x_flags, closure, trader_decision, adr_result, refusal_ground, close_cc, x_overdue, x_class FROM flag_classes
  UNION ALL
  SELECT x_flags, closure, trader_decision, adr_result, refusal_ground, close_cc, x_overdue, x_class FROM new_classes
)
SELECT d.* EXCLUDE (x_flags, close_cc), c.x_class, (d.x_flags + ${sql.lit(OVERDUE_BIT)} * d.x_overdue)::USMALLINT AS x_bits
FROM derived d JOIN classes c
  ON c.x_flags = d.x_flags AND c.closure = d.closure AND c.trader_decision = d.trader_decision
 AND c.adr_result = d.adr_result AND c.refusal_ground = d.refusal_ground AND c.close_cc IS NOT DISTINCT FROM d.close_cc
 AND c.x_overdue = d.x_overdue
ORDER BY filed_at, id`,
      RESET_OPTIMIZERS,
      // The classes first seen in this run.
      sql`INSERT INTO flag_classes
SELECT DISTINCT x_class, (x_bits - ${sql.lit(OVERDUE_BIT)} * x_overdue)::USMALLINT, closure, trader_decision, adr_result, refusal_ground,
       (SELECT coarse FROM close_bucket_map)[close_cb + 1], x_overdue, NULL::USMALLINT
FROM complaint_facts
WHERE x_class > (SELECT coalesce(max(x_class), -1) FROM flag_classes)`,
      // An open case's class has a twin differing in x_overdue alone, which complaint_facts_overdue
      // moves a case to when its deadline passes (or is moved): those not seen in rows yet,
      // numbered after the others, then every open class's x_twin.
      sql`INSERT INTO flag_classes
SELECT (SELECT max(x_class) FROM flag_classes) + row_number() OVER (ORDER BY x_class),
       c.x_bits, c.closure, c.trader_decision, c.adr_result, c.refusal_ground, c.close_cc, 1 - c.x_overdue, NULL
FROM flag_classes c
WHERE c.x_bits & ${CLOSED_BIT} = 0
  AND NOT EXISTS (
    SELECT 1 FROM flag_classes t
    WHERE t.x_bits = c.x_bits AND t.closure = c.closure AND t.trader_decision = c.trader_decision
      AND t.adr_result = c.adr_result AND t.refusal_ground = c.refusal_ground
      AND t.close_cc IS NOT DISTINCT FROM c.close_cc AND t.x_overdue <> c.x_overdue)`,
      sql`UPDATE flag_classes c
SET x_twin = t.x_class
FROM flag_classes t
WHERE c.x_twin IS NULL AND c.x_bits & ${CLOSED_BIT} = 0
  AND t.x_bits = c.x_bits AND t.closure = c.closure AND t.trader_decision = c.trader_decision
  AND t.adr_result = c.adr_result AND t.refusal_ground = c.refusal_ground
  AND t.close_cc IS NOT DISTINCT FROM c.close_cc AND t.x_overdue <> c.x_overdue`,
    ];
  },
};

/** A full run's complaints read: counted in complaint_facts after the insert (it started empty) rather than by parsing the file twice. */
export const countFacts: Step = {
  name: 'count_facts',
  on: ['full'],
  reads: ['complaint_facts'],
  writes: [],
  statements: () => [sql<{ n: number }>`SELECT count(*)::INTEGER AS n FROM complaint_facts`],
  finds: (row) => ({ rowsRead: Number(row?.n ?? 0) }),
};

/**
 * Every open case re-judged at this snapshot's instant (overdue.ts); the number of rows moved
 * tells whether any figure changed.
 */
export const complaintFactsOverdue: Step = {
  name: 'complaint_facts_overdue',
  on: EVERY_RUN,
  reads: ['complaint_facts', 'flag_classes'],
  writes: ['complaint_facts'],
  sideChanges: true,
  statements: ({ asOf }) => [overdueTwinMove('complaint_facts', asOf)],
};
