/**
 * The small hook for answers that are streamed (registry exports): the audit interceptor runs the
 * route inside an AsyncLocalStorage scope holding a note; code deep below the route (the
 * exporter) picks the note up synchronously with `auditNote()` and counts rows into it as they
 * leave. The interceptor reads the count once the stream has ended. Outside a request (the CLI)
 * there is no note and counting is a no-op.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface AuditNote {
  rows: number;
}

const scope = new AsyncLocalStorage<AuditNote>();

export function withAuditNote<T>(note: AuditNote, fn: () => T): T {
  return scope.run(note, fn);
}

/** The current request's note, if an audited route is running. */
export function auditNote(): AuditNote | undefined {
  return scope.getStore();
}
