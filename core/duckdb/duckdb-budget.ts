/**
 * DuckDB's share of one process (DUCKDB_MEMORY_LIMIT, DUCKDB_THREADS). The memory limit is a
 * budget for the whole process: every DuckDB instance it opens for analytics at the same time
 * gets a part of it, so that together they stay within it. DuckDB spills to disk what does not
 * fit (its temp directory, under DATA_DIR) rather than grow.
 *
 * Which instances can be open at once:
 * - one instance (no SNAPSHOT_DIR): the store the ETL writes and the API reads, alone: all of it;
 * - shared snapshots: the ETL's work store during a run (half), the snapshot served and the newer
 *   one opened while the old one finishes its requests (a quarter each).
 * Besides those, a few instances that hold no data get a fixed sliver (TINY_INSTANCE).
 */
import { availableParallelism } from 'node:os';

export interface DuckdbBudget {
  /** Bytes for all the process's DuckDB instances together; null: DuckDB's own default in each (80 % of the memory it sees). */
  memoryBytes: number | null;
  /** Threads each instance may run its queries on. */
  threads: number;
}

/** What AnalyticsDb.open takes: DuckDB's memory_limit (unset: its default) and threads. */
export interface InstanceLimits {
  memoryLimit?: string;
  threads: number;
}

/** One core per thread, at most 8: beyond that a query of this store gains little and memory per thread adds up. */
export const defaultThreads = (): number => Math.max(1, Math.min(availableParallelism(), 8));

/** The shares of the budget with shared snapshots (see above). */
export const SHARED_SPLIT = { work: 1 / 2, snapshot: 1 / 4 } as const;

/** An instance that holds no rows (the empty stand-in before the first snapshot, a version check). */
export const TINY_INSTANCE: InstanceLimits = { memoryLimit: '32MB', threads: 1 };

/**
 * What an instance running the ETL needs whatever the data's size: about 64 MB plus 16 MB per
 * thread (measured on 20 000 and 300 000 complaints with 1–8 threads; below it a run fails with
 * DuckDB's "out of memory": some allocations, such as a perfect hash table of 30.5 MiB, do not
 * spill). Above it a larger store spills more rather than failing.
 */
export const etlFloorBytes = (threads: number): number => (64 + 16 * threads) * 1e6;

/** `fraction` of the budget, as DuckDB settings (bytes, so DuckDB reads exactly what was computed). */
export function shareOf(budget: DuckdbBudget, fraction: number): InstanceLimits {
  return {
    threads: budget.threads,
    ...(budget.memoryBytes === null ? {} : { memoryLimit: `${Math.floor(budget.memoryBytes * fraction)}B` }),
  };
}

const UNITS: Record<string, number> = {
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** '512MB', '1.5GiB' → bytes, with DuckDB's meaning of the units (KB = 1000 bytes, KiB = 1024); null when not a size. */
export function parseSize(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]i?b)$/i.exec(text.trim());
  if (!m) return null;
  return Math.floor(Number(m[1]) * UNITS[m[2]!.toLowerCase()]!);
}
