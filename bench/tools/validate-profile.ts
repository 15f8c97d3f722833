#!/usr/bin/env node
/**
 * Profiling aid for the ingest bench (not one of the `npm run bench` benchmarks): runs the
 * per-line work of the bulk path in-process — JSON.parse → complaintInput.safeParse →
 * normaliseComplaint → toCopyLine, the same functions the server calls — over the first
 * `--lines` lines of a cached NDJSON file and prints µs per line for each step.
 *
 *   npm run bench -- tools/validate-profile [--file bench/out/complaints-….ndjson] [--lines 100000] [--rounds 3]
 *   node --cpu-prof --cpu-prof-dir=bench/out/prof dist/bench/tools/validate-profile.js   # then tools/cpuprofile-top
 */
import { createReadStream, readdirSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { complaintInput } from '../../api/src/complaints/complaint.schema.js';
import { normaliseComplaint } from '../../api/src/complaints/normalize.js';
import { toCopyLine } from '../../api/src/ingest/staging.js';
import { OUT_DIR, ROOT, fmt, num, parseArgs, table } from '../lib.js';

const args = parseArgs(process.argv.slice(2));
const lines = num(args.lines, 100_000);
const rounds = num(args.rounds, 3);
const file =
  typeof args.file === 'string'
    ? path.resolve(args.file)
    : path.join(
        OUT_DIR,
        readdirSync(OUT_DIR)
          .filter((f) => f.endsWith('.ndjson'))
          .sort((a, b) => Number(b.split('-')[1]) - Number(a.split('-')[1]))[0] ?? '',
      );

const texts: string[] = [];
for await (const l of readline.createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
  if (l.trim()) texts.push(l);
  if (texts.length >= lines) break;
}
console.log(`${fmt(texts.length)} lines of ${path.relative(ROOT, file)}, ${rounds} rounds`);

type Step = 'JSON.parse' | 'zod safeParse' | 'normaliseComplaint' | 'toCopyLine';
const zero = (): Record<Step, number> => ({ 'JSON.parse': 0, 'zod safeParse': 0, normaliseComplaint: 0, toCopyLine: 0 });
let steps = zero();
let copyBytes = 0;
for (let r = 0; r < rounds; r++) {
  const t = zero();
  for (let i = 0; i < texts.length; i++) {
    const t0 = performance.now();
    const value: unknown = JSON.parse(texts[i]!);
    const t1 = performance.now();
    const parsed = complaintInput.safeParse(value);
    const t2 = performance.now();
    if (!parsed.success) throw new Error(`line ${i + 1}: ${parsed.error.message}`);
    const n = normaliseComplaint(parsed.data, { defaultSource: 'default', traderReplyDays: 10 });
    const t3 = performance.now();
    if (!n.ok) throw new Error(`line ${i + 1}: ${JSON.stringify(n.problems)}`);
    const line = toCopyLine(n.complaint, i + 1);
    const t4 = performance.now();
    if (r === 0) copyBytes += line.length;
    t['JSON.parse'] += t1 - t0;
    t['zod safeParse'] += t2 - t1;
    t.normaliseComplaint += t3 - t2;
    t.toCopyLine += t4 - t3;
  }
  // The last round counts (JIT warm).
  steps = t;
}
const total = Object.values(steps).reduce((a, b) => a + b, 0);
console.log(
  table(
    ['step (last round)', 'µs / line', 'share', 'lines/s alone'],
    [
      ...Object.entries(steps).map(([k, v]) => [
        k,
        fmt((1000 * v) / texts.length, 1),
        `${fmt((100 * v) / total)} %`,
        fmt(texts.length / (v / 1000)),
      ]),
      ['total', fmt((1000 * total) / texts.length, 1), '100 %', fmt(texts.length / (total / 1000))],
    ],
  ),
);
console.log(`staging COPY text: ${fmt(copyBytes / texts.length)} bytes / line`);
