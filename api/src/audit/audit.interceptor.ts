/**
 * Records every call of an `@Audited` route, once its answer is complete: for JSON answers before
 * the answer is sent (so a client that reads the log next sees its own entry), for streamed
 * answers (exports) when the stream has ended, with the rows the stream counted. A call the route
 * refuses is recorded as denied or rejected (audit-refusal.ts) before the error is answered.
 * A failure to record is logged, never turned into an error for a write that has already happened.
 */
import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { catchError, from, mergeMap, type Observable } from 'rxjs';
import { LOGGER } from '../app.tokens.js';
import type { RequestWithCaller } from '../access/caller.decorator.js';
import { actorOf } from '../access/roles.js';
import { AUDIT_ACTIONS } from './audit.actions.js';
import { auditedAction } from './audit.decorator.js';
import { withAuditNote, type AuditNote } from './audit-note.js';
import { recordRefusal } from './audit-refusal.js';
import { AuditService } from './audit.service.js';

@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly audit: AuditService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const action = auditedAction(ctx.getHandler());
    if (!action || action === 'retention.erase') return next.handle();
    const req = ctx.switchToHttp().getRequest<RequestWithCaller>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const note: AuditNote = { rows: 0 };
    // Nest binds the handler's async scope when handle() is called, so the note reaches it.
    return withAuditNote(note, () => next.handle()).pipe(
      mergeMap((answer) =>
        from(
          (async () => {
            const facts = AUDIT_ACTIONS[action]({
              req,
              status: res.statusCode,
              answer,
              noted: note.rows,
              finished: !res.headersSent || res.writableFinished,
            });
            const caller = req.caller;
            try {
              await this.audit.record({
                tokenId: caller?.tokenId ?? null,
                role: caller?.role ?? null,
                actor: caller ? actorOf(caller) : 'anonymous',
                action,
                status: res.statusCode,
                ...facts,
              });
            } catch (err) {
              this.logger.error(
                { action, err: (err as Error).message, reqId: (req as { id?: string }).id },
                'audit entry could not be written',
              );
            }
            return answer;
          })(),
        ),
      ),
      catchError((error: unknown) =>
        from(
          (async (): Promise<never> => {
            await recordRefusal(this.audit, this.logger, { action, req, caller: req.caller, error });
            throw error;
          })(),
        ),
      ),
    );
  }
}
