/**
 * `@Audited('action')` beside a route's `@Access` rule: the audit interceptor records every
 * successful call of that route (who, what, when, how many rows). What each action records is
 * defined once, in audit.actions.ts, so controllers carry one line each.
 */
import type { AuditAction } from './audit.actions.js';

const ACTION = Symbol('odr:audit-action');

export const Audited =
  (action: AuditAction): MethodDecorator =>
  (_target, _key, descriptor) => {
    Reflect.defineMetadata(ACTION, action, descriptor.value as object);
  };

export function auditedAction(handler: object): AuditAction | undefined {
  return Reflect.getMetadata(ACTION, handler) as AuditAction | undefined;
}
