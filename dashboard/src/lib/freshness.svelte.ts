/**
 * How fresh the figures are: the newest `asOf` any answer carried (the stamp at the top right),
 * and `snapshots`, which counts the new snapshots learnt of while the page is open. Every
 * Resource re-asks its question when it changes (resource.svelte.ts), keeping what it shows until
 * the new answer is there.
 */
import { api, type AsOf } from './api.js';
import { watchSnapshots } from './snapshot-watch.js';

export const freshness = $state<{ asOf: AsOf | undefined; snapshots: number }>({ asOf: undefined, snapshots: 0 });

export function noteAsOf(asOf: AsOf | undefined): void {
  if (asOf && (!freshness.asOf || asOf.etlRunId >= freshness.asOf.etlRunId)) freshness.asOf = asOf;
}

/**
 * Polls the stamp (snapshot-watch.ts) for as long as the caller's effect lives: the stamp follows
 * each read, and a newer snapshot refreshes whatever figures are on screen.
 */
export function watchFreshness(): () => void {
  return watchSnapshots({
    fetchAsOf: () => api.GET('/api/v1/stats/as-of').then(({ data }) => data?.asOf ?? undefined),
    onAsOf: (asOf, newer) => {
      noteAsOf(asOf);
      if (newer) freshness.snapshots++;
    },
    visibility: document,
  });
}
