import { Module, type DynamicModule, type Type } from '@nestjs/common';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, STORE } from './app.tokens.js';
import { BatchesController } from './batches/batches.controller.js';
import { ComplaintsController } from './complaints/complaints.controller.js';
import { ComplaintsService } from './complaints/complaints.service.js';
import type { Config } from './config/config.js';
import type { Store } from './db/store.js';
import { HealthController } from './health/health.controller.js';
import { IngestService } from './ingest/ingest.service.js';
import { AutoCloseJob } from './jobs/auto-close.job.js';
import { OpenApiController } from './openapi/openapi.controller.js';
import { ReferenceController } from './reference/reference.controller.js';
import { RegistryController } from './registry/registry.controller.js';
import { RegistryExporter } from './registry/registry.export.js';
import { RegistryService } from './registry/registry.service.js';

/** Every controller, in one list: the OpenAPI document is built from it. */
export const CONTROLLERS: Type[] = [
  HealthController,
  OpenApiController,
  ReferenceController,
  RegistryController,
  ComplaintsController,
  BatchesController,
];

export interface AppDeps {
  config: Config;
  store: Store;
  logger: Logger;
}

@Module({})
export class AppModule {
  static register(deps: AppDeps): DynamicModule {
    return {
      module: AppModule,
      controllers: CONTROLLERS,
      providers: [
        { provide: CONFIG, useValue: deps.config },
        { provide: STORE, useValue: deps.store },
        { provide: LOGGER, useValue: deps.logger },
        { provide: IngestService, useFactory: (store: Store, config: Config) => new IngestService(store, { traderReplyDays: config.traderReplyDays }), inject: [STORE, CONFIG] },
        { provide: RegistryService, useFactory: (store: Store) => new RegistryService(store), inject: [STORE] },
        { provide: RegistryExporter, useFactory: (store: Store, config: Config) => new RegistryExporter(store, config.dataDir), inject: [STORE, CONFIG] },
        ComplaintsService,
        AutoCloseJob,
      ],
    };
  }
}
