/**
 * The flag groups every measure is summed from (core/analytics/measures-sql.ts), and the ADR
 * durations beside them. A flag group is n rows of one flag class: the class (flag_classes)
 * carries the packed flags (x_bits; x_overdue apart, as it changes without the case changing),
 * the four outcome codes and the coarse close bucket (close_cc) the quantiles' histogram counts.
 */
import { FLAG_COUNTS } from '../../../../core/analytics/measures-sql.js';
import { list, sql, type RawBuilder } from '../../../../core/duckdb/duck-sql.js';
import { OVERDUE_BIT } from '../../../../core/flags.js';
import type { Where } from './filters.js';

/** The columns the grouped views group by. */
export const GROUP_COLUMNS = [
  'consumer_country',
  'trader_country',
  'sector',
  'problem',
  'filed_month',
  'filed_quarter',
  'filed_year',
  'trader_key',
] as const;
export type GroupColumn = (typeof GROUP_COLUMNS)[number];

/** The value a group column gives as "key": the ENUM columns a code, the others an integer. */
export interface GroupKey {
  consumer_country: string;
  trader_country: string;
  sector: string;
  problem: string;
  filed_month: number;
  filed_quarter: number;
  filed_year: number;
  trader_key: number;
}

/** The ENUM columns: their integer code comes from enum_code. */
const ENUM_GROUPS: ReadonlySet<GroupColumn> = new Set(['consumer_country', 'trader_country', 'sector', 'problem']);

/**
 * A group's value as the integer the close quantiles select and key groups by (close-quantiles.ts):
 * enum_code of an ENUM column, an integer column itself. `of` is the column or its alias.
 */
export function groupCode(column: GroupColumn, of: RawBuilder<unknown> = sql.ref(column)): RawBuilder<number> {
  return ENUM_GROUPS.has(column) ? sql<number>`enum_code(${of})` : sql<number>`${of}`;
}

/** The flags' counts, one a line (indented by two, as `selected` writes the measures). */
const flagCounts = list(FLAG_COUNTS, sql`,\n  `);

/** The whole set as one group: its code. */
export const WHOLE_SET: RawBuilder<number> = sql<number>`${sql.lit(0)}`;

/** The facts a set is counted in: complaint_facts, or adr_facts (every case an ADR body received). */
export type Facts = 'complaint_facts' | 'adr_facts';

/**
 * The rows of complaint_facts matching the filters, counted per group (`column`: the group's value
 * is "key") and flag class (x_class, which carries x_overdue), then unpacked: n rows and the x_…
 * count of each flag.
 */
export function flagGroups(column: GroupColumn, where: Where) {
  // Grouped on small integers only, which DuckDB counts in a perfect hash table, several times
  // faster than grouping per (sector text, x_bits). A set of rows shares a few
  // hundred classes: the measures then sum those few groups. Each class's coarse close bucket
  // (close_cc) gives the histogram of the quantiles from the same groups.
  return sql`SELECT "key", n, close_cc,
  ${flagCounts}
FROM (
  SELECT g."key", g.n, c.close_cc, (c.x_bits + ${sql.lit(OVERDUE_BIT)} * c.x_overdue)::INTEGER AS x_bits
  FROM (
    SELECT ${sql.ref(column)} AS "key", x_class, count(*) AS n
    FROM complaint_facts
    WHERE ${where}
    GROUP BY ALL
  ) g
  JOIN flag_classes c USING (x_class)
)`;
}

/**
 * The whole filtered set as flagGroups counts it, with each class's outcome codes and coarse close
 * bucket: for the summary, /stats/outcomes and the ADR report (over adr_facts, where every case an
 * ADR body received is).
 */
export function setGroups(facts: Facts, where: Where) {
  return sql`SELECT n, closure, trader_decision, adr_result, refusal_ground, close_cc,
  ${flagCounts}
FROM (
  SELECT g.n, (c.x_bits + ${sql.lit(OVERDUE_BIT)} * c.x_overdue)::INTEGER AS x_bits,
         c.closure, c.trader_decision, c.adr_result, c.refusal_ground, c.close_cc
  FROM (
    SELECT x_class, count(*) AS n
    FROM ${sql.table(facts)}
    WHERE ${where}
    GROUP BY ALL
  ) g
  JOIN flag_classes c USING (x_class)
)`;
}

/**
 * The days from receipt to conclusion at the ADR body (adrAverageDays, adrWithin90DaysShare in
 * ADR_MEASURES) of the filtered set: one row, read from adr_facts, where every concluded ADR case
 * is. Integer microseconds, summed exactly.
 */
export function adrDays(where: Where) {
  return sql`SELECT sum(adr_us) AS adr_us_sum, count(adr_us) AS adr_n
FROM adr_facts
WHERE ${where}`;
}
