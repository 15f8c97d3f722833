/**
 * A refused call of an audited route (a write or an export) is recorded too, with its outcome and
 * status: `denied` for a 403, `rejected` for the other client errors (see refusalOutcome). Both
 * places that refuse calls come here: the access guard (a role the route does not allow, before
 * the route runs) and the audit interceptor (everything the route itself refuses: a foreign
 * source, an event the role may not post, invalid input, a rejected batch). The refusal itself
 * always reaches the caller; a failure to record it is logged.
 */
import type { Logger } from 'pino';
import type { Caller } from '../access/roles.js';
import { actorOf } from '../access/roles.js';
import type { RequestWithCaller } from '../access/caller.decorator.js';
import { toApiError } from '../common/http-exception.filter.js';
import { refusalFacts, refusalOutcome, type AuditAction } from './audit.actions.js';
import type { AuditService } from './audit.service.js';

export async function recordRefusal(
  audit: AuditService,
  logger: Logger,
  refused: { action: AuditAction; req: RequestWithCaller; caller: Caller | undefined; error: unknown },
): Promise<void> {
  const error = toApiError(refused.error);
  const outcome = refusalOutcome(error.statusCode);
  if (!outcome) return;
  const { action, req, caller } = refused;
  try {
    await audit.record({
      tokenId: caller?.tokenId ?? null,
      role: caller?.role ?? null,
      actor: caller ? actorOf(caller) : 'anonymous',
      action,
      outcome,
      status: error.statusCode,
      ...refusalFacts(req, error),
    });
  } catch (err) {
    logger.error(
      { action, outcome, err: (err as Error).message, reqId: (req as { id?: string }).id },
      'audit entry of a refused call could not be written',
    );
  }
}
