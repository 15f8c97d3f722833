#!/usr/bin/env node
/**
 * Profiling aid for the ingest bench (not one of the `npm run bench` benchmarks): replays the
 * SQL side of one bulk ingest statement by statement, with EXPLAIN (ANALYZE, BUFFERS), on a
 * fresh database — the statements of sql/postgres/ingest/*.sql in the order IngestService runs
 * them, on the staging rows the server would COPY (made with the project's own
 * normaliseComplaint + toCopyLine, cached under bench/out/). Pass 1 is a first load, pass 2 the
 * same batch again (the duplicate path). Prints ms per statement; plans go to bench/out/.
 *
 *   npm run bench -- tools/merge-explain [--complaints 1000000] [--seed 1] [--no-explain] [--no-resend] [--keep-db NAME]
 *        [--set work_mem=256MB,temp_buffers=1GB]        session settings (what-if for a proposal)
 *        [--override 09_insert_complaints.sql=bench/sql/….sql]   replace one statement (what-if)
 *        [--analyze "ANALYZE staging_chunk (…)"]     replace the ANALYZE statement (what-if)
 *        [--prepare "ALTER TABLE …; …"]                  SQL run on the fresh database after migrating (what-if)
 */
import { randomUUID, createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import readline from 'node:readline';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { complaintInput } from '../../api/src/complaints/complaint.schema.js';
import { normaliseComplaint } from '../../api/src/complaints/normalize.js';
import { migrate } from '../../api/src/db/migrate.js';
import { CHUNK_TABLE, STAGING_COLUMNS, toCopyLine } from '../../api/src/ingest/staging.js';
import { ReferenceRepository } from '../../api/src/reference/reference.repository.js';
import { openStore } from '../../core/postgres/store.js';
import {
  type Dataset,
  OUT_DIR,
  ROOT,
  createDatabase,
  dbUrl,
  dropDatabase,
  ensureDataset,
  fmt,
  num,
  parseArgs,
  stamp,
  table,
} from '../lib.js';

const args = parseArgs(process.argv.slice(2));
const complaints = num(args.complaints, 1_000_000);
const seed = num(args.seed, 1);
const explain = !args.noExplain;
const keepDb = typeof args.keepDb === 'string' ? args.keepDb : null;
const database = keepDb ?? `bench_merge_${process.pid}`;
/** `name=value` → [name, value] (trimmed; value '' when there is no `=`). */
const pair = (kv: string): [string, string] => {
  const [k = '', ...v] = kv.split('=').map((x) => x.trim());
  return [k, v.join('=')];
};
const overrides: Record<string, string> = Object.fromEntries((typeof args.override === 'string' ? args.override.split(',') : []).map(pair));
const settings: [string, string][] = typeof args.set === 'string' ? args.set.split(',').map(pair) : [];
/** The app's own ANALYZE statement (inline in ingest.repository.js), unless --analyze replaces it. */
const appAnalyze =
  /`ANALYZE \$\{CHUNK_TABLE\}([^`]*)`/
    .exec(readFileSync(path.join(ROOT, 'dist', 'api', 'src', 'ingest', 'ingest.repository.js'), 'utf8'))?.[1]
    ?.replace(/^/, 'ANALYZE staging_chunk') ?? 'ANALYZE staging_chunk';
const analyzeSql = typeof args.analyze === 'string' ? args.analyze : appAnalyze;
/** `SET LOCAL …` statements the app runs at the start of the ingest transaction (ingest.repository.js). */
const appSetLocal = [
  ...readFileSync(path.join(ROOT, 'dist', 'api', 'src', 'ingest', 'ingest.repository.js'), 'utf8').matchAll(
    /["'`](SET LOCAL [^"'`]+?'[^']*'|SET LOCAL [^"'`]+)["'`]/g,
  ),
].map((m) => m[1]!);
const sqlFile = (name: string): string => {
  const override = overrides[name];
  return readFileSync(override ? path.resolve(override) : path.join(ROOT, 'sql', 'postgres', 'ingest', name), 'utf8');
};

/** The staging rows of the dataset as the server would COPY them (CSV), cached. */
async function stagingCsv(dataset: Dataset): Promise<string> {
  const h = createHash('sha1');
  for (const f of [
    'api/src/complaints/normalize.js',
    'api/src/ingest/staging.js',
    'api/src/complaints/complaint.schema.js',
    'core/lifecycle.js',
  ])
    h.update(readFileSync(path.join(ROOT, 'dist', f)));
  const file = path.join(OUT_DIR, `staging-${complaints}-s${seed}-${dataset.genHash}-${h.digest('hex').slice(0, 8)}.csv`);
  if (existsSync(file)) return file;
  console.log(`building the staging rows → ${path.relative(ROOT, file)} (project normaliseComplaint + toCopyLine) …`);
  const t0 = performance.now();
  const tmp = `${file}.tmp-${process.pid}`;
  const out = createWriteStream(tmp);
  let line = 0;
  let buf = '';
  for await (const text of readline.createInterface({ input: createReadStream(dataset.file), crlfDelay: Infinity })) {
    line++;
    if (!text.trim()) continue;
    const parsed = complaintInput.safeParse(JSON.parse(text) as unknown);
    if (!parsed.success) throw new Error(`line ${line}: ${parsed.error.message}`);
    const n = normaliseComplaint(parsed.data, { defaultSource: 'default', traderReplyDays: 10 });
    if (!n.ok) throw new Error(`line ${line}: ${JSON.stringify(n.problems)}`);
    buf += toCopyLine(n.complaint, line);
    if (line % 1000 === 0) {
      if (!out.write(buf)) await once(out, 'drain');
      buf = '';
    }
    if (line % 100_000 === 0) console.log(`  ${fmt(line)} rows, ${fmt((performance.now() - t0) / 1000, 1)} s`);
  }
  out.write(buf);
  out.end();
  await once(out, 'finish');
  renameSync(tmp, file);
  console.log(`  done in ${fmt((performance.now() - t0) / 1000, 1)} s`);
  return file;
}

async function prepareDatabase(dataset: Dataset): Promise<void> {
  await createDatabase(database);
  const store = await openStore({ databaseUrl: dbUrl(database), dataDir: null });
  try {
    await migrate(store);
    if (typeof args.prepare === 'string') {
      const c = new pg.Client({ connectionString: dbUrl(database), application_name: 'odr-bench-merge' });
      await c.connect();
      try {
        await c.query(args.prepare);
      } finally {
        await c.end();
      }
    }
    const repo = new ReferenceRepository(store.db);
    for (const b of dataset.adrBodies) await repo.upsertAdrBody(b.id, { name: b.name, country: b.country, sectors: b.sectors });
    for (const t of dataset.traders)
      await repo.upsertTrader(t.id, { name: t.name, country: t.country, website: t.website, sector: t.sector });
  } finally {
    await store.close();
  }
}

/** One timed step: its name, ms, and the rows it touched (null when EXPLAINed or not counted). */
type StepTime = [name: string, ms: number, rows: number | null];

/** One ingest transaction, statement by statement. Returns [step, ms, rows] and the plans. */
async function pass(label: string, csvFile: string): Promise<{ steps: StepTime[]; plans: string[] }> {
  const client = new pg.Client({ connectionString: dbUrl(database), application_name: 'odr-bench-merge' });
  await client.connect();
  const steps: StepTime[] = [];
  const plans: string[] = [];
  const batchId = randomUUID();
  const step = async (name: string, text: string, params: unknown[] = [], { explainable = true } = {}): Promise<number> => {
    const t0 = performance.now();
    let rows: number | null = null;
    if (explain && explainable) {
      const r = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${text}`, params);
      plans.push(`── ${label}: ${name}\n${r.rows.map((x) => x['QUERY PLAN']).join('\n')}\n`);
    } else {
      const r = await client.query(text, params);
      rows = r.rowCount;
    }
    const ms = performance.now() - t0;
    steps.push([name, ms, rows]);
    return ms;
  };
  try {
    await client.query('CHECKPOINT');
    // Session settings first: temp_buffers only counts before the session's first temp table.
    for (const [k, v] of settings) await client.query(`SET ${k} = '${v.replaceAll("'", "''")}'`);
    const tAll = performance.now();
    await client.query('BEGIN');
    for (const stmt of appSetLocal) await client.query(stmt);
    await step('01 create staging', sqlFile('01_create_staging.sql'), [], { explainable: false });
    await step('02 create chunk', sqlFile('02_create_chunk.sql'), [], { explainable: false });
    await step('03 create batch refs', sqlFile('03_create_batch_refs.sql'), [], { explainable: false });
    {
      // The whole batch as one chunk (the server merges 10 000 rows at a time: MERGE_CHUNK_LINES).
      const t0 = performance.now();
      const cols = STAGING_COLUMNS.map((c) => `"${c}"`).join(', ');
      const copy = client.query(copyFrom(`COPY "${CHUNK_TABLE}" (${cols}) FROM STDIN WITH (FORMAT csv)`));
      await pipeline(createReadStream(csvFile, { highWaterMark: 1 << 20 }), copy);
      steps.push(['COPY into the chunk', performance.now() - t0, copy.rowCount]);
    }
    await step('04 stage chunk', sqlFile('04_stage_chunk.sql'));
    await step('05 set aside repeats', sqlFile('05_set_aside_repeats.sql'));
    await step('ANALYZE chunk', analyzeSql, [], { explainable: false });
    await step('06 unknown ADR bodies', sqlFile('06_unknown_adr_bodies.sql'));
    await step('07 resolve traders', sqlFile('07_resolve_traders.sql'));
    await step('08 insert traders', sqlFile('08_insert_traders.sql'));
    await step('09 insert complaints + events', sqlFile('09_insert_complaints.sql'), [batchId]);
    if (label !== 'fresh load') {
      await step('10 match existing', sqlFile('10_match_existing.sql'), [batchId]);
      await step('   verdict counts', 'SELECT verdict, count(*)::int AS n FROM staging_matches GROUP BY verdict');
      await step(
        '   bad lines',
        `SELECT line, verdict, differing FROM staging_matches WHERE verdict IN ('conflict', 'events_differ') ORDER BY line LIMIT 1000`,
      );
      await step('11 extend existing', sqlFile('11_extend_existing.sql'), [batchId]);
    }
    await step('12 repeated refs', sqlFile('12_repeated_refs.sql'));
    await step('COMMIT', 'COMMIT', [], { explainable: false });
    steps.push(['total (transaction)', performance.now() - tAll, null]);
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
  return { steps, plans };
}

