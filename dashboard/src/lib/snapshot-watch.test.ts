/**
 * The snapshot watch with a fake page and fake timers: a read at once, one per interval while the
 * tab is visible, none while hidden, one at once when it shows again, never two at a time; "newer"
 * only for a snapshot other than the previous read's; nothing after stop.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AsOf } from './api.js';
import { POLL_MS, watchSnapshots, type Visibility } from './snapshot-watch.js';

class FakePage implements Visibility {
  hidden = false;
  private listeners = new Set<() => void>();
  addEventListener(_type: 'visibilitychange', l: () => void): void {
    this.listeners.add(l);
  }
  removeEventListener(_type: 'visibilitychange', l: () => void): void {
    this.listeners.delete(l);
  }
  set(hidden: boolean): void {
    this.hidden = hidden;
    for (const l of this.listeners) l();
  }
  get listening(): number {
    return this.listeners.size;
  }
}

const stamp = (etlRunId: number): AsOf => ({ etlRunId, finishedAt: `2026-12-07T0${etlRunId}:00:00.000Z` });

describe('watchSnapshots', () => {
  let page: FakePage;
  let run: number;
  let asked: number;
  let seen: [number, boolean][];
  const start = (fetchAsOf?: () => Promise<AsOf | undefined>) =>
    watchSnapshots({
      fetchAsOf:
        fetchAsOf ??
        (async () => {
          asked++;
          return stamp(run);
        }),
      onAsOf: (a, newer) => seen.push([a.etlRunId, newer]),
      visibility: page,
    });

  beforeEach(() => {
    vi.useFakeTimers();
    page = new FakePage();
    run = 1;
    asked = 0;
    seen = [];
  });
  afterEach(() => vi.useRealTimers());

  it('reads at once, then every interval; newer only when the snapshot changed', async () => {
    const stop = start();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([[1, false]]);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(seen).toEqual([
      [1, false],
      [1, false],
    ]);
    run = 2;
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(seen.at(-1)).toEqual([2, true]);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(seen.at(-1)).toEqual([2, false]);
    expect(asked).toBe(4);
    stop();
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    expect(asked).toBe(4);
    expect(page.listening).toBe(0);
  });

  it('asks nothing while the tab is hidden, and at once when it shows again', async () => {
    const stop = start();
    await vi.advanceTimersByTimeAsync(0);
    page.set(true);
    run = 3;
    await vi.advanceTimersByTimeAsync(POLL_MS * 10);
    expect(asked).toBe(1);
    page.set(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(asked).toBe(2);
    expect(seen.at(-1)).toEqual([3, true]);
    // Back to one read per interval, not two chains of them.
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(asked).toBe(3);
    stop();
  });

  it('a tab hidden from the start asks nothing until shown', async () => {
    page.hidden = true;
    const stop = start();
    await vi.advanceTimersByTimeAsync(POLL_MS * 5);
    expect(asked).toBe(0);
    page.set(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([[1, false]]);
    stop();
  });

  it('never two reads at a time: the next interval starts when a slow answer is in', async () => {
    let release: (() => void) | undefined;
    let inFlight = 0;
    let most = 0;
    const stop = start(async () => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise<void>((r) => (release = r));
      inFlight--;
      return stamp(1);
    });
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    // Showing the tab again while the read is out starts no second one.
    page.set(true);
    page.set(false);
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(most).toBe(1);
    release!();
    await vi.advanceTimersByTimeAsync(0);
    expect(seen).toEqual([[1, false]]);
    stop();
  });

  it('a failed or empty read (no snapshot yet, offline) is skipped, and the watch goes on', async () => {
    let answer: 'fail' | 'none' | 'ok' = 'fail';
    const stop = start(async () => {
      if (answer === 'fail') throw new Error('offline');
      return answer === 'none' ? undefined : stamp(5);
    });
    await vi.advanceTimersByTimeAsync(0);
    answer = 'none';
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(seen).toEqual([]);
    answer = 'ok';
    await vi.advanceTimersByTimeAsync(POLL_MS);
    expect(seen).toEqual([[5, false]]);
    stop();
  });
});
