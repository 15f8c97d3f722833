/**
 * Bulk and single ingestion, one path for both, in two phases. First the whole input is read and
 * each line validated at the edge, the valid ones spooled as COPY text (memory, or a temporary
 * file when large): no connection is taken while a client is still sending, and a bad line is a
 * 422 without a transaction ever opened. Then, in one transaction, the spooled chunks are COPYed
 * into a staging table and checked and merged in SQL, so a batch lands whole or not at all.
 */
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { sql } from 'kysely';
import type { z } from 'zod';
import { ApiError, MAX_DETAILS, type ErrorDetail } from '../common/errors.js';
import { foreignSource } from '../access/scope.js';
import { complaintInput } from '../complaints/complaint.schema.js';
import type { IngestSummary } from '../complaints/complaints.dto.js';
import { normaliseComplaint } from '../complaints/normalize.js';
import { PATH_TO_COLUMN } from '../complaints/formats/csv-columns.js';
import type { Store } from '../../../core/postgres/store.js';
import type { Config } from '../config/config.js';
import { tempDirOf } from '../../../core/paths.js';
import { IngestRepository } from './ingest.repository.js';
import type { IngestFormat, ReaderItem } from './readers.js';
import { ChunkBuffer } from './chunk-buffer.js';
import { ChunkSpool } from './chunk-spool.js';
import { CHUNK_TABLE, STAGING_COLUMNS, toCopyLine } from './staging.js';

export interface IngestRequest {
  items: AsyncIterable<ReaderItem>;
  format: IngestFormat | 'json';
  defaultSource: string;
  /**
   * The only source this request may write (an ingest token's): a line naming another makes the
   * whole request a 403, nothing written. Undefined: any source.
   */
  onlySource?: string;
  caller: string;
  /** One complaint from POST /complaints: a conflict is 409 rather than a 422 line error. */
  single?: boolean;
  onProgress?: (received: number) => void;
}

/** The answer of a bulk upload (complaints.dto.ts ingestSummary). */
export type { IngestSummary };
export type IngestPhases = IngestSummary['phases'];

/** The settings as the server and the CLI both run ingest. */
export function ingestSettingsOf(config: Pick<Config, 'traderReplyDays' | 'dataDir' | 'bulkIdleTimeoutMs'>): IngestSettings {
  return { traderReplyDays: config.traderReplyDays, spoolDir: tempDirOf(config.dataDir), idleInTransactionMs: config.bulkIdleTimeoutMs };
}

export interface IngestSettings {
  traderReplyDays: number;
  /** Rows merged per chunk; tests make it tiny to cross chunk boundaries. */
  chunkLines?: number;
  /** Where a large batch's validated rows wait for the merge (DATA_DIR/tmp); default: the OS's. */
  spoolDir?: string;
  /**
   * PostgreSQL ends the ingest transaction if it idles this long between statements (a stalled
   * process must not pin a pooled connection inside an open transaction). Default 30 s.
   */
  idleInTransactionMs?: number;
}

/**
 * Rows per merge chunk: large enough that the per-chunk statements cost little, small enough that
 * the two chunks in memory (one merging, one validated) stay a few MB each.
 */
const MERGE_CHUNK_LINES = 10_000;

/** `['events', 2, 'at']` → `events[2].at` */
export function pathToField(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : `${out ? '.' : ''}${String(p)}`;
  return out || '(complaint)';
}

function issuesToDetails(issues: z.core.$ZodIssue[], line: number, fieldOf: (p: string) => string): ErrorDetail[] {
  return issues.map((i) => {
    // An unknown field is named itself, not its parent object.
    const path = i.code === 'unrecognized_keys' && i.keys.length === 1 ? [...i.path, i.keys[0]!] : i.path;
    return { line, field: fieldOf(pathToField(path)), message: humanMessage(i) };
  });
}

