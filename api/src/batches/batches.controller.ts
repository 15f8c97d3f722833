import { Controller, Get, Inject } from '@nestjs/common';
import { z } from 'zod';
import { STORE } from '../app.tokens.js';
import { notFound } from '../common/errors.js';
import type { Store } from '../../../core/postgres/store.js';
import { errorResponses } from '../openapi/common-responses.js';
import { ApiDoc, ZParams } from '../openapi/route-docs.js';
import { Access } from '../access/access.decorator.js';
import { CurrentCaller } from '../access/caller.decorator.js';
import type { Caller } from '../access/roles.js';
import { scopeOf } from '../access/scope.js';

export const batchBody = z
  .object({
    batchId: z.string(),
    status: z.enum(['completed', 'rejected']),
    source: z.string().nullable(),
    caller: z.string(),
    format: z.string(),
    received: z.number().int(),
    inserted: z.number().int(),
    updated: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
    error: z.string().nullable(),
    startedAt: z.string(),
    finishedAt: z.string(),
  })
  .meta({ id: 'Batch' });

const params = z.object({ batchId: z.uuid({ error: 'batchId must be a UUID' }) });
type Params = z.output<typeof params>;

@Controller('api/v1/batches')
export class BatchesController {
  constructor(@Inject(STORE) private readonly store: Store) {}

  @Get(':batchId')
  @Access('admin', 'ingest')
  @ApiDoc({
    summary: "A batch's counts, caller and time",
    description: 'An ingest token reads only the batches of its own source; any other is a 404.',
    tags: ['ingest'],
    responses: { 200: { description: 'the batch', schema: batchBody }, ...errorResponses(400, 404) },
  })
  async get(@ZParams(params) p: Params, @CurrentCaller() caller: Caller): Promise<z.output<typeof batchBody>> {
    const scope = scopeOf(caller);
    const b = await this.store.db.selectFrom('ingest_batches').selectAll().where('id', '=', p.batchId).executeTakeFirst();
    // A feed's batches are those of its source (every write of an ingest token lands there).
    if (!b || (scope.source !== undefined && b.source !== scope.source)) throw notFound(`no batch ${p.batchId}`);
    return {
      batchId: b.id,
      status: b.status,
      source: b.source,
      caller: b.caller,
      format: b.format,
      received: b.received,
      inserted: b.inserted,
      updated: b.updated,
      duplicates: b.duplicates,
      rejected: b.rejected,
      error: b.error,
      startedAt: b.started_at.toISOString(),
      finishedAt: b.finished_at.toISOString(),
    };
  }
}
