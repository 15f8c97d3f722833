/**
 * One ETL run: record it in `etl_runs`, extract from PostgreSQL, transform and publish in one
 * DuckDB transaction, record the outcome. Incremental unless asked otherwise or unless the
 * published snapshot cannot be extended (none yet, another schema version, another database, or
 * a run PostgreSQL does not know as succeeded): then full.
 *
 * Runs never overlap, in one process or across instances: a run holds the ETL lock (a PostgreSQL
 * advisory lock, run-lock.ts) from before its record is written until it has ended. With shared
 * snapshots the committed store is then copied to SNAPSHOT_DIR for every instance.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import type { Store } from '../core/postgres/store.js';
import type { EtlRunRow } from '../core/postgres/schema.js';
import type { AnalyticsDb, Query, Row, Snapshot } from '../core/duckdb/analytics-db.js';
import { extract, type Extracted } from './extract.js';
import { dropTemps, SCHEMA_VERSION, stepsFor } from './plan.js';
import { tryEtlLock, type HeldLock } from './run-lock.js';
import type { EtlKind, Findings, RunInput, Step, StepInput } from './step.js';
import { RESET_OPTIMIZERS } from './steps/complaint-facts.js';
import { PREVIOUS_DATA_RUN } from './steps/snapshot.js';
import type { SharedSnapshots } from '../core/duckdb/shared-snapshots.js';
import type { WorkStore } from '../core/duckdb/work-store.js';

export type { EtlKind };
export type EtlTrigger = 'schedule' | 'api' | 'cli' | 'start-up';

export interface EtlRun {
  id: number;
  kind: EtlKind;
  status: 'running' | 'succeeded' | 'failed';
  trigger: string;
  startedAt: string;
  finishedAt: string | null;
  rowsRead: number | null;
  complaints: number | null;
  error?: string;
}

export interface EtlRunnerOptions {
  /** Scratch space for the extract files (removed after each run). */
  workDir: string;
  /** TRADER_REPLY_DAYS: the timely-reply flags depend on it, so a change forces a full run. */
  traderReplyDays: number;
  /** Tests (fault injection, settings): runs inside the DuckDB transaction, just before it commits; `q` queries that transaction. */
  beforePublish?: (q: Query) => Promise<void>;
  /** Shared snapshots: where a committed run is published for every instance. */
  shared?: SharedSnapshots;
}

/** What a publication changed: any figure (dataChanged), or complaints themselves (rowsChanged). */
export interface PublishedChange {
  dataChanged: boolean;
  rowsChanged: boolean;
}

/** Thrown at a step boundary once the runner is stopping: the DuckDB transaction rolls back. */
export class EtlAborted extends Error {
  constructor(reason: string) {
    super(`aborted: ${reason}`);
  }
}

/** `runId` null: another instance holds the ETL lock and its run is not recorded yet. */
export class EtlAlreadyRunning extends Error {
  constructor(readonly runId: number | null) {
    super(runId === null ? 'another instance is starting an ETL run' : `ETL run ${runId} is still in progress`);
  }
}

/** A scheduled tick another instance has already served (every instance's cron fires). */
export class EtlTickTaken extends Error {
  constructor(readonly runId: number) {
    super(`this tick's scheduled run is ${runId}, started by another instance`);
  }
}

export function toEtlRun(r: EtlRunRow): EtlRun {
  const run: EtlRun = {
    id: Number(r.id),
    kind: r.kind,
    status: r.status,
    trigger: r.trigger,
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    rowsRead: r.rows_read,
    complaints: r.complaints,
  };
  if (r.error) run.error = r.error;
  return run;
}

export class EtlRunner {
  private active: { id: number; done: Promise<EtlRun> } | null = null;
  /** Set by stop(): the run in progress ends at its next step, no new run starts. */
  private stopping: string | null = null;
  private readonly listeners: Array<(run: EtlRun, change: PublishedChange) => void> = [];

  constructor(
    private readonly store: Store,
    private readonly work: WorkStore,
    private readonly options: EtlRunnerOptions,
  ) {}

