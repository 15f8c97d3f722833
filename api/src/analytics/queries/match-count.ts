/**
 * The registry's exact total, its snapshot part: the cases of the snapshot that match the filters,
 * less those changed since its watermark (the registry counts their current state in PostgreSQL).
 */
import { sql, type Statement } from '../../../../core/duckdb/duck-sql.js';
import type { Where } from './filters.js';

export interface MatchCountRow {
  n: number;
}

/** `changedIds`: comma-separated ids (digits), bound as one text and joined away. */
export function unchangedMatches(where: Where, changedIds: string): Statement<MatchCountRow> {
  if (changedIds === '') return sql<MatchCountRow>`SELECT count(*)::INTEGER AS "n" FROM complaint_facts WHERE (${where})`;
  return sql<MatchCountRow>`SELECT count(*)::INTEGER AS "n"
FROM complaint_facts
ANTI JOIN (SELECT unnest(CAST(string_split(${changedIds}, ',') AS BIGINT[])) AS id) AS changed USING (id)
WHERE (${where})`;
}
