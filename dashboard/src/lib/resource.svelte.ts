/**
 * One piece of data a view loads: its status, data and error as runes. `load` may be called again
 * (filters changed) while a request is in flight; only the newest answer is kept, so a slow old
 * answer never overwrites a newer one.
 */
export type Status = 'loading' | 'ready' | 'error';

export class Resource<T> {
  status = $state<Status>('loading');
  data = $state.raw<T | undefined>(undefined);
  error = $state<string | undefined>(undefined);
  private seq = 0;

  load(fetcher: () => Promise<T>): void {
    const id = ++this.seq;
    this.status = 'loading';
    fetcher().then(
      (data) => {
        if (id !== this.seq) return;
        this.data = data;
        this.error = undefined;
        this.status = 'ready';
      },
      (err: unknown) => {
        if (id !== this.seq) return;
        this.error = err instanceof Error ? err.message : String(err);
        this.status = 'error';
      },
    );
  }
}
