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
import { AnalyticsDb, duckdbSql, SCHEMA_VERSION, statements, type Params, type Row, type Snapshot } from '../core/duckdb/analytics-db.js';
import { STORE_TABLES } from '../core/duckdb/store-schema.js';
import { extract, type Extracted } from './extract.js';
import { tryEtlLock, type HeldLock } from './run-lock.js';
import type { SharedSnapshots } from '../core/duckdb/shared-snapshots.js';
import type { WorkStore } from '../core/duckdb/work-store.js';

export type EtlKind = 'full' | 'incremental';
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

/** The transforms, in order; each file writes one table of sql/duckdb/. `snapshot` is last. */
export const TRANSFORMS = ['traders.sql', 'trader_keys.sql', 'adr_bodies.sql', 'adr_body_keys.sql', 'complaint_facts_delete.sql', 'close_buckets.sql', 'complaint_facts.sql', 'trader_years.sql', 'complaint_facts_overdue.sql', 'open_facts.sql', 'open_facts_update.sql', 'closed_facts.sql', 'closed_facts_update.sql', 'adr_facts.sql', 'adr_facts_update.sql'] as const;
/** trader_years.sql's measures: the stats' own definitions (stats/measures.sql over flag groups, stats/close_quantiles.sql). */
export const TRADER_YEARS_FILL = {
  measures: duckdbSql('stats/measures.sql'),
  flag_counts: duckdbSql('stats/flag_counts.sql'),
  close_quantiles: duckdbSql('stats/close_quantiles.sql'),
};
/** Skipped on a full run: complaint_facts starts empty, open_facts, closed_facts and adr_facts are built whole. */
const INCREMENTAL_ONLY: ReadonlySet<string> = new Set(['complaint_facts_delete.sql', 'open_facts_update.sql', 'closed_facts_update.sql', 'adr_facts_update.sql']);
/** Skipped on an increment, which keeps the close buckets and updates open_facts, closed_facts and adr_facts in place instead. */
const FULL_ONLY: ReadonlySet<string> = new Set(['close_buckets.sql', 'open_facts.sql', 'closed_facts.sql', 'adr_facts.sql']);

/** The transforms a full run or an increment applies, in order. */
export function transformsFor(full: boolean): string[] {
  return TRANSFORMS.filter((t) => !(full ? INCREMENTAL_ONLY.has(t) : FULL_ONLY.has(t)));
}
/** The transforms whose last statement tells how many rows changed without a complaint changing. */
const SIDE_CHANGES: ReadonlySet<string> = new Set(['traders.sql', 'adr_bodies.sql', 'complaint_facts_overdue.sql']);

export interface EtlRunnerOptions {
  /** Scratch space for the extract files (removed after each run). */
  workDir: string;
  /** TRADER_REPLY_DAYS: the timely-reply flags depend on it, so a change forces a full run. */
  traderReplyDays: number;
  /** Fault injection for tests: runs inside the DuckDB transaction, just before it commits. */
  beforePublish?: () => Promise<void>;
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
        const [taken] = await this.store.db.selectFrom('etl_runs').select('id').where('trigger', '=', 'schedule').where('started_at', '>=', opts.tick).limit(1).execute();
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
    const [row] = await this.store.db.selectFrom('etl_runs').select('id').where('status', '=', 'running').orderBy('id', 'desc').limit(1).execute();
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
        .set({ status: 'succeeded', finished_at: finishedAt, rows_read: rowsRead, complaints, snapshot_xmin: extracted.snapshotXmin, snapshot_at: extracted.snapshotAt })
        .where('id', '=', String(run.id))
        .returningAll()
        .executeTakeFirstOrThrow();
      const done = toEtlRun(row);
      for (const l of this.listeners) l(done, { dataChanged, rowsChanged });
      return done;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // complaint_facts.sql switches an optimizer off for its INSERT with a SET, which DuckDB
      // applies to the whole instance and keeps through a rollback: a run that failed before the
      // file's RESET must not leave it off for every later query.
      await db.write((q) => q('RESET disabled_optimizers')).catch(() => undefined);
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