function humanMessage(i: z.core.$ZodIssue): string {
  if (i.code === 'invalid_type' && (i as { input?: unknown }).input === undefined) return 'is required';
  if (i.code === 'unrecognized_keys') return `unknown field${i.keys.length > 1 ? 's' : ''}: ${i.keys.join(', ')}`;
  return i.message;
}

/** An upload without a single complaint is a mistake (a wrong file, a cut pipe), not a success. */
function emptyUpload(format: IngestRequest['format']): ApiError {
  const expected =
    format === 'csv'
      ? 'a header row and one row per complaint'
      : format === 'parquet'
        ? 'one row per complaint'
        : 'one JSON object (a complaint) per line';
  const message = `the upload holds no complaint: send ${expected}`;
  return new ApiError(422, `nothing was stored: ${message}`, [{ field: '(body)', message }]);
}

export class IngestService {
  constructor(
    private readonly store: Store,
    private readonly settings: IngestSettings,
  ) {}

  async ingest(req: IngestRequest): Promise<IngestSummary & { verdict?: 'inserted' | 'updated' | 'duplicate' }> {
    const batchId = randomUUID();
    // Problems found in SQL are named by JSON path; a CSV user knows them by column.
    const mergeField = (p: string) => (req.format === 'csv' || req.format === 'parquet' ? (PATH_TO_COLUMN[p] ?? p) : p);
    const startedAt = new Date();
    const phases: IngestPhases = { parseMs: 0, validateMs: 0, copyMs: 0, mergeMs: 0 };
    const errors: ErrorDetail[] = [];
    let errorCount = 0;
    let received = 0;
    // The first line naming a source this caller may not write; nothing is copied after it.
    let forbidden: ApiError | undefined;
    /** Records problems; returns how many there are in all so far. */
    const addErrors = (details: ErrorDetail[]): number => {
      errorCount += details.length;
      for (const d of details) if (errors.length < MAX_DETAILS) errors.push(d);
      return errorCount;
    };

    const settings = this.settings;
    const chunkLines = settings.chunkLines ?? MERGE_CHUNK_LINES;
    const spool = new ChunkSpool(settings.spoolDir ?? tmpdir());
    // Phase 1: every line read and validated, the valid ones spooled as COPY text a chunk at a
    // time. Once a line is bad nothing more is spooled, but every line is still read so the
    // answer lists all problems.
    const validateAll = async (): Promise<void> => {
      const buffer = new ChunkBuffer();
      let lines = 0;
      const iterator = req.items[Symbol.asyncIterator]();
      for (;;) {
        const t0 = performance.now();
        const next = await iterator.next();
        phases.parseMs += performance.now() - t0;
        if (next.done) break;
        const item = next.value;
        received++;
        if (received % 10_000 === 0) req.onProgress?.(received);
        const t1 = performance.now();
        const fieldOf = item.fieldOf ?? ((p: string) => p);
        let problems = item.problems;
        let line: string | null = null;
        const named = (item.input as { source?: unknown } | undefined)?.source;
        if (req.onlySource !== undefined && typeof named === 'string' && named.trim() !== req.onlySource) {
          // Judged on the raw line, so a foreign line is refused even when it is otherwise invalid.
          forbidden ??= foreignSource(req.onlySource, named, req.single ? undefined : item.line);
        } else if (item.input !== undefined) {
          const parsed = complaintInput.safeParse(item.input, { reportInput: true });
          if (!parsed.success) {
            problems = [...problems, ...issuesToDetails(parsed.error.issues, item.line, fieldOf)];
          } else if (problems.length === 0) {
            const n = normaliseComplaint(parsed.data, { defaultSource: req.defaultSource, traderReplyDays: settings.traderReplyDays });
            if (n.ok && req.onlySource !== undefined && n.complaint.source !== req.onlySource) {
              forbidden ??= foreignSource(req.onlySource, n.complaint.source, req.single ? undefined : item.line);
            } else if (n.ok) line = toCopyLine(n.complaint, item.line);
            else problems = n.problems.map((p) => ({ line: item.line, field: fieldOf(p.field), message: p.message }));
          }
        }
        phases.validateMs += performance.now() - t1;
        if (problems.length) addErrors(problems.map((p) => ({ ...p, line: item.line })));
        if (line !== null && errorCount === 0 && !forbidden) {
          buffer.append(line);
          if (++lines === chunkLines) {
            await spool.append(buffer.bytes(), lines);
            buffer.reset();
            lines = 0;
          }
        }
      }
      if (lines > 0 && errorCount === 0 && !forbidden) await spool.append(buffer.bytes(), lines);
      req.onProgress?.(received);
    };

    // Phase 2: one session and transaction, only once the input is whole and valid.
    const merge = () =>
      this.store.session(async (session) =>
        session.db.transaction().execute(async (trx) => {
          if (this.store.kind === 'postgres') {
            await sql
              .raw(`SET LOCAL idle_in_transaction_session_timeout = ${Math.round(settings.idleInTransactionMs ?? 30_000)}`)
              .execute(trx);
          }
          const repo = new IngestRepository(trx);
          await repo.createStaging();
          let inserted = 0;
          let updated = 0;
          let duplicates = 0;
          let analyzed = false;
          for await (const chunk of spool.read()) {
            const tCopy = performance.now();
            await repo.clearChunk();
            await session.copyCsv(CHUNK_TABLE, STAGING_COLUMNS, [chunk.bytes]);
            const tMerge = performance.now();
            phases.copyMs += tMerge - tCopy;
            const merged = await this.mergeChunk(repo, batchId, chunk.lines, !analyzed, mergeField, addErrors);
            analyzed = true;
            inserted += merged.inserted;
            updated += merged.updated;
            duplicates += merged.duplicates;
            phases.mergeMs += performance.now() - tMerge;
            // Once a chunk has a problem nothing more is written; the others would only add noise.
            if (errorCount > 0) break;
          }
          if (errorCount > 0) throw this.rejection(req, errors, errorCount, received, batchId);

          // The first line of a reference counts; identical repeats are duplicates.
          const tRepeats = performance.now();
          for (const r of await repo.repeatedRefs()) {
            for (let i = 1; i < r.lines.length; i++) {
              if (r.hashes[i] === r.hashes[0]) duplicates++;
              else
                addErrors([
                  {
                    line: r.lines[i]!,
                    field: mergeField('externalRef'),
                    message: `reference "${r.external_ref}" already appears on line ${r.lines[0]} of this batch with different content`,
                  },
                ]);
            }
          }
          phases.mergeMs += performance.now() - tRepeats;
          if (errorCount > 0) throw this.rejection(req, errors, errorCount, received, batchId);
          await trx
            .insertInto('ingest_batches')
            .values({
              id: batchId,
              source: req.defaultSource,
              caller: req.caller,
              format: req.format,
              status: 'completed',
              received,
              inserted,
              updated,
              duplicates,
              rejected: 0,
              started_at: startedAt,
              finished_at: new Date(),
            })
            .execute();
          return { inserted, updated, duplicates };
        }),
      );

    let outcome: { inserted: number; updated: number; duplicates: number };
    try {
      await validateAll();
      // Writing another feed's source is refused outright, before any line error.
      if (forbidden) throw forbidden;
      if (errorCount > 0) throw this.rejection(req, errors, errorCount, received, batchId);
      if (received === 0) throw emptyUpload(req.format);
      outcome = await merge();
    } catch (err) {
      if (err instanceof ApiError && (err.statusCode === 422 || err.statusCode === 409)) {
        await this.recordRejected(batchId, req, startedAt, received, errorCount, err.message);
      }
      throw err;
    } finally {
      await spool.dispose();
    }
    const verdict = outcome.inserted ? 'inserted' : outcome.updated ? 'updated' : 'duplicate';
    return { batchId, received, ...outcome, phases: roundPhases(phases), ...(req.single ? { verdict } : {}) };
  }

