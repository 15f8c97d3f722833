/**
 * Parquet uploads and files (a registry export, or any file with the CSV columns). Parquet needs
 * random access, so an upload is spooled to a temporary file under DATA_DIR/tmp first; DuckDB
 * then reads it one vector (2,048 rows) at a time, and each row goes through the CSV mapping so
 * problems name the column a user knows. Typed columns are read as text the CSV way: date-times
 * as ISO-8601 UTC, dates as YYYY-MM-DD, decimals exactly.
 */
import { createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { csvRecordToInput, CSV_COLUMNS, isCsvColumn, type CsvColumn, type CsvRecord } from '../complaints/formats/csv-columns.js';
import type { ErrorDetail } from '../common/errors.js';
import type { ReaderItem } from './readers.js';
import { tempDirOf, tempFile } from '../../../core/paths.js';

const MAGIC = 'PAR1';
const REQUIRED: readonly CsvColumn[] = ['external_ref', 'filed_at', 'consumer_country', 'trader_country', 'sector', 'problem'];

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const sqlIdent = (s: string) => `"${s.replaceAll('"', '""')}"`;

/** One item for the whole file: it cannot be read at all. */
const fileProblem = (message: string): ReaderItem => ({ line: 1, problems: [{ line: 1, field: '(file)', message }] });

/** PAR1 at both ends, the cheapest proof that this is Parquet at all. */
async function looksLikeParquet(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    if (size < 12) return false;
    const head = Buffer.alloc(4);
    const tail = Buffer.alloc(4);
    await fh.read(head, 0, 4, 0);
    await fh.read(tail, 0, 4, size - 4);
    return head.toString('latin1') === MAGIC && tail.toString('latin1') === MAGIC;
  } finally {
    await fh.close();
  }
}

/** A column as CSV text: the expression that reads it. */
function textOf(name: string, type: string): string {
  const col = sqlIdent(name);
  if (/^TIMESTAMP/.test(type)) return `strftime(CAST(${col} AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%gZ')`;
  return `CAST(${col} AS VARCHAR)`;
}

function checkColumns(names: string[]): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const unknown = names.filter((n) => !isCsvColumn(n));
  if (unknown.length) {
    problems.push({
      line: 1,
      field: unknown.join(', '),
      message: `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => `"${u}"`).join(', ')}; the columns are: ${CSV_COLUMNS.join(', ')}`,
    });
  }
  const seen = new Set(names);
  for (const r of REQUIRED) if (!seen.has(r)) problems.push({ line: 1, field: r, message: `required column "${r}" is missing` });
  if (!seen.has('trader_id') && !seen.has('trader_name'))
    problems.push({ line: 1, field: 'trader_id', message: 'a trader_id or trader_name column is required' });
  return problems;
}

/**
 * What a damaged file is told. Fixed texts: DuckDB's own messages name its internals (readers,
 * offsets, the temporary path), which are no business of an API caller.
 */
export const PARQUET_UNREADABLE = 'not a readable Parquet file: its metadata is damaged or it was not written completely';
export const parquetDamagedAfter = (row: number) => `the Parquet file cannot be read after row ${row}: its data is damaged`;

/**
 * Reads a Parquet file row by row (memory bounded by one vector). Row numbers count from 1. An
 * unreadable file or a bad set of columns is one item with the problem; the file is left alone.
 */
export async function* readParquetFile(file: string): AsyncGenerator<ReaderItem> {
  if (!(await looksLikeParquet(file).catch(() => false))) {
    yield fileProblem('not a Parquet file: it does not begin and end with the Parquet signature (PAR1)');
    return;
  }
  let instance: DuckDBInstance | undefined;
  let conn: DuckDBConnection | undefined;
  try {
    // Limits of its own, outside DUCKDB_MEMORY_LIMIT (the analytics stores' budget): it streams
    // one vector at a time, and BULK_CONCURRENCY bounds how many run (docs/operations.md, Sizing memory).
    instance = await DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '256MB' });
    conn = await instance.connect();
    await conn.run(`SET TimeZone = 'UTC'`);
    const source = `read_parquet(${sqlString(file)})`;
    let columns: { name: string; type: string }[];
    try {
      const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${source}`);
      columns = described.getRowObjectsJson().map((r) => ({ name: String(r.column_name), type: String(r.column_type) }));
    } catch {
      yield fileProblem(PARQUET_UNREADABLE);
      return;
    }
    const problems = checkColumns(columns.map((c) => c.name));
    if (problems.length) {
      yield { line: 1, problems };
      return;
    }
    const names = columns.map((c) => c.name as CsvColumn);
    let result: Awaited<ReturnType<DuckDBConnection['stream']>>;
    try {
      result = await conn.stream(`SELECT ${columns.map((c) => textOf(c.name, c.type)).join(', ')} FROM ${source}`);
    } catch {
      // DuckDB may read the first row group as the query starts.
      yield fileProblem(parquetDamagedAfter(0));
      return;
    }
    let line = 0;
    for (;;) {
      let rows: unknown[][];
      try {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        rows = chunk.getRows();
      } catch {
        yield fileProblem(parquetDamagedAfter(line));
        return;
      }
      for (const values of rows) {
        line++;
        const record: CsvRecord = {};
        names.forEach((n, i) => {
          const v = values[i];
          if (v !== null && v !== undefined) record[n] = String(v);
        });
        const { input, problems: rowProblems, fieldOf } = csvRecordToInput(record, { spreadsheetSafe: false });
        yield { line, input, problems: rowProblems.map((p) => ({ line, ...p })), fieldOf };
      }
    }
  } finally {
    conn?.closeSync();
    instance?.closeSync();
  }
}

/**
 * A Parquet request body: spooled to DATA_DIR/tmp (the body limit still applies while it comes
 * in), then read like a file. The temporary file is deleted once the rows are read, or at once
 * when the upload fails.
 */
export async function readParquetUpload(body: AsyncIterable<Buffer>, dataDir: string): Promise<AsyncIterable<ReaderItem>> {
  const file = await tempFile(tempDirOf(dataDir), 'upload', '.parquet');
  try {
    await pipeline(Readable.from(body), createWriteStream(file));
  } catch (err) {
    await rm(file, { force: true });
    throw err;
  }
  return (async function* () {
    try {
      yield* readParquetFile(file);
    } finally {
      await rm(file, { force: true });
    }
  })();
}
