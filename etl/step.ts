/**
 * What a step of the ETL plan is (etl/plan.ts lists them in order; etl/steps/ composes their
 * SQL). A step declares the runs it is part of, what it reads and writes, the temporary tables
 * it creates (the runner drops them once the snapshot is written), and its statements, composed
 * from the run's inputs: no SQL text is read or filled in at run time.
 */
import type { Row, Statement } from '../core/duckdb/duck-sql.js';
import type { ExtractFiles } from './extract.js';

export type EtlKind = 'full' | 'incremental';
export const EVERY_RUN: readonly EtlKind[] = ['full', 'incremental'];

/** What a run knows before its first step. */
export interface RunInput {
  kind: EtlKind;
  etlRunId: number;
  /** The instant this snapshot describes (UTC, 'YYYY-MM-DD HH:MM:SS.mmm'): overdue is judged at it. */
  asOf: string;
  /**
   * The instant the extract's PostgreSQL snapshot was read (same format): what the figures
   * describe; an open case is censored at it (medianDaysToCloseKM).
   */
  snapshotAt: string;
  /** The extract's watermark for the next increment. */
  snapshotXmin: string;
  /** The PostgreSQL database the store was built from. */
  storeId: string;
  schemaVersion: string;
  /** TRADER_REPLY_DAYS: the timely-reply flags depend on it. */
  replyDays: number;
  /** The extract's files (paths this run chose). */
  files: ExtractFiles;
}

/** What steps tell later ones (and the runner): each is set by the step that finds it. */
export interface Findings {
  /** Complaints read from the extract (count_extract on an increment, count_facts on a full run). */
  rowsRead: number;
  /** Whether the traders' reference copy changed (traders): the benchmark's sector tie-break. */
  tradersChanged: boolean;
  /** The run whose figures the snapshot shows (the runner decides it before the publishing step). */
  dataRunId: number;
  /** Complaints in the published snapshot (snapshot). */
  complaints: number;
}

export type StepInput = RunInput & Findings;

/** A temporary relation a step creates: a table, or a view on the runs named by `viewOn`. */
export interface TempTable {
  name: string;
  viewOn?: EtlKind;
}

export const relationOf = (t: TempTable, kind: EtlKind): 'VIEW' | 'TABLE' => (t.viewOn === kind ? 'VIEW' : 'TABLE');

export interface Step {
  name: string;
  /** The runs it is part of. */
  on: readonly EtlKind[];
  /** The store's tables and the temporary tables of earlier steps it reads. */
  reads: readonly string[];
  /** The store's tables (or other persistent relations) it writes. */
  writes: readonly string[];
  /** The temporary tables it creates: its own, dropped by the runner once the snapshot is written. */
  temps?: readonly TempTable[];
  /** Its last statement's row counts rows changed without a complaint changing (`changed`, or an UPDATE's `Count`). */
  sideChanges?: boolean;
  /** The snapshot: the runner decides dataRunId, runs the fault hook and checks its lock before it. */
  publishes?: boolean;
  statements(input: StepInput): readonly Statement<unknown>[];
  /** What its last statement's first row tells later steps. */
  finds?(row: Row | undefined): Partial<Findings>;
}
