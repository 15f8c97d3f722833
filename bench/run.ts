// `npm run bench [-- NAME...] [-- --complaints N ...]`: the benchmarks under bench/, each in its
// own process (each prints its figures and its ratio to its baseline, and writes a JSON line under
// bench/out/). `npm run bench` builds them first (`npm run build:bench`). With no name every bench
// runs in order; the ingest bench keeps its database so that the registry bench reuses it instead
// of loading the store again. The analytics bench generates its own store straight into
// PostgreSQL (database odr_bench_analytics, kept and reused between runs).
//   npm run bench                      ingest, then registry (1 000 000 complaints each), then analytics
//                                      (10 000 000), then dashboard (1 000 000), wire, scale-out and load
//   npm run bench -- ingest            only the ingest bench
//   npm run bench -- registry --complaints 100000 --requests 300
//   npm run bench -- analytics --complaints 100000
//   npm run bench -- dashboard         Overview painted and filters changed in the page (Overview, Countries,
//                                      Resolution) in Chromium + initial JS size (needs `npm run build`);
//                                      --complaints 10000000 runs on the analytics bench's store
//   npm run bench -- wire              bytes received for a first and a return landing on the Overview (demo store, no PostgreSQL)
//   npm run bench -- scale-out         ETL runs with shared snapshots (two instances) against one instance, 1 000 000 complaints
//   npm run bench -- load              60 s mixed workload (bulk + single ingest, registry, analytics) on the 1 M store
//   npm run bench -- analytics-compare --old DIR --new DIR    two builds back to back (any bench/*.ts by name)
//   npm run bench -- memory-drill [--limit 2GiB] [--curve 1GB,2GB,4GB,unlimited]   a full ETL under a hard memory limit (a cgroup)
//   npm run bench -- tools/cpuprofile-top FILE                 a profiling aid (bench/tools/*.ts)
// Needs a PostgreSQL server: BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432), a role
// that may create databases; the ingest and registry benches create throw-away databases and drop
// them; the analytics bench keeps odr_bench_analytics[_N] (drop it by hand to reclaim ~8 GB); the
// dashboard and load benches share odr_bench_dashboard at 1 M (kept; the load bench deletes what it ingested);
// the dashboard bench at another size keeps odr_bench_dashboard_N, at 10 M it reads odr_bench_analytics.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './lib.js';

/** What `npm run bench` runs with no name, in this order. */
const BENCHES = ['ingest', 'registry', 'analytics', 'dashboard', 'wire', 'scale-out', 'load'];
const built = (name: string): string => path.join(ROOT, 'dist', 'bench', `${name}.js`);
const runnable = (name: string): boolean => BENCHES.includes(name) || (/^(tools\/)?[a-z][a-z-]*$/.test(name) && existsSync(built(name)));

const argv = process.argv.slice(2);
// A bare word is a bench's name unless it is the value of the option before it.
const names = argv.filter((a, i) => {
  const before = i > 0 ? argv[i - 1]! : '';
  return !a.startsWith('--') && !(before.startsWith('--') && !before.includes('=') && !runnable(a));
});
// One name that is not a default bench (a tool, the compare bench) runs alone with every other word.
const single = names.length > 0 && !BENCHES.includes(names[0]!) ? names[0]! : null;
if (single !== null && !runnable(single)) {
  console.error(`unknown bench: ${single} (the benches are: ${BENCHES.join(', ')}, or any bench/*.ts or bench/tools/*.ts by name)`);
  process.exit(2);
}
if (single !== null)
  process.exit(
    spawnSync(process.execPath, [built(single), ...argv.filter((a) => a !== single)], { stdio: 'inherit', cwd: ROOT }).status ?? 1,
  );

const options = argv.filter((a) => !names.includes(a));
const unknown = names.filter((n) => !BENCHES.includes(n));
if (unknown.length) {
  console.error(`unknown bench: ${unknown.join(', ')} (the benches are: ${BENCHES.join(', ')})`);
  process.exit(2);
}
const selected = names.length ? BENCHES.filter((b) => names.includes(b)) : BENCHES;

const run = (args: string[]): number => spawnSync(process.execPath, args, { stdio: 'inherit', cwd: ROOT }).status ?? 1;

// Only one database between the two when both run: the registry bench reads the ingest bench's.
const shared = selected.includes('ingest') && selected.includes('registry') ? `bench_shared_${process.pid}` : null;
let failed = 0;
let ingestOk = false;
for (const name of selected) {
  console.log(`\n▶ bench: ${name}`);
  const extra: string[] = [];
  if (shared && name === 'ingest') extra.push('--keep-db', shared);
  // If the ingest bench failed it dropped its database: the registry bench then loads its own.
  if (shared && name === 'registry' && ingestOk) extra.push('--database', shared, '--drop');
  const status = run([built(name), ...options, ...extra]);
  if (name === 'ingest') ingestOk = status === 0;
  if (status !== 0) {
    failed++;
    console.error(`bench ${name} failed (exit ${status})`);
  }
}
process.exit(failed ? 1 : 0);
