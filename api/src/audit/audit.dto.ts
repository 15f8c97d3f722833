import { z } from 'zod';
import { clip, dateTimeError, parseIsoDateTime } from '../complaints/complaint.schema.js';
import { strictQuery } from '../registry/registry.dto.js';
import { AUDIT_ACTION_NAMES, AUDIT_OUTCOMES, type AuditOutcome } from './audit.actions.js';

const when = (description: string) =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      const ok =
        /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(v) &&
        parseIsoDateTime(v.length === 10 ? `${v}T00:00:00Z` : v) !== null;
      if (!ok) {
        ctx.addIssue({ code: 'custom', message: dateTimeError(v, 'a date or date-time: use YYYY-MM-DD or ISO-8601 with a time zone') });
        return z.NEVER;
      }
      return new Date(v.length === 10 ? `${v}T00:00:00Z` : v);
    })
    .meta({ description, example: '2026-01-01' });

export const auditQuery = strictQuery({
  action: z
    .string()
    .transform((raw, ctx) => {
      const parts = raw.split(',').map((s) => s.trim());
      const unknown = parts.filter((p) => !(AUDIT_ACTION_NAMES as string[]).includes(p));
      if (unknown.length) {
        ctx.addIssue({ code: 'custom', message: `unknown action "${clip(unknown[0]!)}": use one of ${AUDIT_ACTION_NAMES.join(', ')}` });
        return z.NEVER;
      }
      return [...new Set(parts)];
    })
    .optional()
    .meta({ description: `what was done; comma-separated values match any of them (${AUDIT_ACTION_NAMES.join(', ')})` }),
  outcome: z
    .string()
    .transform((raw, ctx) => {
      const parts = raw.split(',').map((s) => s.trim());
      const unknown = parts.find((p) => !(AUDIT_OUTCOMES as readonly string[]).includes(p));
      if (unknown !== undefined) {
        ctx.addIssue({ code: 'custom', message: `unknown outcome "${clip(unknown)}": use one of ${AUDIT_OUTCOMES.join(', ')}` });
        return z.NEVER;
      }
      return [...new Set(parts)] as AuditOutcome[];
    })
    .optional()
    .meta({
      description: `how it ended; comma-separated values match any of them (${AUDIT_OUTCOMES.join(', ')}: refused writes are denied (403) or rejected (other 4xx))`,
    }),
  actor: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .optional()
    .meta({ description: 'part of the actor, any case (e.g. "trader:T-000042" or a token label)' }),
  tokenId: z
    .string()
    .trim()
    .min(1)
    .max(100, 'must be at most 100 characters')
    .optional()
    .meta({ description: "the token's id (admin-token for ADMIN_TOKEN)" }),
  from: when('at or after (inclusive)').optional(),
  to: when('before (exclusive)').optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number from 1 to 1000')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be a whole number from 1 to 1000').max(1000, 'must be a whole number from 1 to 1000'))
    .default(100)
    .meta({ description: 'page size, 1–1000 (default 100)' }),
  cursor: z
    .string()
    .regex(/^[1-9]\d{0,18}$/, 'is not a cursor of the audit log')
    .optional()
    .meta({ description: 'nextCursor of the previous page' }),
});
export type AuditQuery = z.output<typeof auditQuery>;

export const auditItem = z
  .object({
    id: z.string(),
    at: z.string(),
    tokenId: z.string().nullable(),
    role: z.string().nullable(),
    actor: z.string(),
    action: z.string(),
    target: z.string().nullable(),
    rows: z.number().int().nullable(),
    detail: z.record(z.string(), z.unknown()).nullable().meta({ description: 'identifiers, counts and codes only; never personal data' }),
    outcome: z
      .enum(AUDIT_OUTCOMES)
      .meta({ description: 'succeeded; denied (403: the caller may not); rejected (other 4xx: the input was refused, nothing stored)' }),
    status: z.number().int().nullable().meta({ description: 'the HTTP status answered (null for the CLI and jobs)' }),
  })
  .meta({ id: 'AuditEntry' });
export type AuditItem = z.output<typeof auditItem>;
export const auditPage = z.object({ items: z.array(auditItem), nextCursor: z.string().nullable() }).meta({ id: 'AuditPage' });
