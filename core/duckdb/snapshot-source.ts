/**
 * Where the API reads analytics: the instance's own store (one instance, the default) or the
 * newest snapshot published in SNAPSHOT_DIR (several instances). Either way a read sees one
 * complete snapshot from start to end.
 */
import type { Query, Snapshot } from './analytics-db.js';

export interface SnapshotSource {
  /** Runs `fn` on one snapshot: every query inside sees the same one. */
  read<T>(fn: (q: Query) => Promise<T>): Promise<T>;
  /** The snapshot served, or null before the first successful ETL run. */
  snapshot(): Promise<Snapshot | null>;
  close(graceMs?: number): Promise<void>;
}
