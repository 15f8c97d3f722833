/**
 * ETL_CRON: runs the incremental ETL on its schedule through @nestjs/schedule (`off` disables
 * it). A tick that finds a run in progress is skipped, so runs never overlap in one process.
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { Logger } from 'pino';
import { CONFIG, LOGGER } from '../app.tokens.js';
import type { Config } from '../config/config.js';
import { EtlAlreadyRunning, EtlRunner } from '../../../etl/etl-runner.js';

const JOB = 'etl';

@Injectable()
export class EtlScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly runner: EtlRunner,
    private readonly registry: SchedulerRegistry,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const failed = await this.runner.failInterruptedRuns();
    if (failed) this.logger.warn({ runs: failed }, 'ETL runs left running by a stopped process marked failed');
    if (!this.config.etlCron) return;
    const job = CronJob.from({ cronTime: this.config.etlCron, onTick: () => this.tick(), start: true, timeZone: 'UTC' });
    this.registry.addCronJob(JOB, job);
  }

  async tick(): Promise<void> {
    try {
      const run = await this.runner.runNow({ full: false, trigger: 'schedule' });
      const log = run.status === 'succeeded' ? this.logger.info.bind(this.logger) : this.logger.error.bind(this.logger);
      log({ etlRun: run }, `ETL run ${run.id} ${run.status}`);
    } catch (err) {
      if (err instanceof EtlAlreadyRunning) this.logger.info({ running: err.runId }, 'ETL tick skipped: a run is in progress');
      else this.logger.error({ err: (err as Error).message }, 'ETL run could not start');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.registry.doesExist('cron', JOB)) this.registry.getCronJob(JOB).stop();
    await this.runner.stop();
  }
}
