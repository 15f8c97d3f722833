/**
 * The ETL's public entry: the runner, its plan and the analytics store's schema version (which
 * whoever opens the store passes to it: core/duckdb does not import the ETL). api/src imports the
 * ETL from here only.
 */
export {
  EtlAborted,
  EtlAlreadyRunning,
  EtlRunner,
  EtlTickTaken,
  toEtlRun,
  type EtlKind,
  type EtlRun,
  type EtlRunnerOptions,
  type EtlTrigger,
  type PublishedChange,
} from './etl-runner.js';
export { extract, fullExtractParts, type Extracted, type ExtractFiles, type ExtractOptions } from './extract.js';
export { dropTemps, exampleInput, PLAN, SCHEMA_VERSION, stepsFor, tempsFor } from './plan.js';
export type { Findings, RunInput, Step, StepInput, TempTable } from './step.js';
