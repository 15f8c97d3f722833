/**
 * The overdue flag re-judged at the snapshot's instant: deadlines pass with time, so every run
 * re-judges every open case, changed or not, in complaint_facts and in its copies (open_facts,
 * adr_facts). Only flags that flip are written. x_bits keeps x_overdue as its OVERDUE_BIT and the
 * flag class carries it: a case whose flag flips moves to its class's twin (flag_classes.x_twin).
 */
import { sql, type RawBuilder } from '../../core/duckdb/duck-sql.js';
import { OVERDUE_BIT } from '../../core/flags.js';

/** The tables of complaint_facts' rows, and whether they hold open cases only (no status to test). */
const OPEN_ONLY = { complaint_facts: false, open_facts: true, adr_facts: false } as const;
export type FactTable = keyof typeof OPEN_ONLY;

/**
 * Moves each case of `table` whose overdue flag is no longer right at `asOf` to its class's twin;
 * DuckDB returns the number of rows moved (`Count`).
 */
export function overdueTwinMove(table: FactTable, asOf: string): RawBuilder<{ Count: number }> {
  const bit = sql.lit(OVERDUE_BIT);
  const judged = OPEN_ONLY[table]
    ? sql`c.x_class = f.x_class AND f.x_overdue <> coalesce(f.due_at < ${asOf}::TIMESTAMP, false)::UTINYINT`
    : sql`c.x_class = f.x_class
  AND (f.status = 'open' OR f.x_overdue = 1)
  AND f.x_overdue <> coalesce(f.status = 'open' AND f.due_at < ${asOf}::TIMESTAMP, false)::UTINYINT`;
  return sql<{ Count: number }>`UPDATE ${sql.id(table)} f
SET x_overdue = 1 - f.x_overdue, x_bits = CASE WHEN f.x_overdue = 1 THEN f.x_bits - ${bit} ELSE f.x_bits + ${bit} END, x_class = c.x_twin
FROM flag_classes c
WHERE ${judged}`;
}
