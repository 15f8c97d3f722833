import { Controller, Get, Inject } from '@nestjs/common';
import { z } from 'zod';
import { STORE } from '../app.tokens.js';
import { notFound } from '../common/errors.js';
import type { Store } from '../db/store.js';
import { errorResponses } from '../openapi/common-responses.js';
import { ApiDoc, ZParams } from '../openapi/route-docs.js';
import { Access } from '../access/access.decorator.js';

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

@Controller('api/v1/batches')
export class BatchesController {
  constructor(@Inject(STORE) private readonly store: Store) {}

  @Get(':batchId')
  @Access('admin', 'ingest')
  @ApiDoc({ summary: "A batch's counts, caller and time", tags: ['ingest'], responses: { 200: { description: 'the batch', schema: batchBody }, ...errorResponses(400, 404) } })
  async get(@ZParams(params) p: { batchId: string }): Promise<z.infer<typeof batchBody>> {
    const b = await this.store.db.selectFrom('ingest_batches').selectAll().where('id', '=', p.batchId).executeTakeFirst();
    if (!b) throw notFound(`no batch ${p.batchId}`);
    return {
      batchId: b.id, status: b.status, source: b.source, caller: b.caller, format: b.format, received: b.received,
      inserted: b.inserted, updated: b.updated, duplicates: b.duplicates, rejected: b.rejected, error: b.error,
      startedAt: b.started_at.toISOString(), finishedAt: b.finished_at.toISOString(),
    };
  }
}
