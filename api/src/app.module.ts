import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown, type Type } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import path from 'node:path';
import type { Logger } from 'pino';
import { ANALYTICS, CONFIG, LOGGER, STORE } from './app.tokens.js';
import { BatchesController } from './batches/batches.controller.js';
import { ComplaintsController } from './complaints/complaints.controller.js';
import { ComplaintsService } from './complaints/complaints.service.js';
import type { Config } from './config/config.js';
import type { Store } from '../../core/postgres/store.js';
import { HealthController } from './health/health.controller.js';
import { IngestService, ingestSettingsOf } from './ingest/ingest.service.js';
import { AutoCloseJob } from './jobs/auto-close.job.js';
import { AnalyticsController } from './analytics/analytics.controller.js';
import { AnalyticsService } from './analytics/analytics.service.js';
import { AnalyticsRepository } from './analytics/analytics.repository.js';
import { EtlController } from './etl/etl.controller.js';
import { EtlScheduler } from './etl/etl.scheduler.js';
import { openAnalyticsStores, type AnalyticsStores } from '../../core/duckdb/analytics-stores.js';
import { EtlRunner, SCHEMA_VERSION, type EtlRunnerOptions, type PublishedChange } from '../../etl/index.js';
import { OpenApiController } from './openapi/openapi.controller.js';
import { ReferenceController } from './reference/reference.controller.js';
import { RegistryController } from './registry/registry.controller.js';
import { RegistryExporter } from './registry/registry.export.js';
import { RegistryService } from './registry/registry.service.js';
import { AuthGuard } from './access/auth.guard.js';
import { TokenService } from './access/token.service.js';
import { TokensController } from './access/tokens.controller.js';
import { AuditController } from './audit/audit.controller.js';
import { AuditInterceptor } from './audit/audit.interceptor.js';
import { AuditService } from './audit/audit.service.js';
import { RetentionJob } from './jobs/retention.job.js';
import { RateLimiter } from './common/rate-limit.js';
import { SessionController } from './access/session.controller.js';
import { DemoController } from './demo/demo.controller.js';
import { DemoTokens } from './demo/demo-tokens.js';

/** Every controller, in one list: the OpenAPI document is built from it. */
export const CONTROLLERS: Type[] = [
  HealthController,
  OpenApiController,
  ReferenceController,
  RegistryController,
  ComplaintsController,
  BatchesController,
  AnalyticsController,
  EtlController,
  TokensController,
  AuditController,
  SessionController,
  DemoController,
];

export interface AppDeps {
  config: Config;
  store: Store;
  logger: Logger;
  /** Test hooks of the ETL (fault injection). */
  etl?: Partial<EtlRunnerOptions>;
}

/**
 * Closes the analytics stores after everything that reads or writes them has stopped: a running
 * ETL is aborted at its next step (its transaction rolls back, the previous snapshot stays) and
 * awaited.
 */
@Injectable()
class AnalyticsCloser implements OnApplicationShutdown {
  constructor(
    @Inject(ANALYTICS) private readonly stores: AnalyticsStores,
    private readonly runner: EtlRunner,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
    await this.stores.source.close();
  }
}

@Module({})
export class AppModule {
  static register(deps: AppDeps): DynamicModule {
    return {
      module: AppModule,
      imports: [ScheduleModule.forRoot()],
      controllers: CONTROLLERS,
      providers: [
        { provide: CONFIG, useValue: deps.config },
        { provide: STORE, useValue: deps.store },
        { provide: LOGGER, useValue: deps.logger },
        {
          provide: TokenService,
          useFactory: (store: Store, config: Config) => new TokenService(store, config.adminToken),
          inject: [STORE, CONFIG],
        },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: AuditService, useFactory: (store: Store) => new AuditService(store), inject: [STORE] },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        {
          provide: RateLimiter,
          useFactory: (config: Config) => new RateLimiter(config.rateLimitPerMinute ?? Number.POSITIVE_INFINITY),
          inject: [CONFIG],
        },
        DemoTokens,
        {
          provide: IngestService,
          useFactory: (store: Store, config: Config) => new IngestService(store, ingestSettingsOf(config)),
          inject: [STORE, CONFIG],
        },
        {
          provide: RegistryService,
          useFactory: (store: Store, stores: AnalyticsStores) =>
            new RegistryService(store, { snapshot: new AnalyticsRepository(stores.source) }),
          inject: [STORE, ANALYTICS],
        },
        {
          provide: RegistryExporter,
          useFactory: (store: Store, config: Config) => new RegistryExporter(store, config.dataDir),
          inject: [STORE, CONFIG],
        },
        ComplaintsService,
        AutoCloseJob,
        RetentionJob,
        {
          provide: ANALYTICS,
          useFactory: (config: Config, logger: Logger) =>
            openAnalyticsStores(config, {
              schemaVersion: SCHEMA_VERSION,
              onError: (err) => logger.error({ err: err.message }, 'shared snapshots: reading the newest failed; retrying'),
            }),
          inject: [CONFIG, LOGGER],
        },
        {
          provide: EtlRunner,
          useFactory: (store: Store, stores: AnalyticsStores, config: Config) =>
            new EtlRunner(store, stores.work, {
              workDir: path.join(config.dataDir, 'etl-work'),
              traderReplyDays: config.traderReplyDays,
              shared: stores.shared ?? undefined,
              ...deps.etl,
            }),
          inject: [STORE, ANALYTICS, CONFIG],
        },
        {
          provide: AnalyticsService,
          useFactory: (stores: AnalyticsStores, runner: EtlRunner, config: Config, logger: Logger) => {
            const service = new AnalyticsService(new AnalyticsRepository(stores.source));
            const prewarm = (change: PublishedChange) =>
              void service.prewarmAfter(change).catch((err: Error) => logger.warn({ err: err.message }, 'analytics prewarm failed'));
            // Shared snapshots: every instance computes ahead when it opens a newer snapshot.
            if (stores.shared) {
              let dataRunId = stores.shared.served?.dataRunId ?? 0;
              stores.shared.onLoaded((m) => {
                prewarm({ dataChanged: m.dataRunId !== dataRunId, rowsChanged: m.rowsChanged });
                dataRunId = m.dataRunId;
              });
            } else runner.onPublished((_run, change) => prewarm(change));
            return service;
          },
          inject: [ANALYTICS, EtlRunner, CONFIG, LOGGER],
        },
        EtlScheduler,
        AnalyticsCloser,
      ],
    };
  }
}
