/**
 * Which errors mean "the database cannot be reached right now" (as opposed to a bad query or a
 * bug): they become a 503 with Retry-After in one place (the error filter), so a client knows to
 * try again, and nothing was stored (a transaction cut by a lost connection is rolled back).
 */

/** Seconds a client is told to wait before retrying while the database is unreachable. */
export const DB_RETRY_AFTER_SECONDS = 5;

/** Socket-level failures reaching or keeping the server. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01 admin shutdown, 57P02 crash
 * shutdown, 57P03 cannot connect now (starting up / shutting down), 53300 too many connections.
 */
const SQLSTATES: ReadonlySet<string> = new Set(['57P01', '57P02', '57P03', '53300']);

/** Messages node-postgres uses for a lost or timed-out connection (they carry no code). */
const PG_MESSAGES: readonly RegExp[] = [
  /^Connection terminated/i, // unexpectedly, or "due to connection timeout"
  /^timeout exceeded when trying to connect/i, // pg Pool connectionTimeoutMillis
  /^Client has encountered a connection error and is not queryable/i,
  /^Client was closed and is not queryable/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

function one(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code))) return true;
  return typeof message === 'string' && PG_MESSAGES.some((re) => re.test(message));
}

/** True when `err` (or an error it wraps: `cause`, AggregateError) says the database is unreachable. */
export function isDbUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; depth++) {
    if (one(e)) return true;
    if (e instanceof AggregateError && e.errors.some(one)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