async function main(): Promise<void> {
  const dataset = await ensureDataset({ complaints, seed });
  const csvFile = await stagingCsv(dataset);
  console.log(`as the app: ${[...appSetLocal, analyzeSql].join('; ')}`);
  if (settings.length || Object.keys(overrides).length || args.analyze || args.prepare)
    console.log(`what-if: ${JSON.stringify({ settings, overrides, analyze: analyzeSql, prepare: args.prepare })}`);
  console.log(`database ${database}: migrating, loading ${dataset.traders.length} traders and ${dataset.adrBodies.length} ADR bodies …`);
  await prepareDatabase(dataset);
  const out: string[] = [];
  const all: Record<string, Record<string, number>> = {};
  try {
    for (const label of args.noResend ? ['fresh load'] : ['fresh load', 're-send (all duplicates)']) {
      console.log(`${label}: ${explain ? 'EXPLAIN (ANALYZE, BUFFERS)' : 'timing'} …`);
      const r = await pass(label, csvFile);
      all[label] = Object.fromEntries(r.steps.map(([n, ms]) => [n.trim(), Math.round(ms)]));
      out.push(...r.plans);
      // The last step is the transaction's total.
      const totalMs = r.steps.at(-1)?.[1] ?? NaN;
      console.log(
        table(
          [`${label} (${fmt(complaints)} rows)`, 'ms', 'share'],
          r.steps.map(([n, ms]) => [n, fmt(ms), n.startsWith('total') ? '' : `${fmt((100 * ms) / totalMs, 1)} %`]),
        ),
      );
      console.log('');
    }
  } finally {
    if (!keepDb) await dropDatabase(database).catch(() => {});
  }
  const ts = stamp();
  if (out.length) {
    const planFile = path.join(OUT_DIR, `merge-explain-${complaints}-${ts}.txt`);
    writeFileSync(planFile, out.join('\n'));
    console.log(`plans: ${path.relative(ROOT, planFile)}`);
  }
  const jsonFile = path.join(OUT_DIR, `merge-explain-${complaints}-${ts}.json`);
  writeFileSync(
    jsonFile,
    JSON.stringify({
      bench: 'merge-explain',
      at: new Date().toISOString(),
      complaints,
      explain,
      settings,
      overrides,
      analyze: analyzeSql,
      prepare: args.prepare ?? null,
      steps: all,
    }) + '\n',
  );
  console.log(`result: ${path.relative(ROOT, jsonFile)}`);
}

main().catch((err: unknown) => {
  console.error(`merge-explain failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
