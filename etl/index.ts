/**
 * The ETL's public entry: the runner and its plan. api/src imports the ETL from here only.
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
export { dropTemps, exampleInput, PLAN, stepsFor, tempsFor } from './plan.js';
export type { Findings, RunInput, Step, StepInput, TempTable } from './step.js';
