/**
 * The SQL side of ingestion (sql/postgres/ingest/*.sql): staging table, checks and merge, all on
 * one session inside the caller's transaction.
 */
import { readFileSync } from 'node:fs';
import { CompiledQuery, type Kysely } from 'kysely';
import { sqlPath } from '../../../core/paths.js';
import type { DB } from '../../../core/postgres/schema.js';
import { CHUNK_TABLE } from './staging.js';

const load = (name: string) => readFileSync(sqlPath('postgres', 'ingest', name), 'utf8');
const SQL = {
  createStaging: load('01_create_staging.sql'),
  createChunk: load('02_create_chunk.sql'),
  createBatchRefs: load('03_create_batch_refs.sql'),
  stageChunk: load('04_stage_chunk.sql'),
  setAsideRepeats: load('05_set_aside_repeats.sql'),
  unknownAdrBodies: load('06_unknown_adr_bodies.sql'),
  resolveTraders: load('07_resolve_traders.sql'),
  insertTraders: load('08_insert_traders.sql'),
  insertComplaints: load('09_insert_complaints.sql'),
  matchExisting: load('10_match_existing.sql'),
  extendExisting: load('11_extend_existing.sql'),
  repeatedRefs: load('12_repeated_refs.sql'),
};

const run = <R>(db: Kysely<DB>, text: string, params: unknown[] = []) => db.executeQuery<R>(CompiledQuery.raw(text, params));

export interface RepeatedRef {
  source: string;
  external_ref: string;
  lines: number[];
  hashes: string[];
}

export interface MatchVerdict {
  line: number;
  verdict: 'conflict' | 'events_differ';
  differing: string[];
}

export class IngestRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async createStaging(): Promise<void> {
    // The merge sorts and hashes chunks: 64 MB per operation lets them stay in memory rather than
    // spill to disk, for this transaction only.
    await run(this.db, "SET LOCAL work_mem = '64MB'");
    // Per-chunk statements are small but the planner prices the event look-ups high: JIT compiled
    // each one anew, a cost the chunk's execution never won back.
    await run(this.db, 'SET LOCAL jit = off');
    await run(this.db, SQL.createStaging);
    await run(this.db, SQL.createChunk);
    await run(this.db, SQL.createBatchRefs);
  }

  /** Empties the chunk table before the next chunk is COPYed into it. */
  async clearChunk(): Promise<void> {
    await run(this.db, `TRUNCATE ${CHUNK_TABLE}`);
  }

  /**
   * Adds the COPYed chunk to the batch's rows and sets aside the lines whose reference an earlier
   * line already sent; returns how many lines are left to merge.
   */
  async stageChunk(copied: number): Promise<number> {
    await run(this.db, SQL.stageChunk);
    const repeats = await run(this.db, SQL.setAsideRepeats);
    return copied - Number(repeats.numAffectedRows ?? 0n);
  }

  /** Lines that repeat an earlier line's reference, judged once the whole batch is staged. */
  async repeatedRefs(): Promise<RepeatedRef[]> {
    return (await run<RepeatedRef>(this.db, SQL.repeatedRefs)).rows;
  }

  async unknownAdrBodies(): Promise<{ line: number; adr_body_id: string }[]> {
    return (await run<{ line: number; adr_body_id: string }>(this.db, SQL.unknownAdrBodies)).rows;
  }

  async analyzeChunk(): Promise<void> {
    // Only the join keys: statistics on every column (the jsonb events above all) cost time.
    await run(this.db, `ANALYZE ${CHUNK_TABLE} (source, external_ref, trader_id, adr_body_id, line)`);
  }

  async upsertTraders(): Promise<void> {
    await run(this.db, SQL.resolveTraders);
    await run(this.db, SQL.insertTraders);
  }

  async insertNew(batchId: string): Promise<number> {
    return (await run<{ inserted: number }>(this.db, SQL.insertComplaints, [batchId])).rows[0]!.inserted;
  }

  /** Judges references that existed before the batch; returns counts and the bad lines. */
  async matchExisting(batchId: string): Promise<{ duplicates: number; extended: number; bad: MatchVerdict[] }> {
    await run(this.db, 'DROP TABLE IF EXISTS staging_matches');
    await run(this.db, SQL.matchExisting, [batchId]);
    const counts = await run<{ verdict: string; n: number }>(
      this.db,
      'SELECT verdict, count(*)::int AS n FROM staging_matches GROUP BY verdict',
    );
    const n = (v: string) => counts.rows.find((r) => r.verdict === v)?.n ?? 0;
    const bad = await run<MatchVerdict>(
      this.db,
      `SELECT line, verdict, differing FROM staging_matches WHERE verdict IN ('conflict', 'events_differ') ORDER BY line LIMIT 1000`,
    );
    return { duplicates: n('duplicate'), extended: n('extend'), bad: bad.rows };
  }

  async extendExisting(batchId: string): Promise<void> {
    await run(this.db, SQL.extendExisting, [batchId]);
  }
}
