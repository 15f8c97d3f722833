/**
 * The one gate (a global guard): a route's @Access/@Public rule decides. No rule → 403 (deny by
 * default); no or unknown token → 401 with `WWW-Authenticate: Bearer`; a role the rule does not
 * list → 403, recorded in the audit log when the route is audited (the route and its audit
 * interceptor never run). The caller is put on the request for the route and for the audit log.
 */
import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { LOGGER } from '../app.tokens.js';
import { auditedAction } from '../audit/audit.decorator.js';
import { recordRefusal } from '../audit/audit-refusal.js';
import { AuditService } from '../audit/audit.service.js';
import { ApiError } from '../common/errors.js';
import { accessRule } from './access.decorator.js';
import type { RequestWithCaller } from './caller.decorator.js';
import { TokenService } from './token.service.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** The token of an `Authorization: Bearer <token>` header, if the request has one. */
export function bearerToken(header: string | undefined): string | undefined {
  return header ? BEARER.exec(header)?.[1] : undefined;
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const rule = accessRule(ctx.getHandler());
    if (!rule) throw new ApiError(403, 'this route has no access rule, so it is closed to everyone');
    if (rule.public) return true;
    const req = ctx.switchToHttp().getRequest<RequestWithCaller>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const header = req.headers.authorization;
    const token = bearerToken(header);
    if (!token) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new ApiError(
        401,
        header ? 'the Authorization header must be "Bearer <token>"' : 'a bearer token is required (Authorization: Bearer <token>)',
      );
    }
    const check = await this.tokens.check(token);
    if (check.status !== 'valid') {
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      throw new ApiError(
        401,
        check.status === 'expired'
          ? `the token expired at ${check.expiredAt}; ask an administrator for a new one`
          : 'the token is not valid or has been revoked',
      );
    }
    const { caller } = check;
    if (!rule.roles.includes(caller.role)) {
      const error = new ApiError(403, `the ${caller.role} role may not do this; allowed: ${rule.roles.join(', ')}`);
      const action = auditedAction(ctx.getHandler());
      if (action) await recordRefusal(this.audit, this.logger, { action, req, caller, error });
      throw error;
    }
    req.caller = caller;
    return true;
  }
}
