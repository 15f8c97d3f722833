/**
 * The analytics side of one process, chosen by configuration. Without SNAPSHOT_DIR (one
 * instance): one DuckDB store at DUCKDB_PATH that the ETL writes and the API reads, publication
 * being a DuckDB transaction. With SNAPSHOT_DIR (several instances): the API reads the newest
 * snapshot published there, and the ETL writes DUCKDB_PATH only while it runs, then publishes.
 */
import { AnalyticsDb } from './analytics-db.js';
import { SHARED_SPLIT, shareOf, type DuckdbBudget } from './duckdb-budget.js';
import { SharedSnapshots } from './shared-snapshots.js';
import type { SnapshotSource } from './snapshot-source.js';
import { perRunWorkStore, residentWorkStore, type WorkStore } from './work-store.js';

export interface AnalyticsStores {
  /** What the API reads. */
  source: SnapshotSource;
  /** What the ETL writes. */
  work: WorkStore;
  /** Set with SNAPSHOT_DIR. */
  shared: SharedSnapshots | null;
}

export interface AnalyticsStoresConfig {
  duckdbPath: string;
  /** DUCKDB_MEMORY_LIMIT in bytes: the budget of every DuckDB instance below together; null: DuckDB's default in each. */
  duckdbMemoryLimit: number | null;
  duckdbThreads: number;
  snapshotDir: string | null;
}

/**
 * `schemaVersion`: the version the ETL writes (etl/index.ts): a store or snapshot of another
 * version is rebuilt, pruned or not extended. `onError`: a shared snapshot that failed to load.
 */
export async function openAnalyticsStores(
  config: AnalyticsStoresConfig,
  opts: { schemaVersion: string; onError: (err: Error) => void },
): Promise<AnalyticsStores> {
  const { schemaVersion, onError } = opts;
  const budget: DuckdbBudget = { memoryBytes: config.duckdbMemoryLimit, threads: config.duckdbThreads };
  if (config.snapshotDir) {
    // Open at once: the work store while a run lasts, and up to two snapshots (duckdb-budget.ts).
    const shared = await SharedSnapshots.open(config.snapshotDir, {
      limits: shareOf(budget, SHARED_SPLIT.snapshot),
      // Next to the work store's spill (<DUCKDB_PATH>.tmp/), under DATA_DIR unless DUCKDB_PATH is elsewhere.
      spillDir: `${config.duckdbPath}.snapshots.tmp`,
      schemaVersion,
      onError,
    });
    return {
      source: shared,
      work: perRunWorkStore(config.duckdbPath, { limits: shareOf(budget, SHARED_SPLIT.work), schemaVersion }),
      shared,
    };
  }
  const db = await AnalyticsDb.open(config.duckdbPath, { ...shareOf(budget, 1), schemaVersion }).catch((err: Error) => {
    throw heldByAnother(err, config.duckdbPath) ?? err;
  });
  return { source: db, work: residentWorkStore(db), shared: null };
}

/** The analytics store is held by another process: it says what to do instead of DuckDB's words. */
export class AnalyticsStoreInUse extends Error {}

function heldByAnother(err: Error, file: string): AnalyticsStoreInUse | null {
  const lock = /Could not set lock on file.*\(PID (\d+)\)/.exec(err.message);
  if (!lock) return null;
  return new AnalyticsStoreInUse(
    `the analytics store ${file} is in use by another process (PID ${lock[1]}), most likely another instance on the same DATA_DIR. ` +
      'To run several instances, give every one the same SNAPSHOT_DIR (see docs/operations.md); ' +
      'to run a separate instance, give it a different DATA_DIR (or DUCKDB_PATH).',
  );
}
