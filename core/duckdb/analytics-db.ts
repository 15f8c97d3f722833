/**
 * The analytics store: one DuckDB database file, written by the ETL and read by the API in the
 * same process. Publication is a DuckDB transaction: readers keep the snapshot their transaction
 * began with while the next one is built, and a failed or killed run never commits, so the
 * previous snapshot stays in service (DuckDB's WAL drops uncommitted work on reopen). DuckDB runs
 * queries on its own threads, so no request blocks the event loop. With shared snapshots the same
 * class also opens a published snapshot file read-only (shared-snapshots.ts).
 */
import { constants, mkdirSync, rmSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { defaultThreads } from './duckdb-budget.js';
import { compiled, sql, type Row, type Statement } from './duck-sql.js';
import type { SnapshotSource } from './snapshot-source.js';
import { STORE_SCHEMA } from './store-schema.js';

export type { Row };
export type Params = Record<string, DuckDBValue>;

/**
 * Runs one statement in the transaction at hand: a composed one (duck-sql.ts), whose rows are
 * typed by it, or text for the store's own housekeeping.
 */
export interface Query {
  <R>(statement: Statement<R>): Promise<R[]>;
  /** Text: for the store's own housekeeping and for tests' oracle queries; the app composes. */
  (text: string, params?: Params): Promise<Row[]>;
}

/** A query run on one connection: rows as plain JS values (BIGINT → number when safe). */
export async function query(conn: DuckDBConnection, text: string, params?: Params | DuckDBValue[]): Promise<Row[]> {
  const reader = await conn.runAndReadAll(text, params);
  return reader.getRowObjectsJS().map(plain);
}

/** A Query on one connection. */
export function queryOn(conn: DuckDBConnection): Query {
  return ((statement: Statement<unknown> | string, params?: Params) => {
    if (typeof statement === 'string') return query(conn, statement, params);
    const c = compiled(statement);
    // Without parameters, run as text rather than prepared (as statements always ran before).
    return query(conn, c.sql, c.parameters.length > 0 ? (c.parameters as DuckDBValue[]) : undefined);
  }) as Query;
}

function plain(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) {
    out[k] = typeof v === 'bigint' ? Number(v) : v;
  }
  return out;
}

interface CommonOpenOptions {
  readers?: number;
  threads?: number;
  memoryLimit?: string;
  tempDirectory?: string;
}

/** A published snapshot is opened read-only; a store opened for writing knows its schema version. */
export type OpenOptions = CommonOpenOptions & ({ readOnly: true } | { readOnly?: false; schemaVersion: string });

export interface Snapshot {
  etlRunId: number;
  /** The last run that changed any figure: answers computed on it still hold. */
  dataRunId: number;
  finishedAt: string;
  /** When the data run's extract read the case store: open cases are censored at it. */
  snapshotAt: string;
  complaints: number;
  snapshotXmin: string;
  storeId: string;
  schemaVersion: string;
  replyDays: number;
}

