/**
 * Shared snapshots (SNAPSHOT_DIR) without a server: publication copies the work store into the
 * folder and names it in the manifest; a reader in another "instance" (a second SharedSnapshots
 * on the same folder) serves it once it polls; a read in progress keeps its snapshot while a
 * newer one is swapped in; old files are pruned; a broken manifest is reported, not served.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AnalyticsDb } from '../core/duckdb/analytics-db.js';
import { SharedSnapshots } from '../core/duckdb/shared-snapshots.js';
import { SCHEMA_VERSION } from '../etl/index.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Commits a snapshot row for run `id` with `complaints` facts, as an ETL run would. */
async function commitRun(work: AnalyticsDb, id: number, complaints: number, version = SCHEMA_VERSION): Promise<void> {
  await work.write(async (q) => {
    await q('DELETE FROM snapshot');
    await q(
      `INSERT INTO snapshot VALUES ($id, $id, TIMESTAMP '2026-11-01 10:00:00' + to_seconds($id), $n, '1', 'test/db', $v, 10, TIMESTAMP '2026-11-01 09:59:00')`,
      {
        id,
        n: complaints,
        v: version,
      },
    );
  });
}

describe('shared snapshots', () => {
  let dir: string;
  let work: AnalyticsDb;
  const opened: SharedSnapshots[] = [];
  const open = async (onError?: (err: Error) => void) => {
    const s = await SharedSnapshots.open(path.join(dir, 'snapshots'), { pollMs: 50, onError, schemaVersion: SCHEMA_VERSION });
    opened.push(s);
    return s;
  };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'odr-shared-'));
    work = await AnalyticsDb.open(path.join(dir, 'work.duckdb'), { readers: 1, schemaVersion: SCHEMA_VERSION });
  });

  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close(0);
    await work.close(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('before any publication every instance answers "no snapshot"', async () => {
    const a = await open();
    expect(await a.snapshot()).toBeNull();
    expect(a.served).toBeNull();
  });

  it('a publication is served by the publisher at once and by another instance within a poll', async () => {
    const leader = await open();
    const follower = await open();
    const loaded: number[] = [];
    follower.onLoaded((m) => loaded.push(m.etlRunId));
    await commitRun(work, 1, 11);
    const manifest = await leader.publish(work, { etlRunId: 1, dataRunId: 1, rowsChanged: true });
    expect(manifest).toMatchObject({ etlRunId: 1, file: 'run-1.duckdb' });
    expect((await leader.snapshot())?.etlRunId).toBe(1);
    for (let i = 0; i < 100 && follower.served === null; i++) await sleep(10);
    expect(await follower.snapshot()).toMatchObject({ etlRunId: 1, complaints: 11 });
    expect(loaded).toEqual([1]);
    // The published file is a copy: the work store can go on without touching what is served.
    await commitRun(work, 2, 22);
    expect((await follower.snapshot())?.complaints).toBe(11);
  });

  it('a read in progress keeps its snapshot while a newer one is swapped in, then the old file closes', async () => {
    const a = await open();
    await commitRun(work, 1, 1);
    await a.publish(work, { etlRunId: 1, dataRunId: 1, rowsChanged: true });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = a.read(async (q) => {
      const before = await q('SELECT etl_run_id FROM snapshot');
      await gate;
      const after = await q('SELECT etl_run_id FROM snapshot');
      return [before[0]?.etl_run_id, after[0]?.etl_run_id];
    });
    await commitRun(work, 2, 2);
    await a.publish(work, { etlRunId: 2, dataRunId: 2, rowsChanged: true });
    expect((await a.snapshot())?.etlRunId).toBe(2);
    release();
    expect(await slow).toEqual([1, 1]);
    expect((await a.snapshot())?.etlRunId).toBe(2);
  });

  it('keeps the two newest snapshot files and removes older ones', async () => {
    const a = await open();
    for (const id of [1, 2, 3, 4]) {
      await commitRun(work, id, id);
      await a.publish(work, { etlRunId: id, dataRunId: id, rowsChanged: true });
    }
    const files = readdirSync(path.join(dir, 'snapshots'))
      .filter((f) => f.endsWith('.duckdb'))
      .sort();
    expect(files).toEqual(['run-3.duckdb', 'run-4.duckdb']);
    expect((await a.snapshot())?.etlRunId).toBe(4);
  });

  it('a file an older schema wrote goes as soon as a newer one is published (it may hold what the new one must not)', async () => {
    const a = await open();
    await commitRun(work, 1, 1, '14-older');
    await a.publish(work, { etlRunId: 1, dataRunId: 1, rowsChanged: true });
    await commitRun(work, 2, 2);
    await a.publish(work, { etlRunId: 2, dataRunId: 2, rowsChanged: true });
    expect(readdirSync(path.join(dir, 'snapshots')).filter((f) => f.endsWith('.duckdb'))).toEqual(['run-2.duckdb']);
    expect((await a.snapshot())?.etlRunId).toBe(2);
  });

  it('an older manifest never replaces a newer snapshot, and a broken one is reported while the served one stays', async () => {
    const errors: string[] = [];
    const a = await open((err) => errors.push(err.message));
    await commitRun(work, 5, 5);
    await a.publish(work, { etlRunId: 5, dataRunId: 5, rowsChanged: true });
    const manifest = path.join(dir, 'snapshots', 'current.json');
    writeFileSync(manifest, JSON.stringify({ etlRunId: 4, dataRunId: 4, rowsChanged: true, file: 'run-4.duckdb', publishedAt: 'x' }));
    await a.refresh();
    expect((await a.snapshot())?.etlRunId).toBe(5);
    writeFileSync(manifest, '{"etlRunId": "not a number"}');
    for (let i = 0; i < 100 && errors.length === 0; i++) await sleep(10);
    expect(errors[0]).toMatch(/is not a snapshot manifest/);
    expect((await a.snapshot())?.etlRunId).toBe(5);
  });
});
