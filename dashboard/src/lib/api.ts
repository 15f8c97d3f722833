/**
 * The one API client: openapi-fetch over the types generated from the OpenAPI document
 * (api-types.ts, `npm run gen:client`), so every path, parameter and answer is checked by tsc.
 */
import createClient from 'openapi-fetch';
import type { components, paths } from './api-types.js';

export type Schemas = components['schemas'];
export type AsOf = Schemas['AsOf'];

export const api = createClient<paths>({ baseUrl: location.origin });

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The data of an openapi-fetch answer, or an ApiError with the server's message. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (data !== undefined && response.ok) return data;
  const message = error && typeof error === 'object' && 'message' in error ? String((error as { message: unknown }).message) : response.statusText;
  throw new ApiError(response.status, `${response.status} ${message}`);
}
