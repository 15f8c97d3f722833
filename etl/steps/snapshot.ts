/**
 * snapshot: what this run publishes, written last, in the same transaction as the data.
 * snapshot_at is the instant the extract of the data run read the case store: a run that changed
 * no figure keeps the previous one, so every answer kept for a data version (snapshot-cache.ts)
 * censors open cases at the same instant (medianDaysToCloseKM).
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
  statements: ({ etlRunId, dataRunId, asOf, snapshotAt, snapshotXmin, storeId, schemaVersion, replyDays }) => [
    sql`INSERT INTO snapshot
SELECT ${etlRunId}, ${dataRunId}, ${asOf}::TIMESTAMP, (SELECT count(*) FROM complaint_facts)::INTEGER, ${snapshotXmin}, ${storeId}, ${schemaVersion}, ${replyDays},
       CASE WHEN ${dataRunId} = ${etlRunId} THEN ${snapshotAt}::TIMESTAMP ELSE (SELECT max(snapshot_at) FROM snapshot) END`,
    sql`DELETE FROM snapshot WHERE etl_run_id <> ${etlRunId}`,
    sql<{ complaints: number }>`SELECT complaints FROM snapshot`,
  ],
  finds: (row) => ({ complaints: Number(row?.complaints ?? 0) }),
};
