import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { ANALYTICS, STORE } from '../app.tokens.js';
import { asOf, etlRun } from '../analytics/analytics.dto.js';
import type { AnalyticsStores } from '../../../etl/analytics-stores.js';
import { EtlRunner } from '../../../etl/etl-runner.js';
import type { Store } from '../db/store.js';
import { ApiDoc } from '../openapi/route-docs.js';
import { Public } from '../access/access.decorator.js';

export const healthBody = z
  .object({
    status: z.enum(['ok', 'degraded']),
    reason: z.string().optional().meta({ description: 'why the status is degraded, in plain words' }),
    postgres: z.object({ status: z.enum(['up', 'down']), kind: z.enum(['postgres', 'pglite']), error: z.string().optional() }),
    analytics: z.object({
      status: z.enum(['up', 'down', 'not_built']),
      asOf: asOf.nullable().optional(),
      error: z.string().optional(),
    }),
    lastEtlRun: etlRun.nullable().meta({ description: 'the newest ETL run (any status); null when PostgreSQL cannot say or none ran' }),
  })
  .meta({ id: 'Health' });

@Controller('api')
export class HealthController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(ANALYTICS) private readonly analytics: AnalyticsStores,
    private readonly etl: EtlRunner,
  ) {}

  @Get('health')
  @Public()
  @ApiDoc({ summary: 'Liveness and dependencies (no token needed)', tags: ['health'], responses: { 200: { description: 'serving (status ok, or degraded with a reason: e.g. PostgreSQL down while the analytics snapshot is served)', schema: healthBody }, 503: { description: 'cannot serve: PostgreSQL down and no analytics snapshot', schema: healthBody } } })
  async health(@Res({ passthrough: true }) res: Response): Promise<z.infer<typeof healthBody>> {
    let postgres: z.infer<typeof healthBody>['postgres'] = { status: 'up', kind: this.store.kind };
    try {
      await withTimeout(this.store.ping(), 2000);
    } catch (err) {
      postgres = { status: 'down', kind: this.store.kind, error: (err as Error).message };
    }
    let analytics: z.infer<typeof healthBody>['analytics'];
    try {
      const s = await withTimeout(this.analytics.source.snapshot(), 2000);
      analytics = s ? { status: 'up', asOf: { etlRunId: s.etlRunId, finishedAt: s.finishedAt, complaints: s.complaints } } : { status: 'not_built', asOf: null };
    } catch (err) {
      analytics = { status: 'down', error: (err as Error).message };
    }
    const lastEtlRun = postgres.status === 'up' ? await withTimeout(this.etl.lastRun(), 2000).catch(() => null) : null;
    const reasons = [postgres.status === 'down' && 'postgres', analytics.status === 'down' && 'analytics'].filter(Boolean);
    const why = [
      postgres.status === 'down' && `PostgreSQL is unreachable (${postgres.error}): writes answer 503, analytics are served from the last snapshot`,
      analytics.status === 'down' && `the analytics store cannot be read (${analytics.error})`,
    ].filter((s): s is string => typeof s === 'string');
    const body: z.infer<typeof healthBody> = { status: reasons.length ? 'degraded' : 'ok', ...(why.length ? { reason: why.join('; ') } : {}), postgres, analytics, lastEtlRun };
    // 503 only when this process can serve nothing: with PostgreSQL down it still serves the
    // analytics snapshot, and a load balancer must not drain every instance of a shared outage.
    if (postgres.status === 'down' && analytics.status !== 'up') res.status(503);
    return body;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}
