import { z } from 'zod';
import type { RouteDoc } from './route-docs.js';

export const errorBody = z
  .object({
    statusCode: z.number().int(),
    error: z.string(),
    message: z.string(),
    details: z.array(z.object({ line: z.number().int().optional(), field: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Error' });

const WHY: Record<number, string> = {
  400: 'malformed request (query, path or JSON syntax)',
  401: 'no bearer token, or a token that is unknown or revoked',
  403: "the token's role may not do this",
  404: 'not found',
  408: 'the request body stopped coming in (no data for BULK_IDLE_TIMEOUT_S); nothing was stored',
  409: 'conflicts with the stored case (lifecycle or idempotency)',
  413: 'body larger than the configured limit',
  415: 'unsupported content type (or content encoding)',
  422: 'well-formed but invalid content; details name line, field and problem',
  429: 'too many requests for this token; Retry-After says when to try again',
  503: 'a dependency (the database, the analytics snapshot) is not available; Retry-After says when to try again',
};

export function errorResponses(...codes: number[]): RouteDoc['responses'] {
  return Object.fromEntries(codes.map((c) => [c, { description: WHY[c] ?? 'error', schema: errorBody }]));
}
