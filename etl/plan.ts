/**
 * The ETL's plan: every step, in order, each declaring the runs it is part of (full, incremental
 * or both), what it reads and writes, and the temporary tables it owns (etl/step.ts). The runner
 * walks it (etl-runner.ts); plan.test.ts checks it is consistent and keeps every step's SQL as a
 * snapshot (sql/duckdb/snapshots/etl/).
 *
 * The store's schema version is derived from the same statements: whatever changes what a run
 * writes (the schema, a step's SQL, the plan's order, a code list, the extract's queries) changes
 * the version, and a store or snapshot of another version is rebuilt by a full run.
 */
import { createHash } from 'node:crypto';
import { compiled, sql, type Statement } from '../core/duckdb/duck-sql.js';
import { ENUM_CODES, STORE_SCHEMA } from '../core/duckdb/store-schema.js';
import { EXTRACT_QUERIES } from './extract.js';
import { relationOf, type EtlKind, type Step, type StepInput, type TempTable } from './step.js';
import { closeBuckets } from './steps/close-buckets.js';
import { complaintFacts, complaintFactsDelete, complaintFactsOverdue, countFacts } from './steps/complaint-facts.js';
import { adrFacts, adrFactsUpdate, closedFacts, closedFactsUpdate, openFacts, openFactsUpdate } from './steps/fact-copies.js';
import { adrBodies, adrBodyKeys, traderKeys, traders } from './steps/reference.js';
import { snapshot } from './steps/snapshot.js';
import { countExtract, loadExtract, rebuildFacts } from './steps/stage.js';
import { traderYears } from './steps/trader-years.js';

export const PLAN: readonly Step[] = [
  rebuildFacts,
  loadExtract,
  countExtract,
  traders,
  traderKeys,
  adrBodies,
  adrBodyKeys,
  complaintFactsDelete,
  closeBuckets,
  complaintFacts,
  countFacts,
  traderYears,
  complaintFactsOverdue,
  openFacts,
  openFactsUpdate,
  closedFacts,
  closedFactsUpdate,
  adrFacts,
  adrFactsUpdate,
  snapshot,
];

/** The steps a full run or an increment takes, in order. */
export const stepsFor = (kind: EtlKind): Step[] => PLAN.filter((s) => s.on.includes(kind));

/** The temporary tables a run's steps create, in the order they are created. */
export const tempsFor = (kind: EtlKind): TempTable[] => stepsFor(kind).flatMap((s) => s.temps ?? []);

/** Drops a run's temporary tables (the last created first), once its snapshot is written. */
export const dropTemps = (kind: EtlKind): Statement<unknown>[] =>
  tempsFor(kind)
    .reverse()
    .map((t) => sql`DROP ${sql.raw(relationOf(t, kind))} ${sql.id(t.name)}`);

/** Fixed inputs: the plan's statements for the snapshots (plan.test.ts) and the schema version. */
export function exampleInput(kind: EtlKind): StepInput {
  return {
    kind,
    etlRunId: 42,
    asOf: '2026-01-15 12:00:00.000',
    snapshotAt: '2026-01-15 11:59:58.500',
    snapshotXmin: '1000',
    storeId: '7400000000000000000/odr',
    schemaVersion: 'SCHEMA_VERSION',
    replyDays: 10,
    files: {
      complaints: kind === 'full' ? ['/tmp/run/complaints-0.csv', '/tmp/run/complaints-1.csv'] : ['/tmp/run/complaints-0.csv'],
      traders: '/tmp/run/traders.csv',
      adrBodies: '/tmp/run/adr_bodies.csv',
    },
    rowsRead: 0,
    tradersChanged: false,
    dataRunId: 42,
    complaints: 0,
  };
}

/** The text and parameters of each statement. */
const texts = (statements: readonly Statement<unknown>[]) =>
  statements.map((s) => compiled(s)).map((q) => `${q.sql}\n${JSON.stringify(q.parameters)}`);

/**
 * The store's schema version: a hash of its schema, of every step's statements on either kind of
 * run (with the fixed inputs), of the code lists and of the extract's queries.
 */
export const SCHEMA_VERSION: string = (() => {
  const hash = createHash('sha256');
  const part = (label: string, lines: readonly string[]) => hash.update(`${label}\n${lines.join('\n;\n')}\n\n`);
  part('schema', texts(STORE_SCHEMA));
  for (const kind of ['full', 'incremental'] as const) {
    for (const step of stepsFor(kind)) part(`${kind} ${step.name}`, texts(step.statements(exampleInput(kind))));
  }
  part('codes', [JSON.stringify(ENUM_CODES)]);
  part('extract', EXTRACT_QUERIES);
  return hash.digest('hex').slice(0, 16);
})();
