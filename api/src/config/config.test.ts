import { describe, expect, it } from 'vitest';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './config.js';

describe('configuration', () => {
  it('has the contract defaults and the embedded store without DATABASE_URL', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      demo: true,
      etlCron: '*/5 * * * *',
      traderReplyDays: 10,
      autoCloseDays: null,
      retentionMonths: 6,
      retentionCron: '30 3 * * *',
      rateLimitPerMinute: 600,
      corsOrigins: [],
    });
    expect(c.dataDir).toBe(path.resolve('./data'));
    expect(c.duckdbPath).toBe(path.resolve('./data/analytics.duckdb'));
    expect(c.bodyLimitBytes).toBe(1024 * 1024);
    expect(c.bulkBodyLimitBytes).toBe(1024 * 1024 * 1024);
    expect(c).toMatchObject({ bulkIdleTimeoutMs: 30_000, bulkConcurrency: 2, bulkMaxLineBytes: 1024 * 1024 });
  });

  it("reads DuckDB's budget: a size in DuckDB's units (KB = 1000 bytes, KiB = 1024), or auto for DuckDB's own default", () => {
    expect(loadConfig({}).duckdbMemoryLimit).toBe(1_000_000_000);
    expect(loadConfig({ DUCKDB_MEMORY_LIMIT: '512MB' }).duckdbMemoryLimit).toBe(512_000_000);
    expect(loadConfig({ DUCKDB_MEMORY_LIMIT: '1.5GiB' }).duckdbMemoryLimit).toBe(1.5 * 2 ** 30);
    expect(loadConfig({ DUCKDB_MEMORY_LIMIT: 'auto' }).duckdbMemoryLimit).toBeNull();
    expect(loadConfig({ DUCKDB_THREADS: '3' }).duckdbThreads).toBe(3);
    expect(loadConfig({}).duckdbThreads).toBe(Math.min(availableParallelism(), 8));
  });

  it('reads the bulk upload limits', () => {
    const c = loadConfig({ BULK_IDLE_TIMEOUT_S: '0.5', BULK_CONCURRENCY: '5', BULK_MAX_LINE_KB: '64' });
    expect(c).toMatchObject({ bulkIdleTimeoutMs: 500, bulkConcurrency: 5, bulkMaxLineBytes: 64 * 1024 });
  });

  it('turns demo off with a database server, and reads switches', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@h/db', ETL_CRON: 'off', AUTO_CLOSE_DAYS: '30', RATE_LIMIT_PER_MINUTE: 'off' });
    expect(c).toMatchObject({ demo: false, etlCron: null, autoCloseDays: 30, rateLimitPerMinute: null });
  });

  it('reads the retention schedule and the CORS origins', () => {
    const c = loadConfig({ RETENTION_CRON: 'off', CORS_ORIGINS: 'https://a.example.org, http://localhost:5173/' });
    expect(c).toMatchObject({ retentionCron: null, corsOrigins: ['https://a.example.org', 'http://localhost:5173'] });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ AUTO_CLOSE_DAYS: 'soon' }, 'AUTO_CLOSE_DAYS'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ DEMO: 'yes' }, 'DEMO'],
    [{ TRADER_REPLY_DAYS: '-1' }, 'TRADER_REPLY_DAYS'],
    [{ BULK_BODY_LIMIT_MB: 'big' }, 'BULK_BODY_LIMIT_MB'],
    [{ BULK_IDLE_TIMEOUT_S: 'soon' }, 'BULK_IDLE_TIMEOUT_S'],
    [{ BULK_IDLE_TIMEOUT_S: '0' }, 'BULK_IDLE_TIMEOUT_S'],
    [{ BULK_CONCURRENCY: '0' }, 'BULK_CONCURRENCY'],
    [{ BULK_CONCURRENCY: '1.5' }, 'BULK_CONCURRENCY'],
    [{ BULK_MAX_LINE_KB: 'lots' }, 'BULK_MAX_LINE_KB'],
    [{ RETENTION_CRON: 'daily' }, 'RETENTION_CRON'],
    [{ RATE_LIMIT_PER_MINUTE: '0' }, 'RATE_LIMIT_PER_MINUTE'],
    [{ CORS_ORIGINS: 'https://a.example.org/path' }, 'CORS_ORIGINS'],
    [{ CORS_ORIGINS: '*' }, 'CORS_ORIGINS'],
    [{ DUCKDB_MEMORY_LIMIT: '1 gigabyte' }, 'DUCKDB_MEMORY_LIMIT'],
    [{ DUCKDB_MEMORY_LIMIT: '100MB', DUCKDB_THREADS: '4' }, 'DUCKDB_MEMORY_LIMIT'],
    [{ DUCKDB_THREADS: '0' }, 'DUCKDB_THREADS'],
  ])('refuses %o naming the variable', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(new RegExp(name));
  });
});
