/**
 * The one API client: openapi-fetch over the types generated from the OpenAPI document
 * (api-types.ts, `npm run gen:client`), so every path, parameter and answer is checked by tsc.
 * Every request carries the session's bearer token (authMiddleware, installed by session.svelte.ts).
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './api-types.js';

export type Schemas = components['schemas'];
export type AsOf = Schemas['AsOf'];

export const api = createClient<paths>({ baseUrl: location.origin });

/**
 * Adds `Authorization: Bearer <token>` when there is a token and the request has none of its own,
 * and reports a 401 to a request that carried the session's token (it was revoked or is unknown:
 * the user must sign in again). A request with another token (a sign-in attempt) is not reported.
 */
export function authMiddleware(token: () => string | null, onUnauthorized: () => void): Middleware {
  return {
    onRequest({ request }) {
      const t = token();
      if (t && !request.headers.has('Authorization')) request.headers.set('Authorization', `Bearer ${t}`);
      return request;
    },
    onResponse({ request, response }) {
      const t = token();
      if (response.status === 401 && t && request.headers.get('Authorization') === `Bearer ${t}`) onUnauthorized();
      return response;
    },
  };
}

/**
 * A download the browser cannot fetch by itself (a plain link carries no Authorization header):
 * fetched with the token, saved from a Blob under the server's file name.
 */
export async function fetchDownload(url: string, token: string | null, fallbackName: string): Promise<{ blob: Blob; filename: string }> {
  const res = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  if (!res.ok) {
    let message = res.statusText;
    try {
      const body = (await res.json()) as { message?: unknown };
      if (typeof body.message === 'string') message = body.message;
    } catch {
      // not JSON: keep the status text
    }
    throw new ApiError(res.status, `${res.status} ${message}`);
  }
  return { blob: await res.blob(), filename: filenameOf(res.headers.get('Content-Disposition')) ?? fallbackName };
}

/** The file name of a Content-Disposition header (RFC 6266: filename* first, then filename). */
export function filenameOf(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      // malformed: try the plain form
    }
  }
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/.exec(header);
  return plain ? (plain[1] ?? plain[2]!.trim()) : null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The data of an openapi-fetch answer, or an ApiError with the server's message. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (data !== undefined && response.ok) return data;
  const message =
    error && typeof error === 'object' && 'message' in error ? String((error as { message: unknown }).message) : response.statusText;
  throw new ApiError(response.status, `${response.status} ${message}`);
}
