/**
 * The one place that reads `process.env` (contract "Configuration"). Built once at start-up;
 * a bad value stops start-up with a message naming the variable.
 */
import path from 'node:path';
import { CronTime } from 'cron';
import { z } from 'zod';
import { defaultThreads, etlFloorBytes, parseSize, SHARED_SPLIT } from '../../../core/duckdb/duckdb-budget.js';

const onOff = (fallback: string) => z.string().default(fallback);
const positiveInt = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .positive(`${name} must be positive`);

function validCron(expr: string): boolean {
  const fields = expr.trim().split(/\s+/).length;
  if (fields !== 5 && fields !== 6) return false;
  try {
    new CronTime(expr);
    return true;
  } catch {
    return false;
  }
}

const envSchema = z.object({
  PORT: positiveInt('PORT').max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\//.test(v), 'DATABASE_URL must be a postgres:// connection string')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  DUCKDB_PATH: z.string().min(1).optional(),
  SNAPSHOT_DIR: z.string().min(1).optional(),
  // The budget of the whole process's DuckDB (core/duckdb/duckdb-budget.ts). 1GB fits a 2 GiB
  // container: the Node process itself takes ~250 MiB, and DuckDB's allocations outside its
  // buffer pool, a Parquet upload or export (256 MB each, their own) and the page cache of the
  // spill files need the rest. DuckDB's own default (80 % of the memory it sees) would leave none.
  DUCKDB_MEMORY_LIMIT: z
    .string()
    .default('1GB')
    .transform((v, ctx) => {
      if (v.trim().toLowerCase() === 'auto') return null;
      const bytes = parseSize(v);
      if (bytes === null) {
        ctx.addIssue({
          code: 'custom',
          message: `DUCKDB_MEMORY_LIMIT must be a size such as 512MB or 2GB (or auto: DuckDB's own default, 80 % of the memory it sees), not "${v}"`,
        });
        return z.NEVER;
      }
      return bytes;
    }),
  DUCKDB_THREADS: z.coerce
    .number({ error: 'DUCKDB_THREADS must be a number of threads, such as 2' })
    .int('DUCKDB_THREADS must be a whole number of threads, such as 2')
    .positive('DUCKDB_THREADS must be at least 1 (unset: one per core, at most 8)')
    .max(256, 'DUCKDB_THREADS must be at most 256 (unset: one per core, at most 8)')
    .optional(),
  ETL_CRON: onOff('*/5 * * * *').refine(
    (v) => v === 'off' || validCron(v),
    'ETL_CRON must be off or a cron expression of 5 or 6 fields, e.g. */5 * * * *',
  ),
  ADMIN_TOKEN: z.string().min(16, 'ADMIN_TOKEN must be at least 16 characters').optional(),
  DEMO: z.enum(['true', 'false'], { error: 'DEMO must be true or false' }).optional(),
  DEMO_COMPLAINTS: positiveInt('DEMO_COMPLAINTS').default(20_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRADER_REPLY_DAYS: positiveInt('TRADER_REPLY_DAYS').default(10),
  AUTO_CLOSE_DAYS: z
    .string()
    .default('off')
    .refine((v) => v === 'off' || /^[1-9]\d*$/.test(v), 'AUTO_CLOSE_DAYS must be off or a number of days')
    .transform((v) => (v === 'off' ? null : Number(v))),
  RETENTION_MONTHS: positiveInt('RETENTION_MONTHS').default(6),
  RETENTION_CRON: onOff('30 3 * * *').refine(
    (v) => v === 'off' || validCron(v),
    'RETENTION_CRON must be off or a cron expression of 5 or 6 fields, e.g. 30 3 * * *',
  ),
  RATE_LIMIT_PER_MINUTE: z
    .string()
    .default('600')
    .refine((v) => v === 'off' || /^[1-9]\d*$/.test(v), 'RATE_LIMIT_PER_MINUTE must be off or a number')
    .transform((v) => (v === 'off' ? null : Number(v))),
  BODY_LIMIT_MB: z.coerce.number({ error: 'BODY_LIMIT_MB must be a number' }).positive('BODY_LIMIT_MB must be positive').default(1),
  CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return [];
      const origins = v
        .split(',')
        .map((s) => s.trim().replace(/\/$/, ''))
        .filter(Boolean);
      for (const o of origins) {
        if (!/^https?:\/\/[^/\s]+$/.test(o))
          ctx.addIssue({
            code: 'custom',
            message: `"${o}" is not an origin such as https://dashboard.example.org (scheme and host, no path)`,
          });
      }
      return origins;
    }),
  SHUTDOWN_GRACE_MS: positiveInt('SHUTDOWN_GRACE_MS').default(10_000),
  BULK_BODY_LIMIT_MB: z.coerce
    .number({ error: 'BULK_BODY_LIMIT_MB must be a number' })
    .positive('BULK_BODY_LIMIT_MB must be positive')
    .default(1024),
  BULK_IDLE_TIMEOUT_S: z.coerce
    .number({ error: 'BULK_IDLE_TIMEOUT_S must be a number of seconds' })
    .positive('BULK_IDLE_TIMEOUT_S must be positive')
    .default(30),
  BULK_CONCURRENCY: positiveInt('BULK_CONCURRENCY').default(2),
  BULK_MAX_LINE_KB: positiveInt('BULK_MAX_LINE_KB').default(1024),
});

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  duckdbPath: string;
  /**
   * Bytes for all the DuckDB instances the process opens for analytics together (split between
   * them: core/duckdb/duckdb-budget.ts); null (`auto`): DuckDB's own default in each.
   */
  duckdbMemoryLimit: number | null;
  /** Threads of each DuckDB instance. */
  duckdbThreads: number;
  /** Shared snapshots for several instances (core/duckdb/shared-snapshots.ts); null: one instance. */
  snapshotDir: string | null;
  etlCron: string | null;
  adminToken: string | undefined;
  demo: boolean;
  demoComplaints: number;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  traderReplyDays: number;
  autoCloseDays: number | null;
  retentionMonths: number;
  /** When the retention job runs (UTC); null: never, not even at start-up. */
  retentionCron: string | null;
  /** Origins allowed to call the API from a browser; empty: no CORS headers at all. */
  corsOrigins: string[];
  rateLimitPerMinute: number | null;
  bodyLimitBytes: number;
  bulkBodyLimitBytes: number;
  /** A bulk body that sends nothing for this long is answered 408 (a trickling client holds nothing). */
  bulkIdleTimeoutMs: number;
  /** Bulk uploads in flight at once (reading included); beyond it 503 with Retry-After. */
  bulkConcurrency: number;
  /** The longest NDJSON line (or CSV record) a bulk body may carry; beyond it 413 naming the line. */
  bulkMaxLineBytes: number;
  /** After SIGTERM, how long requests in flight may take before their connections are cut. */
  shutdownGraceMs: number;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (e.SNAPSHOT_DIR && e.DUCKDB_PATH === ':memory:')
    throw new ConfigError(
      'Invalid configuration:\n  DUCKDB_PATH: must be a file when SNAPSHOT_DIR is set (the ETL copies it there to publish)',
    );
  const duckdbThreads = e.DUCKDB_THREADS ?? defaultThreads();
  // The instance that runs the ETL must be able to (with SNAPSHOT_DIR it has a share of the budget).
  const etlShare = e.DUCKDB_MEMORY_LIMIT === null ? null : e.DUCKDB_MEMORY_LIMIT * (e.SNAPSHOT_DIR ? SHARED_SPLIT.work : 1);
  if (etlShare !== null && etlShare < etlFloorBytes(duckdbThreads)) {
    const least = Math.ceil(etlFloorBytes(duckdbThreads) / (e.SNAPSHOT_DIR ? SHARED_SPLIT.work : 1) / 1e6);
    throw new ConfigError(
      `Invalid configuration:\n  DUCKDB_MEMORY_LIMIT: must be at least ${least}MB with DUCKDB_THREADS=${duckdbThreads}` +
        `${e.SNAPSHOT_DIR ? ' and SNAPSHOT_DIR (the ETL has half of it)' : ''}: the ETL needs about 64MB plus 16MB per thread; ` +
        'raise DUCKDB_MEMORY_LIMIT or lower DUCKDB_THREADS',
    );
  }
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    duckdbPath: e.DUCKDB_PATH === ':memory:' ? ':memory:' : path.resolve(e.DUCKDB_PATH ?? path.join(dataDir, 'analytics.duckdb')),
    duckdbMemoryLimit: e.DUCKDB_MEMORY_LIMIT,
    duckdbThreads,
    snapshotDir: e.SNAPSHOT_DIR ? path.resolve(e.SNAPSHOT_DIR) : null,
    etlCron: e.ETL_CRON === 'off' ? null : e.ETL_CRON,
    adminToken: e.ADMIN_TOKEN,
    demo: e.DEMO ? e.DEMO === 'true' : e.DATABASE_URL === undefined,
    demoComplaints: e.DEMO_COMPLAINTS,
    logLevel: e.LOG_LEVEL,
    traderReplyDays: e.TRADER_REPLY_DAYS,
    autoCloseDays: e.AUTO_CLOSE_DAYS,
    retentionMonths: e.RETENTION_MONTHS,
    retentionCron: e.RETENTION_CRON === 'off' ? null : e.RETENTION_CRON,
    corsOrigins: e.CORS_ORIGINS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: Math.round(e.BODY_LIMIT_MB * 1024 * 1024),
    bulkBodyLimitBytes: Math.round(e.BULK_BODY_LIMIT_MB * 1024 * 1024),
    bulkIdleTimeoutMs: Math.round(e.BULK_IDLE_TIMEOUT_S * 1000),
    bulkConcurrency: e.BULK_CONCURRENCY,
    bulkMaxLineBytes: e.BULK_MAX_LINE_KB * 1024,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}
