import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, whether running from `api/src` (tests) or from `dist/api/src` (built). */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'sql', 'postgres'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('cannot find the project root (a folder holding sql/postgres)');
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findRoot();
export const SQL_DIR = path.join(PROJECT_ROOT, 'sql');
export const sqlPath = (...parts: string[]) => path.join(SQL_DIR, ...parts);

/** Where uploads, spools and exports keep their temporary files: DATA_DIR/tmp. */
export const tempDirOf = (dataDir: string) => path.join(dataDir, 'tmp');

/** A fresh file name in `dir` (made if need be), e.g. `export-<uuid>.parquet`; the caller deletes it. */
export async function tempFile(dir: string, prefix: string, extension: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  return path.join(dir, `${prefix}-${randomUUID()}${extension}`);
}
