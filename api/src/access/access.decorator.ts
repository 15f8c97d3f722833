/**
 * Each route's access rule, declared beside it: `@Access('admin', 'regulator')` lists the roles
 * that may call it, `@Public()` needs no token. A route with neither is refused (403) by the
 * guard, and the OpenAPI document lists every route's rule (`x-roles`), which the access test
 * walks: a new route without a rule fails the build.
 */
import type { Role } from './roles.js';

export type AccessRule = { public: true } | { public: false; roles: readonly Role[] };

const RULE = Symbol('odr:access-rule');

function define(rule: AccessRule): MethodDecorator {
  return (_target, _key, descriptor) => {
    Reflect.defineMetadata(RULE, rule, descriptor.value as object);
  };
}

export const Access = (...roles: [Role, ...Role[]]): MethodDecorator => define({ public: false, roles });
export const Public = (): MethodDecorator => define({ public: true });

export function accessRule(handler: object): AccessRule | undefined {
  return Reflect.getMetadata(RULE, handler) as AccessRule | undefined;
}
