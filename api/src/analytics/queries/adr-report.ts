/**
 * The ADR body activity report (domain.md §4) over the cases a body received in the years: all of
 * them are in adr_facts. Its counts and ADR measures (no quantile: one cheap scan), its breakdowns
 * and the traders named most often.
 */
import { ADR_MEASURES, selected } from '../../../../core/analytics/measures-sql.js';
import { sql, type Statement } from '../../../../core/duckdb/duck-sql.js';
import { keyLiteral, type Where } from './filters.js';
import { adrDays, setGroups } from './flag-groups.js';
import type { AdrMeasureRow } from './measure-rows.js';

export interface AdrBodyRow {
  id: string;
  name: string | null;
  country: string | null;
  /** null: the body has no case in the snapshot. */
  adr_body_key: number | null;
}

/** The body (no row: the snapshot does not know it) and its key. */
export function adrBody(adrBodyId: string): Statement<AdrBodyRow> {
  return sql<AdrBodyRow>`SELECT b.id, b.name, b.country, k.adr_body_key FROM adr_bodies b LEFT JOIN adr_body_keys k ON k.adr_body_id = b.id WHERE b.id = ${adrBodyId}`;
}

export interface AdrBodyIdRow {
  id: string;
}

/** Every ADR body of the snapshot, by id. */
export const adrBodyIds: Statement<AdrBodyIdRow> = sql<AdrBodyIdRow>`SELECT id FROM adr_bodies ORDER BY id`;

/**
 * The cases the body (its key: an integer from the store, or -1 for a body without a case, which
 * matches nothing) received in the years (the first and the last).
 */
export function receivedIn(adrBodyKey: number, years: readonly number[]): Where {
  return sql`adr_body_key = ${keyLiteral(adrBodyKey)} AND agreed_at >= make_timestamp(${years[0]!}, 1, 1, 0, 0, 0) AND agreed_at < make_timestamp(${years[years.length - 1]!} + 1, 1, 1, 0, 0, 0)`;
}

export type AdrSummaryRow = { closed: number; traderReplied: number; crossBorder: number } & AdrMeasureRow;

/** One row. */
export function adrSummary(where: Where): Statement<AdrSummaryRow> {
  return sql<AdrSummaryRow>`SELECT
  coalesce(sum(x_closed), 0)::INTEGER AS "closed",
  coalesce(sum(x_replied), 0)::INTEGER AS "traderReplied",
  coalesce(sum(x_cross_border), 0)::INTEGER AS "crossBorder",
  ${selected(ADR_MEASURES)}
FROM (${setGroups('adr_facts', where)}), (${adrDays(where)})`;
}

export type BreakdownColumn = 'problem' | 'sector' | 'refusal_ground' | 'adr_result' | 'discontinued_reason';

export interface BreakdownRow {
  column: BreakdownColumn;
  key: string;
  count: number;
}

/**
 * The breakdowns of the cases received, in one scan (one grouping set per column; '', no value,
 * left out), by column, then count (most first) and key.
 */
export function adrBreakdowns(where: Where): Statement<BreakdownRow> {
  // The keys are text: the ENUM columns would otherwise not coalesce, nor sort alphabetically.
  return sql<BreakdownRow>`SELECT
  CASE WHEN grouping(problem) = 0 THEN 'problem'
       WHEN grouping(sector) = 0 THEN 'sector'
       WHEN grouping(refusal_ground) = 0 THEN 'refusal_ground'
       WHEN grouping(adr_result) = 0 THEN 'adr_result'
       ELSE 'discontinued_reason' END AS "column",
  coalesce(problem::VARCHAR, sector::VARCHAR, refusal_ground::VARCHAR, adr_result::VARCHAR, discontinued_reason::VARCHAR) AS "key",
  count(*)::INTEGER AS "count"
FROM adr_facts
WHERE ${where}
GROUP BY GROUPING SETS ((problem), (sector), (refusal_ground), (adr_result), (discontinued_reason))
HAVING coalesce(problem::VARCHAR, sector::VARCHAR, refusal_ground::VARCHAR, adr_result::VARCHAR, discontinued_reason::VARCHAR) <> ''
ORDER BY 1, 3 DESC, 2`;
}

export interface TopTraderRow {
  traderId: string;
  count: number;
  name: string | null;
}

/** The `limit` traders named most often in the cases received (the report's "systematic problems"). */
export function topTraders(where: Where, limit: number): Statement<TopTraderRow> {
  // Counted per trader_key (an integer groups faster than the id's text); ids and names are
  // joined to the listed few.
  return sql<TopTraderRow>`WITH ranked AS (
  SELECT c.trader_key, k.trader_id AS "traderId", c."count"
  FROM (
    SELECT trader_key, count(*)::INTEGER AS "count"
    FROM adr_facts
    WHERE ${where}
    GROUP BY trader_key
  ) c
  JOIN trader_keys k USING (trader_key)
  ORDER BY c."count" DESC, "traderId"
  LIMIT ${limit}
)
SELECT r."traderId", r."count", t.name AS "name"
FROM ranked r LEFT JOIN traders t ON t.id = r."traderId"
ORDER BY r."count" DESC, r."traderId"`;
}
