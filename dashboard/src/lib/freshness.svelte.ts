/** The newest `asOf` any answer carried, for the stamp at the top right. */
import type { AsOf } from './api.js';

export const freshness = $state<{ asOf: AsOf | undefined }>({ asOf: undefined });

export function noteAsOf(asOf: AsOf | undefined): void {
  if (asOf && (!freshness.asOf || asOf.etlRunId >= freshness.asOf.etlRunId)) freshness.asOf = asOf;
}
