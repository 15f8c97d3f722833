/**
 * The one place errors become responses: ApiError as it says, Nest's own HTTP errors (unknown
 * route, body parser) in the same shape, an unreachable database a 503 with Retry-After, anything
 * else a 500 without internals. Never a stack.
 */
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { ApiError, jsonProblem } from './errors.js';
import { DB_RETRY_AFTER_SECONDS, isDbUnavailable } from '../db/unavailable.js';

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
}

export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const res = err.getResponse();
    const message = typeof res === 'string' ? res : String((res as { message?: unknown }).message ?? err.message);
    if (status === 400 && (err.cause as BodyParserError | undefined)?.type === 'entity.parse.failed')
      return new ApiError(400, `the body is ${jsonProblem(new Error(message))}`);
    return new ApiError(status, status === 404 ? 'no such route' : message);
  }
  const bp = err as BodyParserError;
  if (bp?.type === 'entity.too.large')
    return new ApiError(413, `the request body is larger than the limit of ${Math.round((bp.limit ?? 0) / 1024)} KB`);
  if (bp?.type === 'entity.parse.failed') return new ApiError(400, `the body is ${jsonProblem(err as Error)}`);
  if (bp?.type === 'encoding.unsupported' || bp?.type === 'charset.unsupported') return new ApiError(415, (err as Error).message);
  // Nothing was stored: a transaction cut by a lost connection is rolled back by PostgreSQL.
  if (isDbUnavailable(err)) return new ApiError(503, 'the database is unreachable, so nothing was stored or read; try again shortly');
  return new ApiError(500, 'internal error: the request could not be completed; see the server log for the request id');
}

@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const res = ctx.getResponse<Response>();
    const req = ctx.getRequest<Request & { id?: string }>();
    const error = toApiError(exception);
    const dbDown = error.statusCode === 503 && isDbUnavailable(exception);
    if (dbDown) {
      // Expected during an outage: one line per request, without a stack.
      this.logger.warn({ reqId: req.id, err: { message: (exception as Error).message } }, 'request refused: the database is unreachable');
    } else if (error.statusCode >= 500) {
      const e = exception as Error;
      this.logger.error({ reqId: req.id, err: { type: e?.name, message: e?.message, stack: e?.stack } }, 'request failed');
    }
    // A body not read to its end (too large, too slow, refused before reading) is not drained:
    // the connection closes once the answer is out.
    if (!res.headersSent && (error.statusCode === 413 || error.statusCode === 408 || !req.complete)) res.setHeader('connection', 'close');
    // Every 503 is temporary (database outage, token check, analytics not built yet): say when to retry.
    if (error.statusCode === 503 && !res.headersSent && !res.getHeader('retry-after'))
      res.setHeader('Retry-After', String(DB_RETRY_AFTER_SECONDS));
    if (res.headersSent) {
      // A streamed answer already started: the client sees a cut stream, the log says why.
      res.destroy();
      return;
    }
    res.status(error.statusCode).json({ ...error.toJSON(), ...(req.id ? { requestId: req.id } : {}) });
  }
}
