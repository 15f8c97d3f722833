/**
 * The session's decisions, free of Svelte and of the network so they are unit-tested
 * (session-core.test.ts): where the token is kept, which demo token opens the dashboard, where a
 * sign-in lands, and what a failed sign-in says.
 */
import type { components } from './api-types.js';
import { homeOf, mayOpen, type Role } from './roles.js';

export type DemoToken = components['schemas']['DemoToken'];
export type Me = components['schemas']['Session'];

/** sessionStorage: the token lives as long as the tab, never shared with other tabs or sites. */
export const TOKEN_KEY = 'odr.token';

export function readToken(storage: Pick<Storage, 'getItem'> | undefined): string | null {
  const t = storage?.getItem(TOKEN_KEY)?.trim();
  return t ? t : null;
}

export function saveToken(storage: Pick<Storage, 'setItem' | 'removeItem'> | undefined, token: string | null): void {
  if (!storage) return;
  if (token) storage.setItem(TOKEN_KEY, token);
  else storage.removeItem(TOKEN_KEY);
}

/** Demo mode opens as the regulator (everything, personal data masked): `npm start` shows charts at once. */
export function defaultDemoToken(tokens: readonly DemoToken[]): DemoToken | undefined {
  return tokens.find((t) => t.role === 'regulator') ?? tokens[0];
}

export type SignInFailure = 'empty' | 'invalid' | 'unreachable';

/** A bad token (401) is the user's to fix; anything else is the server's or the network's. */
export function signInFailure(status: number | undefined): SignInFailure {
  return status === 401 ? 'invalid' : 'unreachable';
}

/**
 * Where to go once signed in: back to `next` (the page the user was on when asked to sign in) if
 * the role may open it, else the role's home; from any other page, stay unless the role may not
 * open it.
 */
export function landingPath(role: Role, path: string, next: string | null): string {
  if (path === '/sign-in') {
    const target = next && next.startsWith('/') && !next.startsWith('//') ? next : null;
    return target && target !== '/sign-in' && mayOpen(role, target) ? target : homeOf(role);
  }
  return mayOpen(role, path) ? path : homeOf(role);
}

/** The thing a bound role acts for, for the top bar ("Trader · Shop GmbH"). */
export function boundName(me: Me): string | null {
  if (me.role === 'trader') return me.traderName ?? me.traderId;
  if (me.role === 'adr_body') return me.adrBodyName ?? me.adrBodyId;
  if (me.role === 'ingest') return me.source;
  return null;
}
