/**
 * One piece of data a view loads: its status, data and error as runes. `load` may be called again
 * (filters changed) while a request is in flight; only the newest answer is kept, so a slow old
 * answer never overwrites a newer one.
 *
 * A resource is live: when the page learns of a new snapshot (freshness.svelte.ts) it asks its
 * last question again, quietly: what is shown stays, status 'ready', until the new answer
 * replaces it, so charts and tiles change in place without a skeleton's flash. Created in a
 * component's script (as every view does): the watch is an effect that ends with the component.
 */
import { untrack } from 'svelte';
import { freshness } from './freshness.svelte.js';

export type Status = 'loading' | 'ready' | 'error';

export class Resource<T> {
  status = $state<Status>('loading');
  data = $state.raw<T | undefined>(undefined);
  error = $state<string | undefined>(undefined);
  private seq = 0;
  private fetcher: (() => Promise<T>) | undefined;

  constructor() {
    $effect(() => {
      // The count of new snapshots is the only dependency; the first run (nothing new yet) asks nothing.
      if (freshness.snapshots === 0) return;
      untrack(() => this.refresh());
    });
  }

  load(fetcher: () => Promise<T>): void {
    this.run(fetcher, false);
  }

  /**
   * The last question again, for a new snapshot. Quiet over an answer on screen; a resource still
   * loading or failed loads as usual. A quiet failure keeps the figures shown (they are the last
   * snapshot's, as their stamp says) and the next snapshot asks again.
   */
  refresh(): void {
    if (this.fetcher) this.run(this.fetcher, this.status === 'ready');
  }

  private run(fetcher: () => Promise<T>, quiet: boolean): void {
    const id = ++this.seq;
    this.fetcher = fetcher;
    if (!quiet) this.status = 'loading';
    fetcher().then(
      (data) => {
        if (id !== this.seq) return;
        this.data = data;
        this.error = undefined;
        this.status = 'ready';
      },
      (err: unknown) => {
        if (id !== this.seq || quiet) return;
        this.error = err instanceof Error ? err.message : String(err);
        this.status = 'error';
      },
    );
  }
}
