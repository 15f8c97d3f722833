import { z } from 'zod';
import { dateTimeWhere, label, referenceId } from '../complaints/complaint.schema.js';
import { ROLES } from './roles.js';

/** When a token stops working: an ISO-8601 date-time with a zone, in the future → canonical UTC. */
const expiry = dateTimeWhere(
  '2027-01-01T00:00:00Z',
  (ms) => ms <= Date.now(),
  (value) => `${value} is not in the future: a token must expire after it is issued`,
);

/** A new token: the binding each role needs, and nothing it does not. */
export const tokenInput = z
  .strictObject({
    role: z.enum(ROLES, { error: `role must be one of ${ROLES.join(', ')}` }),
    label: label(200).meta({ description: 'who holds it, e.g. "Consumer authority IT, analyst desk"' }),
    traderId: referenceId('traderId').optional().meta({ description: 'required for (and only for) role trader' }),
    adrBodyId: referenceId('adrBodyId').optional().meta({ description: 'required for (and only for) role adr_body' }),
    source: referenceId('source').optional().meta({ description: 'required for (and only for) role ingest' }),
    expiresAt: expiry
      .optional()
      .meta({ description: 'when the token stops working (a future ISO-8601 date-time); absent: it works until revoked' }),
  })
  .superRefine((t, ctx) => {
    const needs = { trader: 'traderId', adr_body: 'adrBodyId', ingest: 'source' } as const;
    for (const [role, field] of Object.entries(needs) as [keyof typeof needs, (typeof needs)[keyof typeof needs]][]) {
      if (t.role === role && t[field] === undefined)
        ctx.addIssue({ code: 'custom', path: [field], message: `is required for role ${role}` });
      if (t.role !== role && t[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `is only for role ${role}` });
    }
  })
  .meta({ id: 'TokenInput' });
export type TokenInput = z.output<typeof tokenInput>;

export const tokenIdParams = z.object({ tokenId: z.uuid({ error: 'tokenId must be a UUID' }) });
export type TokenIdParams = z.output<typeof tokenIdParams>;

export const tokenInfoBody = z
  .object({
    id: z.string(),
    role: z.enum(ROLES),
    label: z.string(),
    traderId: z.string().nullable(),
    adrBodyId: z.string().nullable(),
    source: z.string().nullable(),
    createdAt: z.string(),
    createdBy: z.string(),
    revokedAt: z.string().nullable(),
    expiresAt: z.string().nullable().meta({ description: 'when the token stops working; null: until revoked' }),
  })
  .meta({ id: 'TokenInfo' });
export type TokenInfo = z.output<typeof tokenInfoBody>;
export const newTokenBody = tokenInfoBody
  .extend({ token: z.string().meta({ description: 'the secret: shown this once, stored only as a hash' }) })
  .meta({ id: 'NewToken' });
export const tokenListBody = z.object({ items: z.array(tokenInfoBody) }).meta({ id: 'TokenList' });
