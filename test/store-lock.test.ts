/** The embedded store keeps a second process out of its folder (PGlite itself does not). */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { openPglite } from '../core/postgres/store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function dataDir(): string {
  const d = mkdtempSync(path.join(os.tmpdir(), 'odr-lock-'));
  dirs.push(d);
  mkdirSync(path.join(d, 'pglite'), { recursive: true });
  return d;
}

test('a folder held by a running process is refused with a message naming it', async () => {
  const d = dataDir();
  // Our parent (the test runner's main process) is alive and is not us.
  writeFileSync(path.join(d, 'pglite', 'odr.lock'), String(process.ppid));
  await expect(openPglite(d)).rejects.toThrow(new RegExp(`in use by another process \\(PID ${process.ppid}\\).*server running`));
});

test('a lock left by a process that is gone is taken over, and released on close', async () => {
  const d = dataDir();
  const lock = path.join(d, 'pglite', 'odr.lock');
  writeFileSync(lock, '2147483646');
  const store = await openPglite(d);
  try {
    await store.ping();
    expect(existsSync(lock)).toBe(true);
  } finally {
    await store.close();
  }
  expect(existsSync(lock)).toBe(false);
}, 30_000);