  /** Transform and publish: everything inside one DuckDB transaction. */
  private async publish(db: AnalyticsDb, run: EtlRun, x: Extracted, lock: HeldLock) {
    return db.write(async (q) => {
      const exec = async (file: string, params?: Params, fill?: Record<string, string>) => {
        let text = duckdbSql(file);
        for (const [k, v] of Object.entries(fill ?? {})) text = text.replaceAll(`{{${k}}}`, v);
        let last: Row[] = [];
        for (const s of statements(text)) last = await q(s, s.includes('$') && params ? only(params, s) : undefined);
        return last;
      };
      // A full run builds a new table rather than deleting ten million rows one by one; readers
      // keep the old one until the commit. Its flag classes are numbered afresh: they carry a
      // coarse close bucket, and the run chooses new close buckets.
      if (run.kind === 'full') {
        await q('DROP TABLE complaint_facts');
        await q('DROP TABLE flag_classes');
        await q(STORE_TABLES.complaint_facts);
        await q(STORE_TABLES.flag_classes);
      }
      const quote = (f: string) => `'${f.replaceAll("'", "''")}'`;
      const full = run.kind === 'full';
      await exec('load_extract.sql', undefined, {
        complaints: `[${x.files.complaints.map(quote).join(', ')}]`,
        traders: quote(x.files.traders),
        adr_bodies: quote(x.files.adrBodies),
        complaints_relation: full ? 'VIEW' : 'TABLE',
      });
      // A full run's extract is a view over the file: counted in complaint_facts after the
      // INSERT (the table started empty) rather than by parsing the file twice.
      const countRead = () => q(`SELECT count(*)::INTEGER AS n FROM ${full ? 'complaint_facts' : 'extract_complaints'}`).then((r) => Number(r[0]?.n ?? 0));
      let rowsRead = full ? 0 : await countRead();
      // The instant this snapshot describes: overdue is judged at it and it is asOf.finishedAt.
      const finishedAt = new Date();
      const params: Params = {
        etl_run_id: run.id,
        as_of: finishedAt.toISOString().replace('T', ' ').replace('Z', ''),
        snapshot_xmin: x.snapshotXmin,
        store_id: x.storeId,
        schema_version: SCHEMA_VERSION,
        reply_days: this.options.traderReplyDays,
      };
      // Did any figure change? New or changed complaints, reference data, or an open case that
      // passed its deadline. If not, answers computed on the previous snapshot still hold.
      const rowsChanged = full || rowsRead > 0;
      let changes = rowsChanged ? 1 : 0;
      let tradersChanged = false;
      for (const t of transformsFor(full)) {
        this.checkpoint();
        // trader_years: every pair on a full run or when a registered sector (the tie-break) may
        // have changed, else the pairs of the extracted complaints; the measures as defined once.
        const rows: Row[] =
          t === 'trader_years.sql'
            ? await exec(t, params, { ...TRADER_YEARS_FILL, all: full || tradersChanged ? 'TRUE' : 'FALSE' })
            : await exec(t, params);
        if (SIDE_CHANGES.has(t)) changes += Number(rows[0]?.changed ?? rows[0]?.Count ?? 0);
        if (t === 'traders.sql') tradersChanged = Number(rows[0]?.changed ?? 0) > 0;
        if (full && t === 'complaint_facts.sql') rowsRead = await countRead();
      }
      const [previous] = await q('SELECT data_run_id FROM snapshot');
      const dataChanged = changes > 0 || previous === undefined;
      await this.options.beforePublish?.();
      this.checkpoint();
      // Its connection may have died (and the lock with it): then another instance may be running.
      if (!(await lock.alive())) throw new Error('the ETL lock was lost (the connection holding it ended); this run is not published');
      const dataRunId = dataChanged ? run.id : Number(previous!.data_run_id);
      await exec('snapshot.sql', { ...params, data_run_id: dataRunId });
      const [snap] = await q('SELECT complaints FROM snapshot');
      await q(`DROP ${full ? 'VIEW' : 'TABLE'} extract_complaints`);
      for (const t of ['extract_traders', 'extract_adr_bodies', 'traders_changed', 'adr_bodies_changed', 'touched_trader_years']) await q(`DROP TABLE ${t}`);
      if (full) await q('DROP TABLE close_bucket_plan');
      return { rowsRead, complaints: Number(snap?.complaints ?? 0), finishedAt, dataChanged, rowsChanged, dataRunId };
    });
  }
}

/** The named parameters one statement uses (DuckDB refuses values it has no placeholder for). */
function only(params: Params, statement: string): Params {
  return Object.fromEntries(Object.entries(params).filter(([k]) => new RegExp(`\\$${k}\\b`).test(statement)));
}
