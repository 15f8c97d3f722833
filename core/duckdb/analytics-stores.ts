/**
 * The analytics side of one process, chosen by configuration. Without SNAPSHOT_DIR (one
 * instance): one DuckDB store at DUCKDB_PATH that the ETL writes and the API reads, publication
 * being a DuckDB transaction. With SNAPSHOT_DIR (several instances): the API reads the newest
 * snapshot published there, and the ETL writes DUCKDB_PATH only while it runs, then publishes.
 */
import { AnalyticsDb } from './analytics-db.js';
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
  duckdbMemoryLimit: string | undefined;
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
  if (config.snapshotDir) {
    const shared = await SharedSnapshots.open(config.snapshotDir, { memoryLimit: config.duckdbMemoryLimit, schemaVersion, onError });
    return { source: shared, work: perRunWorkStore(config.duckdbPath, { memoryLimit: config.duckdbMemoryLimit, schemaVersion }), shared };
  }
  const db = await AnalyticsDb.open(config.duckdbPath, { memoryLimit: config.duckdbMemoryLimit, schemaVersion });
  return { source: db, work: residentWorkStore(db), shared: null };
}
