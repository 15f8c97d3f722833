/**
 * The schema floor of ingest: the rows a bulk upload stored, COPYed again (binary, no parsing of
 * JSON, no validation, no staging, no merge) straight into empty copies of `complaints` and
 * `complaint_events` with the same indexes, constraints and foreign keys. What PostgreSQL alone
 * needs to write one batch into the case store's tables: no ingest path can be faster, so
 * baseline / floor bounds the ratio any ingest code can reach on this schema and machine.
 */
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { cpuMs } from './lib.js';

/** What the floor measured: the rows copied, wall time (whole, per table) and the backend's CPU. */
export interface FloorCopyResult {
  complaints: number;
  events: number;
  ms: number;
  complaintsMs: number;
  eventsMs: number;
  pgBackendCpuMs: number;
}

/** `url`: the database a bulk upload filled; `dir`: where the binary COPY files wait (removed at the end). */
export async function floorCopy({ url, dir }: { url: string; dir: string }): Promise<FloorCopyResult> {
  const client = new pg.Client({ connectionString: url, application_name: 'odr-bench-floor' });
  await client.connect();
  const files = {
    complaints: path.join(dir, `floor-complaints-${process.pid}.bin`),
    events: path.join(dir, `floor-events-${process.pid}.bin`),
  };
  try {
    // The stored rows, in the order the upload wrote them, as PostgreSQL's binary COPY format.
    await pipeline(
      client.query(copyStreams.to('COPY (SELECT * FROM complaints ORDER BY id) TO STDOUT (FORMAT binary)')),
      createWriteStream(files.complaints),
    );
    await pipeline(
      client.query(copyStreams.to('COPY (SELECT * FROM complaint_events ORDER BY id) TO STDOUT (FORMAT binary)')),
      createWriteStream(files.events),
    );
    const counts = (
      await client.query<{ complaints: number; events: number }>(
        'SELECT (SELECT count(*) FROM complaints)::int AS complaints, (SELECT count(*) FROM complaint_events)::int AS events',
      )
    ).rows[0]!;
    for (const sql of [
      'DROP TABLE IF EXISTS floor_events, floor_complaints',
      // INCLUDING ALL: defaults, NOT NULL and CHECK constraints, identity, every index (primary
      // key, unique, the registry's, the partial ones). Foreign keys are added by hand.
      'CREATE TABLE floor_complaints (LIKE complaints INCLUDING ALL)',
      'ALTER TABLE floor_complaints ADD FOREIGN KEY (trader_id) REFERENCES traders (id), ADD FOREIGN KEY (adr_body_id) REFERENCES adr_bodies (id)',
      'CREATE TABLE floor_events (LIKE complaint_events INCLUDING ALL)',
      'ALTER TABLE floor_events ADD FOREIGN KEY (complaint_id) REFERENCES floor_complaints (id)',
      'CHECKPOINT',
    ])
      await client.query(sql);
    const backendPid = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const pgCpu0 = cpuMs(backendPid) ?? 0;
    const t0 = performance.now();
    // One transaction, as an upload is one.
    await client.query('BEGIN');
    // OVERRIDING is not available to COPY: the identity columns take the copied ids as given.
    await pipeline(createReadStream(files.complaints), client.query(copyStreams.from('COPY floor_complaints FROM STDIN (FORMAT binary)')));
    const tEvents = performance.now();
    await pipeline(createReadStream(files.events), client.query(copyStreams.from('COPY floor_events FROM STDIN (FORMAT binary)')));
    await client.query('COMMIT');
    const ms = performance.now() - t0;
    const pgCpuMs = (cpuMs(backendPid) ?? pgCpu0) - pgCpu0;
    return {
      complaints: counts.complaints,
      events: counts.events,
      ms,
      complaintsMs: tEvents - t0,
      eventsMs: performance.now() - tEvents,
      pgBackendCpuMs: Math.round(pgCpuMs),
    };
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.query('DROP TABLE IF EXISTS floor_events, floor_complaints').catch(() => {});
    await client.end();
    for (const f of Object.values(files)) rmSync(f, { force: true });
  }
}
