/**
 * What the analytics keep between requests, per data version (snapshot.data_run_id: the last run
 * that changed any figure). A snapshot never changes, so a kept answer is exact until a run
 * publishes new figures: the dashboard's many readers asking the same views cost one query each.
 * A run that changed no figure keeps them (only the asOf stamp moves, and that is not kept).
 * Versions only grow; a reader still on an older snapshot (its transaction began before a
 * publication) neither reads nor fills what is kept.
 */
import { LRUCache } from 'lru-cache';
import type { PublishedChange } from '../../../etl/index.js';
import type { CloseBuckets } from './close-quantiles.js';

/** Answers kept per data version (small JSON documents). */
export const CACHE_ENTRIES = 1000;
/** Prewarm at most this often when only deadlines passed. */
export const PREWARM_EVERY_MS = 5 * 60_000;

/** The answers of the newest data version seen, least recently used first out. */
export class AnswerCache {
  private readonly answers: LRUCache<string, object>;
  private dataRunId = -1;
  private lastPrewarm = 0;

  constructor(max = CACHE_ENTRIES) {
    this.answers = new LRUCache({ max });
  }

  /** The answer kept for `key` on this data version, if any (a reader of an older version gets none). */
  get<T extends object>(key: string, dataRunId: number): T | undefined {
    this.see(dataRunId);
    return dataRunId === this.dataRunId ? (this.answers.get(key) as T | undefined) : undefined;
  }

  /** Keeps an answer computed on this data version, unless a newer one was published meanwhile. */
  set(key: string, dataRunId: number, answer: object): void {
    this.see(dataRunId);
    if (dataRunId === this.dataRunId) this.answers.set(key, answer);
  }

  /** A newer data version empties the cache. */
  private see(dataRunId: number): void {
    if (dataRunId > this.dataRunId) {
      this.answers.clear();
      this.dataRunId = dataRunId;
    }
  }

  /**
   * Whether to recompute the unfiltered views after a publication: when complaints changed; when
   * only deadlines passed (overdue flags flipped, which with many open cases happens on nearly
   * every run), at most every PREWARM_EVERY_MS: a short ETL_CRON must not mean a machine busy
   * re-computing figures nobody asked for. A yes counts as a prewarm from now.
   */
  prewarmDue(change: PublishedChange, now = Date.now()): boolean {
    if (!change.dataChanged) return false;
    if (!change.rowsChanged && now - this.lastPrewarm < PREWARM_EVERY_MS) return false;
    this.lastPrewarm = now;
    return true;
  }
}

/**
 * The close buckets of the newest data version read (a full run chooses new ones, and publishes
 * a new version): read once per version, by the first reader that needs them.
 */
export class CloseBucketsCache {
  private kept: { dataRunId: number; read: Promise<CloseBuckets> } | null = null;

  of(dataRunId: number, read: () => Promise<CloseBuckets>): Promise<CloseBuckets> {
    if (this.kept?.dataRunId === dataRunId) return this.kept.read;
    const reading = read();
    // A reader still on an older snapshot reads its own and keeps none.
    if (dataRunId >= (this.kept?.dataRunId ?? -1)) {
      this.kept = { dataRunId, read: reading };
      // A failed read is not kept: the next reader tries again.
      reading.catch(() => (this.kept = this.kept?.read === reading ? null : this.kept));
    }
    return reading;
  }
}
