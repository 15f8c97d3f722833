/**
 * The registry's exact total, its snapshot part: the cases of the snapshot that match the filters,
 * less those changed since its watermark (the registry counts their current state in PostgreSQL).
 */
import { sql, type Statement } from '../../../../core/duckdb/duck-sql.js';
import type { Where } from './filters.js';

export interface MatchCountRow {
  n: number;
}

/** `changedIds`: ids (digits), bound as one comma-separated text and joined away. */
export function unchangedMatches(where: Where, changedIds: readonly string[]): Statement<MatchCountRow> {
  if (changedIds.length === 0) return sql<MatchCountRow>`SELECT count(*)::INTEGER AS "n" FROM complaint_facts WHERE (${where})`;
  return sql<MatchCountRow>`SELECT count(*)::INTEGER AS "n"
FROM complaint_facts
ANTI JOIN (SELECT unnest(CAST(string_split(${changedIds.join(',')}, ',') AS BIGINT[])) AS id) AS changed USING (id)
WHERE (${where})`;
}
