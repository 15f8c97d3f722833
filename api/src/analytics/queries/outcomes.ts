/**
 * GET /stats/outcomes: the shares' denominators and the ADR measures (as the ADR report's
 * summary), and how many cases fall in each value of the outcome columns ('' left out), in one
 * scan: the set's flag groups, whose class carries the four outcome codes (a perfect hash table:
 * several times faster than a summary scan plus one grouping set per column). The
 * discontinuation reason (a code) is counted apart, over the discontinued
 * cases in adr_facts (with the ADR durations, adrDays).
 */
import { ADR_MEASURES, selected } from '../../../../core/analytics/measures-sql.js';
import type { DiscontinuedReason } from '../../../../core/codes.js';
import { sql, type Statement } from '../../../../core/duckdb/duck-sql.js';
import type { Where } from './filters.js';
import { adrDays, setGroups } from './flag-groups.js';
import type { AdrMeasureRow } from './measure-rows.js';

/** The outcome columns counted, as the rows name them. */
export type OutcomeColumn = 'closure' | 'trader_decision' | 'adr_result' | 'refusal_ground' | 'discontinued_reason';

/** One value of one column and its count; the discontinuation reason is a code of its list. */
type Counted =
  | { column: Exclude<OutcomeColumn, 'discontinued_reason'>; key: string; count: number }
  | { column: 'discontinued_reason'; key: DiscontinuedReason; count: number }
  | { column: null; key: null; count: null };

/**
 * Every row carries the summary; each counts one value of one column. A set without a counted
 * value gives one row, its column, key and count null.
 */
export type OutcomeRow = { closed: number; traderReplied: number } & AdrMeasureRow & Counted;

export function outcomes(where: Where): Statement<OutcomeRow> {
  return sql<OutcomeRow>`WITH groups AS MATERIALIZED (${setGroups('complaint_facts', where)}),
summary AS (
SELECT
  coalesce(sum(x_closed), 0)::INTEGER AS "closed",
  coalesce(sum(x_replied), 0)::INTEGER AS "traderReplied",
  ${selected(ADR_MEASURES)}
FROM groups, (${adrDays(where)})
),
counts AS (
  SELECT 'closure' AS "column", closure::VARCHAR AS "key", sum(n) AS "count" FROM groups GROUP BY closure
  UNION ALL
  SELECT 'trader_decision', trader_decision::VARCHAR, sum(n) FROM groups GROUP BY trader_decision
  UNION ALL
  SELECT 'adr_result', adr_result::VARCHAR, sum(n) FROM groups GROUP BY adr_result
  UNION ALL
  SELECT 'refusal_ground', refusal_ground::VARCHAR, sum(n) FROM groups GROUP BY refusal_ground
  UNION ALL
  SELECT 'discontinued_reason', discontinued_reason::VARCHAR, count(*)
  FROM adr_facts
  WHERE (${where}) AND closure = CAST('adr_discontinued' AS closure_code)
  GROUP BY discontinued_reason
)
SELECT s.*, c."column", c."key", c."count"::INTEGER AS "count"
FROM summary s LEFT JOIN (SELECT * FROM counts WHERE "key" <> '') c ON true
ORDER BY c."column", c."count" DESC, c."key"`;
}
