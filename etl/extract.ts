/**
 * Extract: one REPEATABLE READ transaction on PostgreSQL copies the complaints changed since the
 * watermark (or all of them), the traders and the ADR bodies to CSV files with `COPY … TO`, and
 * notes the snapshot it read — whose xmin becomes the next watermark.
 */
import { readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { sqlPath } from '../api/src/common/paths.js';
import type { Store } from '../api/src/db/store.js';

const pgSql = (name: string) => readFileSync(sqlPath('postgres', 'etl', name), 'utf8').trim();
const EXTRACT_COMPLAINTS = pgSql('extract_complaints.sql');
const EXTRACT_TRADERS = pgSql('extract_traders.sql');
const EXTRACT_ADR_BODIES = pgSql('extract_adr_bodies.sql');
const SNAPSHOT = pgSql('snapshot.sql');

export interface ExtractFiles {
  complaints: string;
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

/** `sinceXmin` null: every complaint (a full run). */
export async function extract(store: Store, dir: string, sinceXmin: string | null): Promise<Extracted> {
  if (sinceXmin !== null && !/^\d+$/.test(sinceXmin)) throw new Error(`bad watermark ${JSON.stringify(sinceXmin)}`);
  const files: ExtractFiles = {
    complaints: path.join(dir, 'complaints.csv'),
    traders: path.join(dir, 'traders.csv'),
    adrBodies: path.join(dir, 'adr_bodies.csv'),
  };
  // COPY takes no bind parameters; the watermark is digits only (checked above).
  const complaintsQuery = sinceXmin === null ? EXTRACT_COMPLAINTS : `${EXTRACT_COMPLAINTS}\nWHERE changed_xid >= '${sinceXmin}'::xid8`;
  return store.session(async (s) => {
    await sql`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`.execute(s.db);
    try {
      await sql`SET LOCAL DateStyle = 'ISO, YMD'`.execute(s.db);
      const snap = await sql<{ xmin: string; at: Date; store_id: string }>`${sql.raw(SNAPSHOT)}`.execute(s.db);
      const head = snap.rows[0]!;
      await s.copyOutCsv(complaintsQuery, files.complaints);
      await s.copyOutCsv(EXTRACT_TRADERS, files.traders);
      await s.copyOutCsv(EXTRACT_ADR_BODIES, files.adrBodies);
      await sql`COMMIT`.execute(s.db);
      let bytes = 0;
      for (const f of Object.values(files)) bytes += (await stat(f)).size;
      return { files, snapshotXmin: head.xmin, snapshotAt: new Date(head.at), storeId: head.store_id, bytes };
    } catch (err) {
      await sql`ROLLBACK`.execute(s.db).catch(() => undefined);
      throw err;
    }
  });
}
