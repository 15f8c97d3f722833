import { z } from 'zod';
import { countryCode, label, referenceId } from '../complaints/complaint.schema.js';
import { SECTOR_CODES } from '../../../core/codes.js';

const sector = z.enum(SECTOR_CODES as [string, ...string[]], { error: (i) => `unknown sector "${String(i.input)}"` });

export const traderIdParams = z.object({ traderId: referenceId('trader id') });
export const adrBodyIdParams = z.object({ adrBodyId: referenceId('ADR body id') });

export const traderInput = z
  .strictObject({
    name: label(300),
    country: countryCode,
    website: z.url({ protocol: /^https?$/, error: 'website must be an http(s) URL' }).optional(),
    sector: sector.optional(),
  })
  .meta({ id: 'TraderInput' });

export const adrBodyInput = z
  .strictObject({
    name: label(300),
    country: countryCode,
    sectors: z.array(sector).max(100).optional(),
  })
  .meta({ id: 'AdrBodyInput' });

export const listQuery = z.strictObject({
  q: z.string().trim().max(200).optional(),
  country: countryCode.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(200).optional(),
});

export const trader = z
  .object({ id: z.string(), name: z.string(), country: z.string(), website: z.string().nullable(), sector: z.string().nullable() })
  .meta({ id: 'Trader' });
export const adrBody = z
  .object({ id: z.string(), name: z.string(), country: z.string(), sectors: z.array(z.string()) })
  .meta({ id: 'AdrBody' });
export const traderPage = z.object({ items: z.array(trader), nextCursor: z.string().nullable() });
export const adrBodyPage = z.object({ items: z.array(adrBody), nextCursor: z.string().nullable() });

export type TraderIdParams = z.output<typeof traderIdParams>;
export type AdrBodyIdParams = z.output<typeof adrBodyIdParams>;
export type TraderInput = z.output<typeof traderInput>;
export type AdrBodyInput = z.output<typeof adrBodyInput>;
export type ListQuery = z.output<typeof listQuery>;
export type Trader = z.output<typeof trader>;
export type AdrBody = z.output<typeof adrBody>;
