/**
 * `npm start`: validate the configuration, open the store (PostgreSQL or embedded PGlite),
 * migrate, load the demo data into an empty embedded store, serve API + dashboard.
 */
import 'reflect-metadata';
import './common/heap.js';
import { loadConfig, ConfigError } from './config/config.js';
import { createLogger } from './common/logger.js';
import { openStore } from '../../core/postgres/store.js';
import { migrate } from './db/migrate.js';
import { createApp } from './server.js';
import { drainHttpServer } from './common/shutdown.js';
import type { Server } from 'node:http';
import { seedDemoIfEmpty } from './demo/demo-seed.js';
import { DemoTokens } from './demo/demo-tokens.js';
import { ANALYTICS } from './app.tokens.js';
import type { AnalyticsStores } from '../../core/duckdb/analytics-stores.js';
import { EtlAlreadyRunning, EtlRunner } from '../../etl/index.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  logger.info({ store: store.kind, dataDir: store.kind === 'pglite' ? config.dataDir : undefined }, 'case store open');
  const applied = await migrate(store);
  if (applied.length) logger.info({ migrations: applied.map((m) => m.version) }, 'schema migrated');
  if (config.demo) await seedDemoIfEmpty(store, config, logger);

  const app = await createApp({ config, store, logger });
  if (config.demo) {
    // One token per role, before the first request: the dashboard signs in with the regulator's.
    for (const t of await app.get(DemoTokens).ensure()) {
      const bound = t.traderId ?? t.adrBodyId ?? t.source;
      logger.info(
        { demoToken: { role: t.role, traderId: t.traderId, adrBodyId: t.adrBodyId, source: t.source } },
        `DEMO TOKEN (demo mode only) ${t.role}${bound ? ` [${bound}]` : ''}: ${t.token}`,
      );
    }
  }
  await app.listen(config.port, config.host);
  logger.info({ url: `http://${config.host}:${config.port}/` }, 'ODR Observatory is serving');
  // No published snapshot yet (a new store, or a lost analytics file): build one now rather
  // than wait for the schedule, so the first page has figures.
  if (!(await app.get<AnalyticsStores>(ANALYTICS).source.snapshot())) {
    app
      .get(EtlRunner)
      .runNow({ full: true, trigger: 'start-up' })
      .then((run) => logger.info({ etlRun: run }, `first ETL run ${run.status}`))
      .catch((err: Error) =>
        // Several instances starting together: one builds it, the others serve it once published.
        err instanceof EtlAlreadyRunning
          ? logger.info({ err: err.message }, 'first ETL run left to the instance already running one')
          : logger.error({ err: err.message }, 'first ETL run could not start'),
      );
  }

  // SIGTERM/SIGINT: stop accepting, let requests in flight finish (SHUTDOWN_GRACE_MS at most),
  // then the Nest shutdown hooks (cron stopped, a running ETL aborted at its next step so the
  // previous snapshot stays, DuckDB closed), then the case store. Exit 0 when all that is done.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: no new connections, finishing requests in flight');
    // A hook that hangs must not keep a stopped server alive for ever.
    setTimeout(() => {
      logger.error('shutdown did not finish in time: exiting anyway');
      process.exit(1);
    }, config.shutdownGraceMs + 30_000).unref();
    try {
      const { cut } = await drainHttpServer(app.getHttpServer() as Server, config.shutdownGraceMs);
      if (cut) logger.warn({ connections: cut }, 'requests still running at the end of the grace period were cut');
      await app.close();
      await store.close();
      logger.info('stopped');
      process.exit(0);
    } catch (err) {
      logger.error({ err: (err as Error).message }, 'shutdown failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: Error) => {
  process.stderr.write(`ODR Observatory could not start: ${err.message}\n`);
  process.exit(1);
});
