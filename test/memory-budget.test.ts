/**
 * The memory budget (DUCKDB_MEMORY_LIMIT, DUCKDB_THREADS, the spill directory) reaches every
 * DuckDB instance the server opens for analytics, read back from DuckDB itself
 * (current_setting) in the instances the server really uses: the store it serves from and the
 * ETL writes (one instance); with shared snapshots, the snapshot it serves and the ETL's work
 * store during a run, each with its share. A bad value stops start-up naming the setting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANALYTICS } from '../api/src/app.tokens.js';
import { ConfigError } from '../api/src/config/config.js';
import { seedDemo } from '../api/src/demo/demo-seed.js';
import type { Query } from '../core/duckdb/analytics-db.js';
import type { AnalyticsStores } from '../core/duckdb/analytics-stores.js';
import { client, startApp, type RunningApp } from './support/http.js';
import { createTestStore, type TestStore } from './support/store.js';

interface Settings {
  /** The memory limit as DuckDB shows it, and the unit it shows it in. */
  memory: { bytes: number; unit: number };
  threads: number;
  tempDirectory: string;
}

const BINARY: Record<string, number> = { bytes: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

/**
 * DuckDB shows its memory limit cut to one decimal of a binary unit ('286.1 MiB' for 300 000 000
 * bytes): the least it can be, and its unit.
 */
function shown(text: string): { bytes: number; unit: number } {
  const m = /^([\d.]+)\s*(bytes|KiB|MiB|GiB|TiB)$/.exec(text);
  if (!m) throw new Error(`not a memory size as DuckDB shows one: ${text}`);
  const unit = BINARY[m[2]!]!;
  return { bytes: Number(m[1]) * unit, unit };
}

async function settingsOf(q: Query): Promise<Settings> {
  const [row] = await q(
    "SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t, current_setting('temp_directory') AS d",
  );
  return { memory: shown(String(row!.m)), threads: Number(row!.t), tempDirectory: String(row!.d) };
}

function expectMemory(s: Settings, bytes: number): void {
  // Shown cut to 0.1 of its unit (0.1 MiB here): far below the differences between the shares.
  const { bytes: least, unit } = s.memory;
  expect(bytes, `DuckDB shows ${least / unit} × ${unit} bytes`).toBeGreaterThanOrEqual(least - 1);
  expect(bytes, `DuckDB shows ${least / unit} × ${unit} bytes`).toBeLessThan(least + 0.1 * unit + 1);
}

const stores = (app: RunningApp) => app.app.get<AnalyticsStores>(ANALYTICS);

async function fullRun(app: RunningApp): Promise<void> {
  const r = await client(app.baseUrl).postRaw('/api/v1/etl/runs?full=true&wait=true', undefined);
  expect(r.status, r.text).toBe(200);
  expect(r.body.status, r.text).toBe('succeeded');
  expect(r.body.complaints).toBeGreaterThan(0);
}

describe('the DuckDB budget', () => {
  let dir: string;
  let caseStore: TestStore;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'odr-budget-'));
    // One case store for every app here (each app has its own DuckDB store): a full run reads it whole.
    caseStore = await createTestStore();
    await seedDemo(caseStore.store, { traderReplyDays: 10 }, { complaints: 200, seed: 7 });
  });
  afterAll(async () => {
    await caseStore.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('by default: 1 GB and one thread per core (at most 8) in the store the server uses', async () => {
    const app = await startApp({ store: caseStore.store });
    try {
      const s = await stores(app).source.read(settingsOf);
      expectMemory(s, 1e9);
      expect(s.threads).toBe(Math.min(availableParallelism(), 8));
    } finally {
      await app.close();
    }
  });

  it('one instance: the whole budget and the threads in the store the ETL writes and the API reads, spilling next to it', async () => {
    const dataDir = path.join(dir, 'one');
    const duckdbPath = path.join(dataDir, 'analytics.duckdb');
    const seen: Settings[] = [];
    const app = await startApp({
      store: caseStore.store,
      env: { DATA_DIR: dataDir, DUCKDB_PATH: duckdbPath, DUCKDB_MEMORY_LIMIT: '300MB', DUCKDB_THREADS: '1' },
      etl: { beforePublish: async (q) => void seen.push(await settingsOf(q)) },
    });
    try {
      await fullRun(app);
      const served = await stores(app).source.read(settingsOf);
      // 300MB is DuckDB's (and the setting's) 300 000 000 bytes, not 300 MiB.
      for (const s of [seen[0]!, served]) {
        expectMemory(s, 300e6);
        expect(s.threads).toBe(1);
        expect(s.tempDirectory).toBe(`${duckdbPath}.tmp`);
      }
      expect(seen).toHaveLength(1);
    } finally {
      await app.close();
    }
  });

  it('shared snapshots: the work store gets half during a run, the snapshot served a quarter, both spilling under DATA_DIR', async () => {
    const dataDir = path.join(dir, 'shared');
    const duckdbPath = path.join(dataDir, 'analytics.duckdb');
    const work: Settings[] = [];
    const app = await startApp({
      store: caseStore.store,
      env: {
        DATA_DIR: dataDir,
        DUCKDB_PATH: duckdbPath,
        SNAPSHOT_DIR: path.join(dir, 'snapshots'),
        DUCKDB_MEMORY_LIMIT: '500MB',
        // Above the default's ceiling of 8: it cannot be the default on any machine.
        DUCKDB_THREADS: '9',
      },
      etl: { beforePublish: async (q) => void work.push(await settingsOf(q)) },
    });
    try {
      await fullRun(app);
      expect(work).toHaveLength(1);
      expectMemory(work[0]!, 250e6);
      expect(work[0]!.threads).toBe(9);
      expect(work[0]!.tempDirectory).toBe(`${duckdbPath}.tmp`);

      const shared = stores(app).shared!;
      expect(shared.served?.etlRunId).toBeGreaterThan(0);
      const served = await shared.read(settingsOf);
      expectMemory(served, 125e6);
      expect(served.threads).toBe(9);
      // Its own folder inside <DUCKDB_PATH>.snapshots.tmp/, not the OS's temporary folder (a tmpfs counts as memory).
      expect(path.dirname(served.tempDirectory)).toBe(`${duckdbPath}.snapshots.tmp`);
      expect(served.tempDirectory.startsWith(dataDir + path.sep)).toBe(true);
    } finally {
      await app.close();
    }
  });

  it.each([
    [{ DUCKDB_MEMORY_LIMIT: 'lots' }, /DUCKDB_MEMORY_LIMIT must be a size such as 512MB or 2GB .*not "lots"/],
    [{ DUCKDB_MEMORY_LIMIT: '2G' }, /DUCKDB_MEMORY_LIMIT must be a size such as 512MB or 2GB/],
    // What the ETL needs: 64MB + 16MB per thread, in the ETL's share (half with SNAPSHOT_DIR).
    [{ DUCKDB_MEMORY_LIMIT: '64MB', DUCKDB_THREADS: '1' }, /DUCKDB_MEMORY_LIMIT: must be at least 80MB with DUCKDB_THREADS=1: /],
    [
      { DUCKDB_MEMORY_LIMIT: '300MB', DUCKDB_THREADS: '8', SNAPSHOT_DIR: '/nonexistent/snapshots', DUCKDB_PATH: '/nonexistent/a.duckdb' },
      /DUCKDB_MEMORY_LIMIT: must be at least 384MB with DUCKDB_THREADS=8 and SNAPSHOT_DIR/,
    ],
    [{ DUCKDB_THREADS: 'two' }, /DUCKDB_THREADS must be a number of threads/],
    [{ DUCKDB_THREADS: '0' }, /DUCKDB_THREADS must be at least 1/],
    [{ DUCKDB_THREADS: '1.5' }, /DUCKDB_THREADS must be a whole number/],
  ])('%o stops start-up with a sentence naming the setting', async (env, sentence) => {
    // The test's own case store: startApp leaves a store it is given open (here, when start-up fails).
    const started = startApp({ env, store: caseStore.store });
    await expect(started).rejects.toThrow(ConfigError);
    await expect(started).rejects.toThrow(sentence);
  });
});
