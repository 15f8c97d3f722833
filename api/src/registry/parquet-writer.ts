/**
 * Writes CSV-shaped records to a Parquet file with DuckDB: rows go through the appender into a
 * scratch database file (so DuckDB can spill to disk rather than hold the export in memory),
 * then one COPY writes the Parquet file. Every column is VARCHAR, NULL for an absent value:
 * decimals and time stamps stay exactly as the CSV has them, and the file reads back unchanged.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBDataChunk, DuckDBInstance, VARCHAR, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { CSV_COLUMNS, type CsvColumn } from '../complaints/formats/csv-columns.js';

const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`;
const TYPES = CSV_COLUMNS.map(() => VARCHAR);

/** Returns the number of rows written. `workDir` holds the scratch database while it runs. */
export async function writeParquet(
  file: string,
  pages: AsyncIterable<readonly Record<CsvColumn, string>[]>,
  workDir: string,
): Promise<number> {
  const scratch = path.join(workDir, `export-${randomUUID()}.duckdb`);
  let instance: DuckDBInstance | undefined;
  let conn: DuckDBConnection | undefined;
  let appender: DuckDBAppender | undefined;
  let count = 0;
  try {
    // Limits of its own, outside DUCKDB_MEMORY_LIMIT (the analytics stores' budget): beyond them
    // it spills to workDir (docs/operations.md, Sizing memory).
    instance = await DuckDBInstance.create(scratch, { threads: '2', memory_limit: '256MB', temp_directory: workDir });
    conn = await instance.connect();
    await conn.run(`CREATE TABLE export (${CSV_COLUMNS.map((c) => `"${c}" VARCHAR`).join(', ')})`);
    appender = await conn.createAppender('export');
    for await (const page of pages) {
      // Data chunks hold at most one vector (2,048 rows).
      for (let i = 0; i < page.length; i += 2048) {
        const slice = page.slice(i, i + 2048);
        const chunk = DuckDBDataChunk.create(TYPES, slice.length);
        chunk.setRows(slice.map((r) => CSV_COLUMNS.map((c) => (r[c] === '' ? null : r[c]))));
        appender.appendDataChunk(chunk);
      }
      appender.flushSync();
      count += page.length;
    }
    appender.closeSync();
    appender = undefined;
    // Insertion order is kept (preserve_insertion_order), so the file lists cases as they came.
    await conn.run(`COPY export TO ${sqlString(file)} (FORMAT parquet, COMPRESSION zstd)`);
    return count;
  } finally {
    try {
      appender?.closeSync();
    } catch {
      // already failing: the original error is the one to report
    }
    conn?.closeSync();
    instance?.closeSync();
    await rm(scratch, { force: true });
    await rm(`${scratch}.wal`, { force: true });
  }
}
