/**
 * Learning of a new analytics snapshot in an open page: a poll of the stamp alone
 * (GET /api/v1/stats/as-of, no figures computed) every `intervalMs` while the tab is visible,
 * none while it is hidden, and one at once when it shows again. Pure of the browser: the page's
 * visibility and the timers come in, so snapshot-watch.test.ts drives it with fake ones.
 */
import type { AsOf } from './api.js';

/** Often enough that a run shows within seconds of a glance; one tiny request per tab. */
export const POLL_MS = 15_000;

export interface Visibility {
  readonly hidden: boolean;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
}

export interface WatchOptions {
  /** the current stamp, or undefined when it cannot be had now (no snapshot yet, offline) */
  fetchAsOf: () => Promise<AsOf | undefined>;
  /** every stamp read; `newer`: a snapshot other than the one the previous read saw */
  onAsOf: (asOf: AsOf, newer: boolean) => void;
  visibility: Visibility;
  intervalMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (timer: unknown) => void;
}

/** Starts watching (a first read at once, when visible); the function returned stops it. */
export function watchSnapshots(opts: WatchOptions): () => void {
  const { fetchAsOf, onAsOf, visibility, intervalMs = POLL_MS } = opts;
  const setTimer = opts.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = opts.clearTimer ?? ((t: unknown) => clearTimeout(t as ReturnType<typeof setTimeout>));
  let seen: number | undefined;
  let timer: unknown;
  let inFlight = false;
  let stopped = false;

  const schedule = (): void => {
    if (timer !== undefined) clearTimer(timer);
    timer = stopped || visibility.hidden ? undefined : setTimer(poll, intervalMs);
  };
  // The next poll is set when this one has ended, so a slow answer never overlaps the next ask.
  async function poll(): Promise<void> {
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
    if (stopped || visibility.hidden || inFlight) return;
    inFlight = true;
    try {
      const asOf = await fetchAsOf().catch(() => undefined);
      if (asOf && !stopped) {
        const newer = seen !== undefined && asOf.etlRunId !== seen;
        seen = asOf.etlRunId;
        onAsOf(asOf, newer);
      }
    } finally {
      inFlight = false;
      schedule();
    }
  }
  const onVisibility = (): void => {
    if (visibility.hidden) {
      if (timer !== undefined) clearTimer(timer);
      timer = undefined;
    } else void poll();
  };

  visibility.addEventListener('visibilitychange', onVisibility);
  if (visibility.hidden) schedule();
  else void poll();
  return () => {
    stopped = true;
    visibility.removeEventListener('visibilitychange', onVisibility);
    if (timer !== undefined) clearTimer(timer);
    timer = undefined;
  };
}