  /**
   * Checks and merges the chunk just COPYed: sets aside repeated references, refuses unknown ADR
   * bodies, inserts new complaints with their events, judges and extends stored ones. Problems go
   * to `addErrors`; once there are any, nothing more is written (the transaction will roll back).
   */
  private async mergeChunk(
    repo: IngestRepository,
    batchId: string,
    copied: number,
    analyze: boolean,
    mergeField: (p: string) => string,
    addErrors: (details: ErrorDetail[]) => number,
  ): Promise<{ inserted: number; updated: number; duplicates: number }> {
    const none = { inserted: 0, updated: 0, duplicates: 0 };
    const staged = await repo.stageChunk(copied);
    // The first chunk's statistics stand for the others (same size, same shape).
    if (analyze) await repo.analyzeChunk();
    const unknown = (await repo.unknownAdrBodies()).map((u) => ({
      line: u.line,
      field: mergeField('adrBodyId'),
      message: `unknown ADR body "${u.adr_body_id}": register it first (PUT /api/v1/adr-bodies/${u.adr_body_id})`,
    }));
    if (addErrors(unknown) > 0) return none;
    await repo.upsertTraders();
    const inserted = await repo.insertNew(batchId);
    if (inserted === staged) return { ...none, inserted };
    const m = await repo.matchExisting(batchId);
    const bad = m.bad.map((b) => ({
      line: b.line,
      field: b.verdict === 'conflict' ? mergeField(b.differing[0]!) : 'events',
      message:
        b.verdict === 'conflict'
          ? `a different complaint is already stored under this source and reference (differs in: ${b.differing.map(mergeField).join(', ')})`
          : 'the events differ from the ones already stored under this reference: a re-sent case may only add events after the stored ones',
    }));
    if (addErrors(bad) > 0) return none;
    await repo.extendExisting(batchId);
    return { inserted, updated: m.extended, duplicates: m.duplicates };
  }

