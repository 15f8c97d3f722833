import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '../common/errors.js';
import type { Caller } from './roles.js';

export type RequestWithCaller = Request & { caller?: Caller };

/** The authenticated caller of a route with an @Access rule (set by AuthGuard). */
export const CurrentCaller = createParamDecorator((_data: unknown, ctx: ExecutionContext): Caller => {
  const caller = ctx.switchToHttp().getRequest<RequestWithCaller>().caller;
  // Only reachable if a public route asked for a caller: a programming error, not the client's.
  if (!caller) throw new ApiError(500, 'internal error: this route has no authenticated caller');
  return caller;
});