export class AnalyticsDb implements SnapshotSource {
  private readers: DuckDBConnection[] = [];
  private waiting: Array<(c: DuckDBConnection) => void> = [];
  private writerBusy: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    /** The database file, or ':memory:'. */
    readonly location: string,
    private readonly instance: DuckDBInstance,
    /** null: a published snapshot file, opened read-only (shared snapshots). */
    private readonly writer: DuckDBConnection | null,
    private readonly idle: DuckDBConnection[],
  ) {}

  /**
   * `file` ':memory:' keeps everything in memory (tests).
   * `memoryLimit` (DuckDB syntax, e.g. '2GB'; the process's budget or a share of it:
   * duckdb-budget.ts): beyond it DuckDB spills sorts, joins and aggregates to `tempDirectory`
   * (default `<file>.tmp/`) instead of growing; unset, it takes up to 80 % of the memory it sees.
   * `threads` (DUCKDB_THREADS): default one per core, at most 8.
   * `readOnly`: a published snapshot (shared snapshots): many processes may open it at once, and
   * nothing here writes to it.
   * `schemaVersion` (a store opened for writing): the version the ETL writes (etl/plan.ts derives
   * it); a store file written with another one is deleted and made anew.
   */
  static async open(file: string, opts: OpenOptions): Promise<AnalyticsDb> {
    const options: Record<string, string> = {
      threads: String(opts.threads ?? defaultThreads()),
      // Group keys spanning up to 2^20 values are counted in an array indexed by the key (a
      // perfect hash table) instead of a hash table: a view's group column × flag class ×
      // overdue (api/src/analytics/queries/flag-groups.ts) needs 17–19 bits; DuckDB's default stops at 12.
      perfect_ht_threshold: '20',
      // preserve_insertion_order stays on (DuckDB's default), though turning it off lets large
      // inserts and copies hold less: the close-time buckets are planned from a sample of the
      // extract taken by a LIMIT without ORDER BY (etl/steps/close-buckets.ts), whose rows would
      // then vary from run to run, and with them the buckets. (The facts' ORDER BY filed_at, id,
      // kept for row-group pruning, is an explicit order: DuckDB keeps it either way.)
    };
    if (opts.memoryLimit) options.memory_limit = opts.memoryLimit;
    if (opts.readOnly) options.access_mode = 'READ_ONLY';
    if (file !== ':memory:') {
      mkdirSync(path.dirname(file), { recursive: true });
      options.temp_directory = opts.tempDirectory ?? `${file}.tmp`;
    }
    let instance = await DuckDBInstance.create(file, options);
    // Every timestamp in the store is UTC; the session zone must agree for casts from text.
    const connect = async () => {
      const c = await instance.connect();
      await c.run("SET TimeZone = 'UTC'");
      return c;
    };
    if (opts.readOnly) {
      const readers: DuckDBConnection[] = [];
      for (let i = 0; i < (opts.readers ?? 4); i++) readers.push(await connect());
      const db = new AnalyticsDb(file, instance, null, readers);
      db.readers = [...readers];
      return db;
    }
    const expected = opts.schemaVersion;
    // An untyped caller (a bench script) without it must not have a store deleted for a mismatch.
    if (!expected) {
      instance.closeSync();
      throw new Error('a store opened for writing needs the schema version the ETL writes (schemaVersion: etl/index.ts SCHEMA_VERSION)');
    }
    let writer = await connect();
    // A store written by another schema version is deleted: the next run rebuilds it. The file
    // itself goes, not just its tables: dropped tables leave their bytes in the file's free
    // blocks, and an older schema may have held what must not stay (free text: personal data).
    const version = await queryOn(writer)(sql<{ v: string | null }>`SELECT max(schema_version) AS v FROM snapshot`).then(
      (r) => String(r[0]?.v ?? expected),
      () => '',
    );
    if (version !== expected && file !== ':memory:') {
      writer.closeSync();
      instance.closeSync();
      for (const f of [file, `${file}.wal`]) rmSync(f, { force: true });
      instance = await DuckDBInstance.create(file, options);
      writer = await connect();
    }
    for (const s of STORE_SCHEMA) await queryOn(writer)(s);
    const readers: DuckDBConnection[] = [];
    for (let i = 0; i < (opts.readers ?? 4); i++) readers.push(await connect());
    const db = new AnalyticsDb(file, instance, writer, readers);
    db.readers = [...readers];
    return db;
  }

  /**
   * Runs `fn` in one read transaction on a connection of its own: every query inside sees the
   * same published snapshot, whatever the ETL commits meanwhile.
   */
  async read<T>(fn: (q: Query) => Promise<T>): Promise<T> {
    const conn = await this.acquire();
    try {
      await conn.run('BEGIN TRANSACTION');
      try {
        return await fn(queryOn(conn));
      } finally {
        await conn.run('ROLLBACK');
      }
    } finally {
      this.release(conn);
    }
  }

  /** The published snapshot, or null before the first successful run. */
  async snapshot(): Promise<Snapshot | null> {
    return this.read((q) => readSnapshot(q));
  }

  /**
   * Runs `fn` in one write transaction; it commits only if `fn` returns. Writes are serialised.
   */
  async write<T>(fn: (q: Query) => Promise<T>): Promise<T> {
    const writer = this.writable();
    const run = this.writerBusy.then(async () => {
      await writer.run('BEGIN TRANSACTION');
      try {
        const out = await fn(queryOn(writer));
        await writer.run('COMMIT');
        return out;
      } catch (err) {
        await writer.run('ROLLBACK').catch(() => undefined);
        throw err;
      }
    });
    this.writerBusy = run.catch(() => undefined);
    return run;
  }

  /**
   * Copies the committed store to `target` (shared snapshots): a checkpoint first writes
   * everything into the database file, and writes are serialised, so the copy is a complete
   * database that other processes can open. A byte copy, not `COPY FROM DATABASE`: several
   * times faster (a clone where the file system can).
   */
  async copyTo(target: string): Promise<void> {
    const writer = this.writable();
    const run = this.writerBusy.then(async () => {
      await writer.run('CHECKPOINT');
      await copyFile(this.file(), target, constants.COPYFILE_FICLONE);
    });
    this.writerBusy = run.catch(() => undefined);
    return run;
  }

  private writable(): DuckDBConnection {
    if (!this.writer) throw new Error('this analytics store is a published snapshot, opened read-only');
    return this.writer;
  }

  private file(): string {
    if (this.location === ':memory:') throw new Error('an in-memory analytics store has no file to copy');
    return this.location;
  }

  /** Waits for the queries in flight (at most `graceMs`), then closes the database. */
  async close(graceMs = 5000): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const deadline = Date.now() + graceMs;
    await Promise.race([this.writerBusy, new Promise((r) => setTimeout(r, graceMs))]);
    while (this.readers.length < this.idle.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    for (const c of [...(this.writer ? [this.writer] : []), ...this.idle]) c.closeSync();
    this.instance.closeSync();
  }

  private acquire(): Promise<DuckDBConnection> {
    if (this.closed) return Promise.reject(new Error('the analytics store is closed'));
    const c = this.readers.pop();
    if (c) return Promise.resolve(c);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(c: DuckDBConnection): void {
    const next = this.waiting.shift();
    if (next) next(c);
    else this.readers.push(c);
  }
}

interface SnapshotRow {
  etl_run_id: number;
  data_run_id: number;
  finished_at: string;
  snapshot_at: string;
  complaints: number;
  snapshot_xmin: string;
  store_id: string;
  schema_version: string;
  reply_days: number;
}

export async function readSnapshot(q: Query): Promise<Snapshot | null> {
  const [row] = await q(
    sql<SnapshotRow>`SELECT etl_run_id, data_run_id, strftime(finished_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS finished_at, strftime(snapshot_at, '%Y-%m-%dT%H:%M:%S.%gZ') AS snapshot_at, complaints, snapshot_xmin, store_id, schema_version, reply_days FROM snapshot`,
  );
  if (!row) return null;
  return {
    etlRunId: Number(row.etl_run_id),
    dataRunId: Number(row.data_run_id),
    finishedAt: String(row.finished_at),
    snapshotAt: String(row.snapshot_at),
    complaints: Number(row.complaints),
    snapshotXmin: String(row.snapshot_xmin),
    storeId: String(row.store_id),
    schemaVersion: String(row.schema_version),
    replyDays: Number(row.reply_days),
  };
}
