/**
 * The ingest baseline: the same NDJSON file, each line one row of a plain table
 * (`external_ref text primary key, doc jsonb`), streamed with pg + pg-copy-streams in COPY text
 * format. No validation, no staging, no merge: the floor of what PostgreSQL can take.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { once } from 'node:events';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { cpuMs } from './lib.js';

const REF_KEY = '"externalRef":"';
const ESCAPES = /[\\\t\r\n]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\r': '\\r', '\n': '\\n' };
const copyEscape = (s: string): string => s.replace(ESCAPES, (c) => ESCAPED[c]!);

/** One NDJSON line → one COPY text row (`ref<TAB>json<LF>`), or '' for a blank line. */
function copyRow(line: string): string {
  if (line.length === 0 || line.trim() === '') return '';
  let ref: string;
  const k = line.indexOf(REF_KEY);
  const end = k >= 0 ? line.indexOf('"', k + REF_KEY.length) : -1;
  if (k >= 0 && end > 0 && line.charCodeAt(end - 1) !== 92 /* \ */) ref = line.slice(k + REF_KEY.length, end);
  else {
    const parsed = (JSON.parse(line) as { externalRef?: unknown }).externalRef;
    if (typeof parsed !== 'string') throw new Error(`a line without an externalRef: ${line.slice(0, 200)}`);
    ref = parsed;
  }
  return `${copyEscape(ref)}\t${copyEscape(line)}\n`;
}

/** What the baseline measured: rows sent and stored, wall time, CPU of this process and of its backend. */
export interface BaselineCopyResult {
  rows: number;
  stored: number;
  ms: number;
  rowsPerSec: number;
  clientCpuMs: number;
  pgBackendCpuMs: number;
  tableBytes: number;
}

export async function baselineCopy({
  url,
  file,
  table = 'bench_baseline',
}: {
  url: string;
  file: string;
  table?: string;
}): Promise<BaselineCopyResult> {
  const client = new pg.Client({ connectionString: url, application_name: 'odr-bench-baseline' });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS ${table}`);
    await client.query(`CREATE TABLE ${table} (external_ref text PRIMARY KEY, doc jsonb NOT NULL)`);
    const backendPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const pgCpu0 = cpuMs(backendPid) ?? 0;
    const selfCpu0 = process.cpuUsage();
    const t0 = performance.now();
    const copy = client.query(copyStreams.from(`COPY ${table} (external_ref, doc) FROM STDIN`));
    const done = new Promise<void>((resolve, reject) => {
      copy.on('finish', () => resolve());
      copy.on('error', reject);
    });
    const decoder = new StringDecoder('utf8');
    let rest = '';
    let rows = 0;
    for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
      const text = rest + decoder.write(chunk);
      let start = 0;
      let out = '';
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        const row = copyRow(text.slice(start, nl));
        if (row) {
          out += row;
          rows++;
        }
        start = nl + 1;
      }
      rest = text.slice(start);
      if (out && !copy.write(out)) await once(copy, 'drain');
    }
    const last = copyRow(rest + decoder.end());
    if (last) {
      copy.write(last);
      rows++;
    }
    copy.end();
    await done;
    const ms = performance.now() - t0;
    const self = process.cpuUsage(selfCpu0);
    const pgCpuMs = (cpuMs(backendPid) ?? pgCpu0) - pgCpu0;
    const { n } = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!;
    // bigint: pg hands it over as a string.
    const size = (await client.query<{ b: string }>(`SELECT pg_total_relation_size($1) AS b`, [table])).rows[0]!.b;
    return {
      rows,
      stored: n,
      ms,
      rowsPerSec: rows / (ms / 1000),
      clientCpuMs: Math.round((self.user + self.system) / 1000),
      pgBackendCpuMs: Math.round(pgCpuMs),
      tableBytes: Number(size),
    };
  } finally {
    await client.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
    await client.end();
  }
}
