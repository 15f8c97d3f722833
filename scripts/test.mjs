#!/usr/bin/env node
// `npm test`: type-check, then the whole suite on the embedded PGlite and, when
// TEST_DATABASE_URL is set, the same suite again against that real PostgreSQL server.
import { spawnSync } from 'node:child_process';

const run = (cmd, args, env = {}) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
const extra = process.argv.slice(2);
run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
// The dashboard has its own tsconfig (DOM, bundler resolution); svelte-check covers .ts and .svelte.
run('npx', ['svelte-check', '--tsconfig', 'dashboard/tsconfig.json', '--threshold', 'error', '--output', 'human']);
const { TEST_DATABASE_URL, ...rest } = process.env;
console.log('\n▶ suite on PGlite (embedded)');
run('npx', ['vitest', 'run', ...extra], { TEST_DATABASE_URL: '' });
if (TEST_DATABASE_URL) {
  console.log(`\n▶ suite on PostgreSQL (${TEST_DATABASE_URL.replace(/\/\/[^@]*@/, '//')})`);
  // The fault and scale-out suites bring their own throw-away cluster whatever TEST_DATABASE_URL
  // says: the first pass ran them already.
  run('npx', ['vitest', 'run', '--exclude', 'test/faults.test.ts', '--exclude', 'test/scale-out.test.ts', ...extra], { TEST_DATABASE_URL });
}
void rest;
