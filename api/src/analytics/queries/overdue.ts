/** GET /stats/overdue: open cases by stage, and those past their stage deadline at the snapshot's time. */
import { sql, type Statement } from '../../../../core/duckdb/duck-sql.js';
import type { Where } from './filters.js';

/** A stage with open cases (stages without any have no row). */
export interface OverdueRow {
  stage: string;
  open: number;
  overdue: number;
}

export function overdue(where: Where): Statement<OverdueRow> {
  return sql<OverdueRow>`SELECT
  stage::VARCHAR AS "stage",
  count(*)::INTEGER AS "open",
  coalesce(sum(x_overdue), 0)::INTEGER AS "overdue"
FROM open_facts
WHERE (${where})
GROUP BY 1`;
}
