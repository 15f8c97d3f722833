/**
 * One piece of data a view loads: its status, data and error as runes. `load` may be called again
 * (filters changed) while a request is in flight; only the newest answer is kept, so a slow old
 * answer never overwrites a newer one.
 *
 * With `keep` (the filtered views: Overview, Countries, Resolution), a new question over an answer
 * on screen keeps that answer, status 'ready', until the new one replaces it: charts and tiles
 * change in place instead of flashing skeletons. `busy` says a question is in flight, so the
 * figures shown can be marked as about to change (aria-busy). The first load, and a load after a
 * failure, still go through 'loading' (a skeleton); a failure still shows as 'error'.
 *
 * A resource is live: when the page learns of a new snapshot (freshness.svelte.ts) it asks its
 * last question again, quietly: what is shown stays, status 'ready' and not busy (nobody asked),
 * until the new answer replaces it. Created in a component's script (as every view does): the
 * watch is an effect that ends with the component.
 */
import { untrack } from 'svelte';
import { freshness } from './freshness.svelte.js';

export type Status = 'loading' | 'ready' | 'error';

export interface ResourceOptions {
  /** keep the answer on screen (status 'ready', `busy`) while a new question loads */
  keep?: boolean;
}

export class Resource<T> {
  status = $state<Status>('loading');
  data = $state.raw<T | undefined>(undefined);
  error = $state<string | undefined>(undefined);
  /** a `load` in flight (its answer not in yet); a quiet refresh does not count */
  busy = $state(false);
  private seq = 0;
  private fetcher: (() => Promise<T>) | undefined;
  private readonly keep: boolean;

  constructor(options: ResourceOptions = {}) {
    this.keep = options.keep ?? false;
    $effect(() => {
      // The count of new snapshots is the only dependency; the first run (nothing new yet) asks nothing.
      if (freshness.snapshots === 0) return;
      untrack(() => this.refresh());
    });
  }

  load(fetcher: () => Promise<T>): void {
    // Views call this from an effect: what run() reads (status) must not become the effect's
    // dependency, or each answer would ask the question again.
    untrack(() => this.run(fetcher, false));
  }

  /**
   * The last question again, for a new snapshot. Quiet over a settled answer on screen; a resource
   * still loading (or busy with a newer question) or failed loads as usual. A quiet failure keeps
   * the figures shown (they are the last snapshot's, as their stamp says) and the next snapshot
   * asks again.
   */
  refresh(): void {
    if (this.fetcher) this.run(this.fetcher, this.status === 'ready' && !this.busy);
  }

  private run(fetcher: () => Promise<T>, quiet: boolean): void {
    const id = ++this.seq;
    this.fetcher = fetcher;
    if (!quiet) {
      if (!(this.keep && this.status === 'ready')) this.status = 'loading';
      this.busy = true;
    }
    fetcher().then(
      (data) => {
        if (id !== this.seq) return;
        this.data = data;
        this.error = undefined;
        this.status = 'ready';
        this.busy = false;
      },
      (err: unknown) => {
        if (id !== this.seq || quiet) return;
        this.error = err instanceof Error ? err.message : String(err);
        this.status = 'error';
        this.busy = false;
      },
    );
  }
}
