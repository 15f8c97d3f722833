import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ANALYTICS, STORE } from '../app.tokens.js';
import { etlRun } from '../analytics/analytics.dto.js';
import { asOf } from '../../../core/analytics-answers.js';
import type { AnalyticsStores } from '../../../core/duckdb/analytics-stores.js';
import { EtlRunner } from '../../../etl/index.js';
import type { Store } from '../../../core/postgres/store.js';
import { ApiDoc } from '../openapi/route-docs.js';
import { Public } from '../access/access.decorator.js';
import { bearerToken } from '../access/auth.guard.js';
import { TokenService } from '../access/token.service.js';

const ADMIN_ONLY = 'with an admin token only';

export const healthBody = z
  .object({
    status: z.enum(['ok', 'degraded']),
    reason: z
      .string()
      .optional()
      .meta({
        description: `why the status is degraded: without an admin token coarsely ("database unavailable", "analytics store unavailable"), ${ADMIN_ONLY} in detail`,
      }),
    postgres: z
      .object({ status: z.enum(['up', 'down']), kind: z.enum(['postgres', 'pglite']), error: z.string().optional() })
      .optional()
      .meta({ description: ADMIN_ONLY }),
    analytics: z
      .object({
        status: z.enum(['up', 'down', 'not_built']),
        asOf: asOf.nullable().optional(),
        error: z.string().optional(),
      })
      .optional()
      .meta({ description: ADMIN_ONLY }),
    lastEtlRun: etlRun
      .nullable()
      .optional()
      .meta({ description: `the newest ETL run (any status); null when PostgreSQL cannot say or none ran; ${ADMIN_ONLY}` }),
  })
  .meta({ id: 'Health' });

@Controller('api')
export class HealthController {
  constructor(
    @Inject(STORE) private readonly store: Store,
    @Inject(ANALYTICS) private readonly analytics: AnalyticsStores,
    private readonly etl: EtlRunner,
    private readonly tokens: TokenService,
  ) {}

  @Get('health')
  @Public()
  @ApiDoc({
    summary: 'Liveness (no token needed); the dependencies in detail with an admin token',
    tags: ['health'],
    responses: {
      200: {
        description: 'serving (status ok, or degraded with a reason: e.g. PostgreSQL down while the analytics snapshot is served)',
        schema: healthBody,
      },
      503: { description: 'cannot serve: PostgreSQL down and no analytics snapshot', schema: healthBody },
    },
  })
  async health(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<z.infer<typeof healthBody>> {
    let postgres: z.infer<typeof healthBody>['postgres'] = { status: 'up', kind: this.store.kind };
    try {
      await withTimeout(this.store.ping(), 2000);
    } catch (err) {
      postgres = { status: 'down', kind: this.store.kind, error: (err as Error).message };
    }
    let analytics: z.infer<typeof healthBody>['analytics'];
    try {
      const s = await withTimeout(this.analytics.source.snapshot(), 2000);
      analytics = s
        ? { status: 'up', asOf: { etlRunId: s.etlRunId, finishedAt: s.finishedAt, complaints: s.complaints } }
        : { status: 'not_built', asOf: null };
    } catch (err) {
      analytics = { status: 'down', error: (err as Error).message };
    }
    const detailed = await this.isAdmin(req, postgres.status === 'up');
    const lastEtlRun = detailed && postgres.status === 'up' ? await withTimeout(this.etl.lastRun(), 2000).catch(() => null) : null;
    const why = [
      postgres.status === 'down' &&
        (detailed
          ? `PostgreSQL is unreachable (${postgres.error}): writes answer 503, analytics are served from the last snapshot`
          : 'database unavailable'),
      analytics.status === 'down' && (detailed ? `the analytics store cannot be read (${analytics.error})` : 'analytics store unavailable'),
    ].filter((s): s is string => typeof s === 'string');
    const verdict = { status: why.length ? 'degraded' : 'ok', ...(why.length ? { reason: why.join('; ') } : {}) } as const;
    // 503 only when this process can serve nothing: with PostgreSQL down it still serves the
    // analytics snapshot, and a load balancer must not drain every instance of a shared outage.
    if (postgres.status === 'down' && analytics.status !== 'up') res.status(503);
    // The store kind, counts, run records and raw error text are for the operator only.
    return detailed ? { ...verdict, postgres, analytics, lastEtlRun } : verdict;
  }

  /**
   * Whether the request carries an admin token. A token that cannot be checked now is not one:
   * with PostgreSQL down only cached tokens count, and a look-up has the same deadline as the ping.
   */
  private async isAdmin(req: Request, canLookUp: boolean): Promise<boolean> {
    const token = bearerToken(req.headers.authorization);
    if (!token) return false;
    const caller =
      this.tokens.knownCaller(token) ?? (canLookUp ? await withTimeout(this.tokens.resolve(token), 2000).catch(() => null) : null);
    return caller?.role === 'admin';
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}