  /** Called after every successful publication (e.g. to compute the common answers ahead). */
  onPublished(listener: (run: EtlRun, change: PublishedChange) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Starts a run and returns its record at once (status `running`) with a promise of the final
   * one. Runs never overlap: while one runs here or on another instance, this throws
   * EtlAlreadyRunning. `tick` (the scheduler's fire time): when another instance has already
   * started a scheduled run at or after it, this throws EtlTickTaken, so one tick is one run.
   */
  async start(opts: { full: boolean; trigger: EtlTrigger; tick?: Date }): Promise<{ run: EtlRun; done: Promise<EtlRun> }> {
    if (this.stopping) throw new EtlAborted(this.stopping);
    if (this.active) throw new EtlAlreadyRunning(this.active.id);
    // Claimed synchronously above; released when the run settles.
    const claim = { id: -1, done: Promise.resolve(null as unknown as EtlRun) };
    this.active = claim;
    let lock: HeldLock | null = null;
    let work: Awaited<ReturnType<WorkStore['open']>> | null = null;
    const release = async () => {
      await work?.release().catch(() => undefined);
      await lock?.release();
    };
    try {
      lock = await tryEtlLock(this.store);
      if (!lock) throw new EtlAlreadyRunning(await this.runningElsewhere());
      // With the lock held, a run still marked running belongs to a process that stopped.
      await this.failInterruptedRuns(lock);
      if (opts.tick) {
        // started_at is PostgreSQL's clock and tick the instance's: kept in step by NTP, a skew
        // under a second at worst skips or repeats a tick, never overlaps runs (the lock does that).
        const [taken] = await this.store.db
          .selectFrom('etl_runs')
          .select('id')
          .where('trigger', '=', 'schedule')
          .where('started_at', '>=', opts.tick)
          .limit(1)
          .execute();
        if (taken) throw new EtlTickTaken(Number(taken.id));
      }
      work = await this.work.open();
      const published = await work.db.snapshot();
      const kind: EtlKind = opts.full || !(await this.canExtend(published)) ? 'full' : 'incremental';
      const row = await this.store.db
        .insertInto('etl_runs')
        .values({ kind, status: 'running', trigger: opts.trigger })
        .returningAll()
        .executeTakeFirstOrThrow();
      const run = toEtlRun(row);
      claim.id = run.id;
      claim.done = this.execute(run, published, work.db, lock).finally(async () => {
        await release();
        if (this.active === claim) this.active = null;
      });
      return { run, done: claim.done };
    } catch (err) {
      await release();
      this.active = null;
      throw err;
    }
  }

  /** The run another instance has recorded as running, if any. */
  private async runningElsewhere(): Promise<number | null> {
    const [row] = await this.store.db
      .selectFrom('etl_runs')
      .select('id')
      .where('status', '=', 'running')
      .orderBy('id', 'desc')
      .limit(1)
      .execute();
    return row ? Number(row.id) : null;
  }

  /** Starts a run and waits for its end. */
  async runNow(opts: { full: boolean; trigger: EtlTrigger; tick?: Date }): Promise<EtlRun> {
    const { done } = await this.start(opts);
    return done;
  }

  /** Waits for the active run, if any (shutdown). */
  async settle(): Promise<void> {
    await this.active?.done.catch(() => undefined);
  }

  /**
   * Shutdown: the run in progress stops at its next step (between extract and the transforms, or
   * between two transforms) and is recorded failed; its DuckDB transaction rolls back, so the
   * previous snapshot stays published. No run starts afterwards. Resolves when nothing runs.
   */
  async stop(reason = 'the server is shutting down'): Promise<void> {
    this.stopping ??= reason;
    await this.settle();
  }

  private checkpoint(): void {
    if (this.stopping) throw new EtlAborted(this.stopping);
  }

  async recentRuns(limit: number): Promise<EtlRun[]> {
    const rows = await this.store.db.selectFrom('etl_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toEtlRun);
  }

  async lastRun(): Promise<EtlRun | null> {
    const [run] = await this.recentRuns(1);
    return run ?? null;
  }

  /**
   * A run left `running` by a process that stopped (crash, kill) never finishes: mark it failed.
   * Only while holding the ETL lock, since without it the run may be another instance's, alive.
   * Without `held`, takes the lock for the moment (start-up) and does nothing when it is taken.
   */
  async failInterruptedRuns(held?: HeldLock): Promise<number> {
    if (!held && this.active) return 0;
    const lock = held ?? (await tryEtlLock(this.store));
    if (!lock) return 0;
    try {
      const r = await this.store.db
        .updateTable('etl_runs')
        .set({ status: 'failed', finished_at: new Date(), error: 'interrupted: the process stopped during the run' })
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(r.numUpdatedRows);
    } finally {
      if (!held) await lock.release();
    }
  }

  private async canExtend(s: Snapshot | null): Promise<boolean> {
    if (!s || s.schemaVersion !== SCHEMA_VERSION || s.replyDays !== this.options.traderReplyDays) return false;
    const r = await sql<{ store_id: string; ok: boolean }>`
      select (select system_identifier::text from pg_control_system()) || '/' || current_database() as store_id,
             exists (select 1 from etl_runs where id = ${s.etlRunId} and status = 'succeeded') as ok`.execute(this.store.db);
    const row = r.rows[0];
    return row !== undefined && row.ok && row.store_id === s.storeId;
  }

  private async execute(run: EtlRun, published: Snapshot | null, db: AnalyticsDb, lock: HeldLock): Promise<EtlRun> {
    let dir: string | undefined;
    try {
      await mkdir(this.options.workDir, { recursive: true });
      dir = await mkdtemp(path.join(this.options.workDir, `run-${run.id}-`));
      const since = run.kind === 'incremental' ? published!.snapshotXmin : null;
      this.checkpoint();
      const extracted = await extract(this.store, dir, since);
      this.checkpoint();
      const { rowsRead, complaints, finishedAt, dataChanged, rowsChanged, dataRunId } = await this.publish(db, run, extracted, lock);
      if (this.options.shared) await this.options.shared.publish(db, { etlRunId: run.id, dataRunId, rowsChanged });
      const row = await this.store.db
        .updateTable('etl_runs')
        .set({
          status: 'succeeded',
          finished_at: finishedAt,
          rows_read: rowsRead,
          complaints,
          snapshot_xmin: extracted.snapshotXmin,
          snapshot_at: extracted.snapshotAt,
        })
        .where('id', '=', String(run.id))
        .returningAll()
        .executeTakeFirstOrThrow();
      const done = toEtlRun(row);
      for (const l of this.listeners) l(done, { dataChanged, rowsChanged });
      return done;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // complaint_facts switches an optimizer off for its INSERT with a SET, which DuckDB applies
      // to the whole instance and keeps through a rollback: a run that failed before the step's
      // RESET must not leave it off for every later query.
      await db.write((q) => q(RESET_OPTIMIZERS)).catch(() => undefined);
      const row = await this.store.db
        .updateTable('etl_runs')
        .set({ status: 'failed', finished_at: new Date(), error: message.slice(0, 2000) })
        .where('id', '=', String(run.id))
        .returningAll()
        .executeTakeFirst()
        .catch(() => undefined);
      return row ? toEtlRun(row) : { ...run, status: 'failed', finishedAt: new Date().toISOString(), error: message };
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  }

  /** Transform and publish: the plan's steps for this kind of run, in one DuckDB transaction. */
  private async publish(db: AnalyticsDb, run: EtlRun, x: Extracted, lock: HeldLock) {
    return db.write(async (q) => {
      const full = run.kind === 'full';
      // The instant this snapshot describes: overdue is judged at it and it is asOf.finishedAt.
      const finishedAt = new Date();
      const input: RunInput = {
        kind: run.kind,
        etlRunId: run.id,
        asOf: duckTimestamp(finishedAt),
        snapshotAt: duckTimestamp(x.snapshotAt),
        snapshotXmin: x.snapshotXmin,
        storeId: x.storeId,
        schemaVersion: SCHEMA_VERSION,
        replyDays: this.options.traderReplyDays,
        files: x.files,
      };
      const found: Findings = { rowsRead: 0, tradersChanged: false, dataRunId: run.id, complaints: 0 };
      // Rows changed without a complaint changing: reference data, or open cases that passed
      // their deadline. With new or changed complaints, if any, they tell whether a figure changed.
      let sideChanges = 0;
      let dataChanged = false;
      for (const step of stepsFor(run.kind)) {
        this.checkpoint();
        if (step.publishes) {
          // If no figure changed, answers computed on the previous snapshot still hold.
          const [previous] = await q(PREVIOUS_DATA_RUN);
          dataChanged = full || found.rowsRead > 0 || sideChanges > 0 || previous === undefined;
          found.dataRunId = dataChanged ? run.id : Number(previous!.data_run_id);
          await this.options.beforePublish?.(q);
          this.checkpoint();
          // Its connection may have died (and the lock with it): then another instance may be running.
          if (!(await lock.alive())) throw new Error('the ETL lock was lost (the connection holding it ended); this run is not published');
        }
        const [row] = await runStep(q, step, { ...input, ...found });
        if (step.sideChanges) sideChanges += Number(row?.changed ?? row?.Count ?? 0);
        Object.assign(found, step.finds?.(row));
      }
      for (const s of dropTemps(run.kind)) await q(s);
      const { rowsRead, complaints, dataRunId } = found;
      return { rowsRead, complaints, finishedAt, dataChanged, rowsChanged: full || rowsRead > 0, dataRunId };
    });
  }
}

/** An instant as DuckDB TIMESTAMP text in UTC ('YYYY-MM-DD HH:MM:SS.mmm'). */
const duckTimestamp = (d: Date): string => d.toISOString().replace('T', ' ').replace('Z', '');

/** Runs a step's statements in order; the rows of the last. */
async function runStep(q: Query, step: Step, input: StepInput): Promise<Row[]> {
  let last: Row[] = [];
  for (const statement of step.statements(input)) last = (await q(statement)) as Row[];
  return last;
}
