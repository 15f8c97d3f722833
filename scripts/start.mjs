#!/usr/bin/env node
// `npm start`: build what is missing or stale, then run the server (which migrates and, on an
// empty embedded store, loads the demo data).
import { existsSync, statSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const newest = (dir) => {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
};
const entry = path.join(root, 'dist/api/src/main.js');
const sources = ['api/src', 'fixtures', 'etl'].map((d) => path.join(root, d)).filter(existsSync);
const stale = !existsSync(entry) || Math.max(...sources.map(newest)) > statSync(entry).mtimeMs;
const step = (what, cmd, args, env = {}) => {
  console.log(`▶ ${what}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
if (stale) step('building the API (tsc)', 'npx', ['tsc', '-p', 'tsconfig.build.json']);
const dash = path.join(root, 'dashboard');
const dashIndex = path.join(dash, 'dist/index.html');
// The dashboard's sources, plus the kernel it bundles (core/: code lists, CSV, the ADR report's format).
const dashSources = ['dashboard/src', 'dashboard/index.html', 'dashboard/vite.config.ts', 'dashboard/precompress.ts', 'core']
  .map((d) => path.join(root, d))
  .filter(existsSync);
const newestOf = (p) => (statSync(p).isDirectory() ? newest(p) : statSync(p).mtimeMs);
if (
  existsSync(path.join(dash, 'vite.config.ts')) &&
  (!existsSync(dashIndex) || Math.max(...dashSources.map(newestOf)) > statSync(dashIndex).mtimeMs)
) {
  // A production bundle even when started from a test runner (vitest sets NODE_ENV=test, which
  // would give Svelte's dev build).
  step('building the dashboard (vite)', 'npx', ['vite', 'build', dash], { NODE_ENV: 'production' });
}
process.chdir(root);
await import(pathToFileURL(entry).href);
