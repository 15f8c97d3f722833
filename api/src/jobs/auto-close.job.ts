/**
 * The optional auto-closure job (AUTO_CLOSE_DAYS, off by default): hourly, and once at start.
 */
import { readFileSync } from 'node:fs';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { CompiledQuery } from 'kysely';
import type { Logger } from 'pino';
import { CONFIG, LOGGER, STORE } from '../app.tokens.js';
import { sqlPath } from '../../../core/paths.js';
import type { Config } from '../config/config.js';
import type { Store } from '../../../core/postgres/store.js';

const AUTO_CLOSE_SQL = readFileSync(sqlPath('postgres', 'jobs', 'auto_close.sql'), 'utf8');
const BATCH = 5000;
const HOUR_MS = 3_600_000;

/** Closes every case past the period; returns how many. */
export async function autoCloseDueCases(store: Store, days: number): Promise<number> {
  let total = 0;
  for (;;) {
    const r = await store.db.executeQuery(CompiledQuery.raw(AUTO_CLOSE_SQL, [days, BATCH]));
    const n = Number(r.numAffectedRows ?? 0n);
    total += n;
    if (n < BATCH) return total;
  }
}

@Injectable()
export class AutoCloseJob implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(STORE) private readonly store: Store,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const days = this.config.autoCloseDays;
    if (days === null) return;
    const tick = () => {
      this.running ??= autoCloseDueCases(this.store, days)
        .then((n) => n > 0 && this.logger.info({ job: 'auto-close', closed: n, days }, 'closed cases with no ADR body agreed'))
        .catch((err: Error) => this.logger.error({ job: 'auto-close', err: err.message }, 'auto-close failed'))
        .finally(() => (this.running = undefined)) as Promise<void>;
    };
    tick();
    this.timer = setInterval(tick, HOUR_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
