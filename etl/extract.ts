/**
 * Extract: one REPEATABLE READ transaction on PostgreSQL copies the complaints changed since the
 * watermark (or all of them), the traders and the ADR bodies to CSV files with `COPY … TO`, and
 * notes the snapshot it read — whose xmin becomes the next watermark.
 *
 * A full extract from a PostgreSQL server splits the complaints over several connections that
 * share that one snapshot (pg_export_snapshot / SET TRANSACTION SNAPSHOT): COPY formats its rows
 * on one core per connection, and formatting ten million rows is most of a full run's extract.
 * PGlite has one connection: its extract stays whole.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { sqlPath } from '../core/paths.js';
import type { Session, Store } from '../core/postgres/store.js';

const pgSql = (name: string) => readFileSync(sqlPath('postgres', 'etl', name), 'utf8').trim();
const EXTRACT_COMPLAINTS = pgSql('extract_complaints.sql');
const EXTRACT_TRADERS = pgSql('extract_traders.sql');
const EXTRACT_ADR_BODIES = pgSql('extract_adr_bodies.sql');
const SNAPSHOT = pgSql('snapshot.sql');
/** What the extract reads from PostgreSQL (part of the analytics store's schema version: etl/plan.ts). */
export const EXTRACT_QUERIES: readonly string[] = [EXTRACT_COMPLAINTS, EXTRACT_TRADERS, EXTRACT_ADR_BODIES];

export interface ExtractFiles {
  /** One file per part of the complaints (one part unless the extract was split). */
  complaints: string[];
  traders: string;
  adrBodies: string;
}

export interface Extracted {
  files: ExtractFiles;
  /** pg_snapshot_xmin of the snapshot read: the next run's watermark. */
  snapshotXmin: string;
  snapshotAt: Date;
  storeId: string;
  bytes: number;
}

/**
 * Connections a full extract from a PostgreSQL server uses: one per core, at most 4, and at most
 * the pool's size less two (the ETL lock holds one of its connections, and requests keep one).
 */
export function fullExtractParts(store: Store): number {
  return Math.max(1, Math.min(availableParallelism(), 4, store.poolSize - 2));
}

export interface ExtractOptions {
  /** Connections to split a full extract over (by id modulo `parts`); increments and PGlite use one. */
  parts?: number;
  /** Tests: runs once the snapshot is taken, before the complaints are read. */
  afterSnapshot?: () => Promise<void>;
}

/** `sinceXmin` null: every complaint (a full run). */
export async function extract(store: Store, dir: string, sinceXmin: string | null, options: ExtractOptions = {}): Promise<Extracted> {
  const parts = options.parts ?? (sinceXmin === null && store.kind === 'postgres' ? fullExtractParts(store) : 1);
  if (sinceXmin !== null && !/^\d+$/.test(sinceXmin)) throw new Error(`bad watermark ${JSON.stringify(sinceXmin)}`);
  if (!Number.isInteger(parts) || parts < 1 || (parts > 1 && (store.kind !== 'postgres' || sinceXmin !== null))) {
    throw new Error(`cannot split ${sinceXmin === null ? 'a full' : 'an incremental'} extract in ${parts} parts on ${store.kind}`);
  }
  const files: ExtractFiles = {
    complaints: Array.from({ length: parts }, (_, i) => path.join(dir, `complaints-${i}.csv`)),
    traders: path.join(dir, 'traders.csv'),
    adrBodies: path.join(dir, 'adr_bodies.csv'),
  };
  // COPY takes no bind parameters; the watermark is digits only (checked above).
  const complaintsQuery = sinceXmin === null ? EXTRACT_COMPLAINTS : `${EXTRACT_COMPLAINTS}\nWHERE changed_xid >= '${sinceXmin}'::xid8`;
  const partQuery = (i: number) => (parts === 1 ? complaintsQuery : `${complaintsQuery}\nWHERE id % ${parts} = ${i}`);
  const read = await store.session((s) =>
    inReadTransaction(s, null, async () => {
      const snap = await sql<{ xmin: string; at: Date; store_id: string }>`${sql.raw(SNAPSHOT)}`.execute(s.db);
      const head = snap.rows[0]!;
      // Parts 1… are read on connections of their own, in this transaction's snapshot (held open
      // until every part is written).
      const snapshotId = parts > 1 ? (await sql<{ id: string }>`SELECT pg_export_snapshot() AS id`.execute(s.db)).rows[0]!.id : null;
      await options.afterSnapshot?.();
      const copies = [s.copyOutCsv(partQuery(0), files.complaints[0]!)];
      for (let i = 1; i < parts; i++) {
        copies.push(store.session((t) => inReadTransaction(t, snapshotId, () => t.copyOutCsv(partQuery(i), files.complaints[i]!))));
      }
      const settled = await Promise.allSettled(copies);
      const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      await s.copyOutCsv(EXTRACT_TRADERS, files.traders);
      await s.copyOutCsv(EXTRACT_ADR_BODIES, files.adrBodies);
      return { snapshotXmin: head.xmin, snapshotAt: new Date(head.at), storeId: head.store_id };
    }),
  );
  let bytes = 0;
  for (const f of [...files.complaints, files.traders, files.adrBodies]) bytes += (await stat(f)).size;
  return { files, ...read, bytes };
}

/**
 * Runs `fn` in a REPEATABLE READ, read-only transaction on session `s` (times as ISO text for
 * the CSV); with `snapshotId`, in that exported snapshot (a part of a split extract).
 */
async function inReadTransaction<T>(s: Session, snapshotId: string | null, fn: () => Promise<T>): Promise<T> {
  // SET takes no bind parameters: the id is PostgreSQL's own (hex digits and dashes), checked.
  if (snapshotId !== null && !/^[0-9A-F-]+$/i.test(snapshotId)) throw new Error(`unexpected snapshot id ${JSON.stringify(snapshotId)}`);
  await sql`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`.execute(s.db);
  try {
    if (snapshotId !== null) await sql.raw(`SET TRANSACTION SNAPSHOT '${snapshotId}'`).execute(s.db);
    await sql`SET LOCAL DateStyle = 'ISO, YMD'`.execute(s.db);
    const out = await fn();
    await sql`COMMIT`.execute(s.db);
    return out;
  } catch (err) {
    await sql`ROLLBACK`.execute(s.db).catch(() => undefined);
    throw err;
  }
}
