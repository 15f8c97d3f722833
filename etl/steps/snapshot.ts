/**
 * snapshot: what this run publishes, written last, in the same transaction as the data.
 */
import { sql } from '../../core/duckdb/duck-sql.js';
import { EVERY_RUN, type Step } from '../step.js';

/** The run whose figures the published snapshot shows (the runner keeps it when nothing changed). */
export const PREVIOUS_DATA_RUN = sql<{ data_run_id: number }>`SELECT data_run_id FROM snapshot`;

export const snapshot: Step = {
  name: 'snapshot',
  on: EVERY_RUN,
  reads: ['complaint_facts', 'snapshot'],
  writes: ['snapshot'],
  publishes: true,
  statements: ({ etlRunId, dataRunId, asOf, snapshotXmin, storeId, schemaVersion, replyDays }) => [
    sql`DELETE FROM snapshot`,
    sql`INSERT INTO snapshot
SELECT ${etlRunId}, ${dataRunId}, ${asOf}::TIMESTAMP, (SELECT count(*) FROM complaint_facts)::INTEGER, ${snapshotXmin}, ${storeId}, ${schemaVersion}, ${replyDays}`,
    sql<{ complaints: number }>`SELECT complaints FROM snapshot`,
  ],
  finds: (row) => ({ complaints: Number(row?.complaints ?? 0) }),
};
