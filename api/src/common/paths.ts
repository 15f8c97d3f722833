import { existsSync } from 'node:fs';
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
