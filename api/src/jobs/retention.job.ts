/**
 * Retention (Regulation 524/2013 Art. 12(4), GDPR; domain.md §2): the consumer's personal data is
 * erased RETENTION_MONTHS after a case closes. Daily on RETENTION_CRON and once at start-up
 * (`off` disables both; the immediate erasure endpoint works regardless). Batched: each batch is
 * its own short transaction over at most BATCH rows, so the table is never locked for long. Each
 * run that erases anything is recorded in the audit log as `retention.erase` with the count.
 * Statistics are untouched: only the four personal columns are cleared.
 */
import { readFileSync } from 'node:fs';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob } from 'cron';
import { CompiledQuery } from 'kysely';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, STORE } from '../app.tokens.js';
import { AuditService } from '../audit/audit.service.js';
import { sqlPath } from '../../../core/paths.js';
import type { Config } from '../config/config.js';
import type { Store } from '../../../core/postgres/store.js';

const ERASE_SQL = readFileSync(sqlPath('postgres', 'jobs', 'retention_erase.sql'), 'utf8');
const BATCH = 2000;
const JOB = 'retention';

/** Erases the personal data of every case closed `months` ago or earlier; returns how many. */
export async function eraseExpiredPersonalData(
  store: Store,
  months: number,
  opts: { batch?: number; progress?: { erased: number } } = {},
): Promise<number> {
  const batch = opts.batch ?? BATCH;
  const progress = opts.progress ?? { erased: 0 };
  let after = '0';
  for (;;) {
    const r = await store.db.executeQuery(CompiledQuery.raw(ERASE_SQL, [months, after, batch]));
    const ids = (r.rows as { id: string | number }[]).map((row) => BigInt(row.id));
    progress.erased += ids.length;
    if (ids.length < batch) return progress.erased;
    after = ids.reduce((a, b) => (b > a ? b : a)).toString();
  }
}

@Injectable()
export class RetentionJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private running: Promise<number> | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(STORE) private readonly store: Store,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly audit: AuditService,
    private readonly registry: SchedulerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.retentionCron) return;
    void this.run().catch(() => undefined);
    const job = CronJob.from({
      cronTime: this.config.retentionCron,
      onTick: () => void this.run().catch(() => undefined),
      start: true,
      timeZone: 'UTC',
    });
    this.registry.addCronJob(JOB, job);
  }

  /** One run (a run already going is joined, not doubled); resolves to the number erased. */
  run(): Promise<number> {
    this.running ??= this.erase().finally(() => (this.running = undefined));
    return this.running;
  }

  private async erase(): Promise<number> {
    const months = this.config.retentionMonths;
    const progress = { erased: 0 };
    let failure: Error | undefined;
    try {
      await eraseExpiredPersonalData(this.store, months, { progress });
    } catch (err) {
      failure = err as Error;
      this.logger.error({ job: JOB, err: failure.message, erased: progress.erased }, 'retention erasure failed');
    }
    // Batches already committed are recorded even when a later one failed.
    if (progress.erased > 0) {
      this.logger.info({ job: JOB, erased: progress.erased, months }, 'personal data erased after the retention period');
      await this.audit.record({
        tokenId: null,
        role: null,
        actor: 'system:retention',
        action: 'retention.erase',
        rows: progress.erased,
        detail: { retentionMonths: months, ...(failure ? { incomplete: true } : {}) },
      });
    }
    if (failure) throw failure;
    return progress.erased;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.registry.doesExist('cron', JOB)) this.registry.getCronJob(JOB).stop();
    await this.running?.catch(() => undefined);
  }
}
