#!/usr/bin/env node
/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by package /
 * project file, so a bench result can say where the server's CPU went.
 *
 *   npm run bench -- tools/cpuprofile-top bench/out/prof/CPU.….cpuprofile [--top 30]
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { OUT_DIR, ROOT, fmt, num, parseArgs, table } from '../lib.js';

/** The parts of V8's profile format (Profiler.Profile) read here. */
interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const args = parseArgs(process.argv.slice(2));
const top = num(args.top, 30);
let file = process.argv.slice(2).find((a) => !a.startsWith('--') && a.endsWith('.cpuprofile'));
if (!file) {
  const dir = path.join(OUT_DIR, 'prof');
  file = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!file) throw new Error(`no .cpuprofile in ${dir}: pass one`);
}
const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const selfUs = new Map<number, number>();
// timeDeltas[i] is the time before sample i.
for (let i = 0; i < prof.samples.length; i++) {
  const id = prof.samples[i]!;
  selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0));
}
const totalUs = prof.endTime - prof.startTime;
const where = (cf: CallFrame): string => {
  const url = cf.url || '';
  if (!url) return cf.functionName.startsWith('(') ? cf.functionName : '(native/builtin)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    const first = rest[0] ?? '';
    return first.startsWith('@') ? `${first}/${rest[1] ?? ''}` : first;
  }
  if (url.startsWith('node:')) return url;
  const p = url.replace(/^file:\/\//, '');
  return path.relative(ROOT, p).replace(/^dist\//, '');
};
const fn = new Map<string, number>();
const pkg = new Map<string, number>();
for (const [id, us] of selfUs) {
  const n = byId.get(id);
  if (!n) continue;
  const cf = n.callFrame;
  const w = where(cf);
  const key = `${cf.functionName || '(anonymous)'}  ${w}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
  fn.set(key, (fn.get(key) ?? 0) + us);
  pkg.set(w, (pkg.get(w) ?? 0) + us);
}
const rows = (m: Map<string, number>): string[][] =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => [k.length > 110 ? `${k.slice(0, 107)}…` : k, fmt(us / 1000), `${fmt((100 * us) / totalUs, 1)} %`]);
console.log(`${path.relative(ROOT, file)}: ${fmt(totalUs / 1e6, 1)} s profiled, ${fmt(prof.samples.length)} samples`);
console.log(table(['self time by file / package', 'ms', 'share'], rows(pkg)));
console.log('');
console.log(table(['self time by function', 'ms', 'share'], rows(fn)));
