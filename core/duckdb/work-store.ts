/**
 * The DuckDB store an ETL run writes. One instance: the store it also serves from, open for the
 * process's life. Shared snapshots: the DUCKDB_PATH file, opened for the run alone and closed
 * after it, so instances that share a DATA_DIR take turns on it under the ETL lock (DuckDB lets
 * one process at a time open a file for writing).
 */
import { AnalyticsDb } from './analytics-db.js';
import type { InstanceLimits } from './duckdb-budget.js';

export interface WorkStore {
  open(): Promise<{ db: AnalyticsDb; release(): Promise<void> }>;
}

export function residentWorkStore(db: AnalyticsDb): WorkStore {
  return { open: async () => ({ db, release: async () => undefined }) };
}

/** `limits`: the work store's share of the process's DuckDB budget (duckdb-budget.ts). */
export function perRunWorkStore(file: string, opts: { limits?: InstanceLimits; schemaVersion: string }): WorkStore {
  return {
    async open() {
      const db = await AnalyticsDb.open(file, { readers: 1, ...opts.limits, schemaVersion: opts.schemaVersion });
      return { db, release: () => db.close() };
    },
  };
}
