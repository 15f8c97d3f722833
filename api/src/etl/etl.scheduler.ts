/**
 * ETL_CRON: runs the incremental ETL on its schedule through @nestjs/schedule (`off` disables
 * it). Every instance's cron fires; the ETL lock lets one of them run and the others skip the
 * tick (a run in progress anywhere, or this tick's run already started elsewhere).
 */
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import type { Logger } from 'pino';
import { CONFIG, LOGGER } from '../app.tokens.js';
import type { Config } from '../config/config.js';
import { EtlAlreadyRunning, EtlRunner, EtlTickTaken } from '../../../etl/index.js';

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
    // The fire time, to the second: every instance's tick names the same one.
    const tick = new Date(Math.floor(Date.now() / 1000) * 1000);
    try {
      const run = await this.runner.runNow({ full: false, trigger: 'schedule', tick });
      const log = run.status === 'succeeded' ? this.logger.info.bind(this.logger) : this.logger.error.bind(this.logger);
      log({ etlRun: run }, `ETL run ${run.id} ${run.status}`);
    } catch (err) {
      if (err instanceof EtlAlreadyRunning) this.logger.info({ running: err.runId }, 'ETL tick skipped: a run is in progress');
      else if (err instanceof EtlTickTaken) this.logger.debug({ run: err.runId }, 'ETL tick skipped: another instance ran it');
      else this.logger.error({ err: (err as Error).message }, 'ETL run could not start');
    }
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.registry.doesExist('cron', JOB)) this.registry.getCronJob(JOB).stop();
    await this.runner.stop();
  }
}
