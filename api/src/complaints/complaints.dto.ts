import { z } from 'zod';
import { referenceId, text } from './complaint.schema.js';

export const complaintIdParams = z.object({
  id: z.string().regex(/^[1-9]\d{0,17}$/, 'complaint id must be a positive whole number'),
});
export const eventIdParams = complaintIdParams.extend({
  eventId: z.string().regex(/^[1-9]\d{0,17}$/, 'event id must be a positive whole number'),
});
export const voidInput = z
  .strictObject({ reason: text(500).refine((v) => v.length >= 3, 'say why the event is voided (at least 3 characters)') })
  .meta({ id: 'VoidInput' });
export type ComplaintIdParams = z.output<typeof complaintIdParams>;
export type EventIdParams = z.output<typeof eventIdParams>;
export type VoidInput = z.output<typeof voidInput>;

export const ingestSummary = z
  .object({
    batchId: z.string(),
    received: z.number().int(),
    inserted: z.number().int(),
    updated: z.number().int(),
    duplicates: z.number().int(),
    phases: z.object({ parseMs: z.number(), validateMs: z.number(), copyMs: z.number(), mergeMs: z.number() }).meta({
      description:
        'milliseconds spent reading and parsing, validating (both before the transaction opens), copying into PostgreSQL and merging (inside it)',
    }),
  })
  .meta({ id: 'IngestSummary' });
export type IngestSummary = z.output<typeof ingestSummary>;

export const erasure = z.object({ id: z.string(), personalDataErasedAt: z.string() }).meta({ id: 'Erasure' });

export const bulkQuery = z.strictObject({
  source: referenceId('source').optional().meta({ description: 'default source for lines that name none' }),
});
export type BulkQuery = z.output<typeof bulkQuery>;
