/**
 * GET /stats/traders: the regulators' trader table. Step 1 ranks the traders by complaints, with
 * their ids and names; step 2 computes the listed traders' measures and quantiles as the grouped
 * views do (byDimension by trader_key, over listedTraders' filter).
 */
import { list, sql, type Statement } from '../../../../core/duckdb/duck-sql.js';
import { keyLiteral, type Where } from './filters.js';

export interface RankedTraderRow {
  trader_key: number;
  traderId: string;
  name: string | null;
  country: string | null;
}

/** Step 1: the first `limit` traders by complaints (ties by id). */
export function rankedTraders(where: Where, limit: number): Statement<RankedTraderRow> {
  // Ranked by a count per trader_key alone (an integer: a perfect hash table, much cheaper than
  // grouping the traders' text); the ids and names are joined to the listed ones, so the
  // filters only ever see complaint_facts' columns.
  return sql<RankedTraderRow>`WITH counted AS (
  SELECT trader_key, count(*) AS n
  FROM complaint_facts
  WHERE ${where}
  GROUP BY trader_key
)
SELECT c.trader_key, k.trader_id AS "traderId", t.name AS "name", t.country AS "country"
FROM counted c
JOIN trader_keys k USING (trader_key)
LEFT JOIN traders t ON t.id = k.trader_id
ORDER BY c.n DESC, k.trader_id
LIMIT ${limit}`;
}

/**
 * Step 2's filter: the filters, and the listed traders' keys (integers from the store, written
 * inline as the filters write keys; at least one).
 */
export function listedTraders(where: Where, keys: readonly number[]): Where {
  // The range check goes first: DuckDB tests `IN` over 50 values row by row, a range costs
  // little, and where the listed keys lie close together (keys are given in id order) it spares
  // most of them (see bench/RESULTS.md; no loss when they do not).
  return sql`(${where}) AND trader_key BETWEEN ${keyLiteral(Math.min(...keys))} AND ${keyLiteral(Math.max(...keys))} AND trader_key IN (${list(keys.map(keyLiteral))})`;
}
