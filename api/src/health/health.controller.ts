import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { z } from 'zod';
import { STORE } from '../app.tokens.js';
import type { Store } from '../db/store.js';
import { ApiDoc } from '../openapi/route-docs.js';

export const healthBody = z
  .object({
    status: z.enum(['ok', 'degraded']),
    postgres: z.object({ status: z.enum(['up', 'down']), kind: z.enum(['postgres', 'pglite']), error: z.string().optional() }),
    analytics: z.object({ status: z.enum(['up', 'down', 'not_built']) }),
    lastEtlRun: z.null(),
  })
  .meta({ id: 'Health' });

@Controller('api')
export class HealthController {
  constructor(@Inject(STORE) private readonly store: Store) {}

  @Get('health')
  @ApiDoc({ summary: 'Liveness and dependencies (no token needed)', tags: ['health'], responses: { 200: { description: 'serving', schema: healthBody }, 503: { description: 'cannot serve', schema: healthBody } } })
  async health(@Res({ passthrough: true }) res: Response): Promise<z.infer<typeof healthBody>> {
    let postgres: z.infer<typeof healthBody>['postgres'] = { status: 'up', kind: this.store.kind };
    try {
      await withTimeout(this.store.ping(), 2000);
    } catch (err) {
      postgres = { status: 'down', kind: this.store.kind, error: (err as Error).message };
    }
    // The analytics store arrives with the ETL (issue 3); until then nothing is built.
    const body = { status: postgres.status === 'up' ? 'ok' : 'degraded', postgres, analytics: { status: 'not_built' }, lastEtlRun: null } as const;
    if (postgres.status === 'down') res.status(503);
    return body;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}