  private rejection(req: IngestRequest, errors: ErrorDetail[], count: number, received: number, batchId: string): ApiError {
    // Problems found in SQL (a chunk's merge) and in later lines' validation arrive interleaved.
    errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    if (req.single) {
      const conflict = errors.find((e) => e.message.startsWith('a different complaint') || e.message.startsWith('the events differ'));
      const details = errors.map(({ field, message }) => ({ field, message }));
      if (conflict) return new ApiError(409, `complaint not stored: ${conflict.message}`, details);
      return new ApiError(422, `complaint not stored: ${count} problem${count > 1 ? 's' : ''} found`, details);
    }
    const lines = new Set(errors.map((e) => e.line)).size;
    return new ApiError(
      422,
      `nothing was stored: ${count} problem${count > 1 ? 's' : ''} in ${lines}${errors.length < count ? '+' : ''} of ${received} line${received > 1 ? 's' : ''}${count > MAX_DETAILS ? ` (the first ${MAX_DETAILS} are listed)` : ''}`,
      errors,
      { rejected: count, batchId },
    );
  }

  private async recordRejected(
    batchId: string,
    req: IngestRequest,
    startedAt: Date,
    received: number,
    errorCount: number,
    message: string,
  ) {
    try {
      await this.store.db
        .insertInto('ingest_batches')
        .values({
          id: batchId,
          source: req.defaultSource,
          caller: req.caller,
          format: req.format,
          status: 'rejected',
          received,
          inserted: 0,
          updated: 0,
          duplicates: 0,
          rejected: errorCount,
          error: message,
          started_at: startedAt,
          finished_at: new Date(),
        })
        .execute();
    } catch {
      // The record of a rejection is a courtesy; the rejection itself must still reach the caller.
    }
  }
}

function roundPhases(p: IngestPhases): IngestPhases {
  return {
    parseMs: Math.round(p.parseMs),
    validateMs: Math.round(p.validateMs),
    copyMs: Math.round(p.copyMs),
    mergeMs: Math.round(p.mergeMs),
  };
}
