/**
 * The case store: PostgreSQL through `pg` when DATABASE_URL is set, else PGlite under DATA_DIR.
 * Queries go through one Kysely instance either way; only the bulk COPY differs.
 */
import { createWriteStream, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { DB } from './schema.js';
import { Lock, PGliteDialect } from './pglite-dialect.js';

export type StoreKind = 'postgres' | 'pglite';

/** One dedicated connection: temp tables and COPY live as long as the session. */
export interface Session {
  readonly db: Kysely<DB>;
  /** Streams CSV text (FORMAT csv, no header) into `table (columns)`. */
  copyCsv(
    table: string,
    columns: readonly string[],
    chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  ): Promise<void>;
  /** Writes the rows of `select` (no bind parameters) as CSV (no header) to `file`. */
  copyOutCsv(select: string, file: string): Promise<void>;
}

export interface Store {
  readonly kind: StoreKind;
  /** Connections sessions and queries share (PGlite: one). */
  readonly poolSize: number;
  readonly db: Kysely<DB>;
  session<T>(fn: (s: Session) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const OID = { INT8: 20, NUMERIC: 1700, DATE: 1082 } as const;
const identity = (v: string) => v;
const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;
const copyStatement = (table: string, columns: readonly string[]) =>
  `COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN WITH (FORMAT csv)`;

/**
 * Gathers small chunks (COPY sends one message per row) into blocks of about `size` bytes, so a
 * file is written in a few thousand calls rather than one per row, which spares the process much
 * of its time in the kernel on a full extract.
 */
function inBlocks(size = 1 << 20): Transform {
  let parts: Buffer[] = [];
  let length = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      parts.push(chunk);
      length += chunk.length;
      if (length >= size) {
        const block = Buffer.concat(parts, length);
        parts = [];
        length = 0;
        done(null, block);
      } else done();
    },
    flush(done) {
      done(null, length ? Buffer.concat(parts, length) : undefined);
    },
  });
}

export async function openPostgres(url: string, poolSize = 10): Promise<Store> {
  // bigint and numeric stay strings (exact); dates stay 'YYYY-MM-DD' (no local-time shift).
  const types = {
    getTypeParser: (oid: number, format?: 'text' | 'binary') =>
      oid === OID.INT8 || oid === OID.NUMERIC || oid === OID.DATE ? identity : pg.types.getTypeParser(oid, format),
  };
  // connectionTimeoutMillis: a server that does not answer (network cut, host down) fails a request
  // in 5 s with a 503 rather than holding it; keepAlive notices a dead peer on idle connections.
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types,
    application_name: 'odr-observatory',
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
  });
  // An idle client losing its server (restart, outage) must not crash the process: the pool drops
  // it on this event, and so does a release after a connection error (pg-pool checks the client is
  // still queryable), so no broken client is handed out again and the next query reconnects.
  pool.on('error', () => {});
  // A client in use (a request's transaction, a bulk COPY) also emits 'error' when its connection
  // dies, and the pool listens only while it is idle: without a listener of its own that event
  // would crash the process. The query in progress fails (→ 503) and the release drops the client.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'postgres',
    poolSize,
    db,
    async session(fn) {
      const client = await pool.connect();
      const shim = { query: client.query.bind(client), release: () => {} };
      const sessionDb = new Kysely<DB>({
        dialect: new PostgresDialect({ pool: { connect: async () => shim, end: async () => {} } as unknown as pg.Pool }),
      });
      let broken = false;
      try {
        return await fn({
          db: sessionDb,
          async copyCsv(table, columns, chunks) {
            const stream = client.query(copyFrom(copyStatement(table, columns)));
            await pipeline(Readable.from(chunks), stream);
          },
          async copyOutCsv(select, file) {
            await pipeline(client.query(copyTo(`COPY (${select}) TO STDOUT WITH (FORMAT csv)`)), inBlocks(), createWriteStream(file));
          },
        });
      } catch (err) {
        broken = true;
        throw err;
      } finally {
        // A failed COPY can leave the connection mid-protocol: discard it rather than reuse it.
        client.release(broken ? true : undefined);
      }
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
    },
  };
}

/** `dataDir: null` keeps everything in memory (tests). */
export async function openPglite(dataDir: string | null): Promise<Store> {
  const { PGlite } = await import('@electric-sql/pglite');
  let url = 'memory://';
  let unlock = () => {};
  if (dataDir) {
    const dir = path.join(dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    unlock = lockDataDir(dir);
    url = dir;
  }
  let pglite;
  try {
    pglite = await PGlite.create(url, {
      parsers: { [OID.INT8]: identity, [OID.NUMERIC]: identity, [OID.DATE]: identity },
    });
  } catch (err) {
    unlock();
    throw err;
  }
  const lock = new Lock();
  const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite, lock) });
  return {
    kind: 'pglite',
    poolSize: 1,
    db,
    async session(fn) {
      const release = await lock.acquire();
      const sessionDb = new Kysely<DB>({ dialect: new PGliteDialect(pglite, null) });
      try {
        return await fn({
          db: sessionDb,
          async copyCsv(table, columns, chunks) {
            // PGlite reads COPY input from a blob; send it in chunks of a few MB.
            const statement = `COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM '/dev/blob' WITH (FORMAT csv)`;
            let parts: Array<string | Uint8Array> = [];
            let size = 0;
            const flush = async () => {
              if (size === 0) return;
              await pglite.query(statement, [], { blob: new Blob(parts) });
              parts = [];
              size = 0;
            };
            for await (const chunk of chunks) {
              parts.push(chunk);
              size += chunk.length;
              if (size >= 8 * 1024 * 1024) await flush();
            }
            await flush();
          },
          async copyOutCsv(select, file) {
            const r = await pglite.query(`COPY (${select}) TO '/dev/blob' WITH (FORMAT csv)`);
            await writeFile(file, r.blob ? Buffer.from(await r.blob.arrayBuffer()) : '');
          },
        });
      } finally {
        release();
      }
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await db.destroy();
      await pglite.close();
      unlock();
    },
  };
}

/**
 * PGlite does not lock its folder, and two processes writing one folder corrupt it: a lock file
 * with the owner's pid keeps a second process (a CLI command beside the server) out. A lock left
 * by a process that no longer runs is taken over.
 */
function lockDataDir(dir: string): () => void {
  const file = path.join(dir, 'odr.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => {
        try {
          unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(readFileSync(file, 'utf8').trim());
      if (owner && owner !== process.pid && isRunning(owner)) {
        throw new Error(
          `the embedded store ${dir} is in use by another process (PID ${owner}): is the server running? Stop it, or use its HTTP API`,
          {
            cause: err,
          },
        );
      }
      unlinkSync(file);
    }
  }
  throw new Error(`cannot lock the embedded store ${dir}`);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function openStore(opts: { databaseUrl?: string; dataDir: string | null }): Promise<Store> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir);
}
