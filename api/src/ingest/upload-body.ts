/**
 * A bulk request body as the readers take it: chunks that must keep coming (an idle body → 408),
 * inflated when sent as gzip, and never more than the body limit — counted after inflation, so a
 * small compressed body cannot expand past it.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { ApiError } from '../common/errors.js';
import { limitBytes } from './readers.js';

export type BodyEncoding = 'identity' | 'gzip';

/** `Content-Encoding` → how to read the body; anything but identity and gzip is a 415. */
export function bodyEncoding(header: string | undefined): BodyEncoding {
  const value = (header ?? '').trim().toLowerCase();
  if (value === '' || value === 'identity') return 'identity';
  if (value === 'gzip' || value === 'x-gzip') return 'gzip';
  throw new ApiError(415, `the body's Content-Encoding "${value}" is not supported: send it uncompressed (identity) or as gzip`);
}

export const requestTimeout = (idleMs: number) =>
  new ApiError(408, `the upload stopped: no data came in for ${formatSeconds(idleMs)}, so nothing was stored`);

function formatSeconds(ms: number): string {
  const s = Math.round(ms / 100) / 10;
  return `${s} second${s === 1 ? '' : 's'}`;
}

/**
 * The stream's chunks; waiting more than `idleMs` for the next one fails with 408. The stream is
 * only paused, never destroyed, when the read ends early (timeout, 413, a bad line): destroying
 * a request cuts its socket, and the client would never see the answer.
 */
export async function* idleLimited(stream: Readable, idleMs: number): AsyncGenerator<Buffer> {
  const chunks = stream.iterator({ destroyOnReturn: false }) as AsyncIterator<Buffer | string>;
  let timer: NodeJS.Timeout | undefined;
  try {
    for (;;) {
      const next = chunks.next();
      const idle = new Promise<'idle'>((resolve) => (timer = setTimeout(resolve, idleMs, 'idle')));
      const result = await Promise.race([next, idle]);
      clearTimeout(timer);
      if (result === 'idle') {
        // The read still pending settles when the connection closes; nobody waits for it.
        next.catch(() => {});
        stream.pause();
        throw requestTimeout(idleMs);
      }
      if (result.done) return;
      yield typeof result.value === 'string' ? Buffer.from(result.value) : result.value;
    }
  } finally {
    clearTimeout(timer);
  }
}

/** The inflated bytes of a gzip stream; a body that is not gzip is a 400. */
export async function* gunzipped(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const inflate = createGunzip();
  // An error of the source (408, 413) reaches the loop below through the inflater.
  void pipeline(Readable.from(source), inflate).catch(() => {});
  try {
    for await (const chunk of inflate) yield chunk as Buffer;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (!(err instanceof ApiError) && typeof code === 'string' && code.startsWith('Z_')) {
      throw new ApiError(400, 'the body is not valid gzip (Content-Encoding: gzip), so nothing was stored');
    }
    throw err;
  } finally {
    inflate.destroy();
  }
}

/** The body as the readers take it: idle-limited, inflated if need be, at most `limit` bytes. */
export function uploadBody(stream: Readable, opts: { encoding: BodyEncoding; limitBytes: number; idleMs: number }): AsyncIterable<Buffer> {
  const raw = limitBytes(idleLimited(stream, opts.idleMs), opts.limitBytes);
  return opts.encoding === 'gzip' ? limitBytes(gunzipped(raw), opts.limitBytes) : raw;
}
