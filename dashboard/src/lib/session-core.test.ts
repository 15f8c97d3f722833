import { describe, expect, it } from 'vitest';
import {
  boundName,
  defaultDemoToken,
  landingPath,
  readToken,
  saveToken,
  signInFailure,
  TOKEN_KEY,
  type DemoToken,
  type Me,
} from './session-core.js';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(k: string): string | null {
    return this.items.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.items.set(k, v);
  }
  removeItem(k: string): void {
    this.items.delete(k);
  }
}

const me = (over: Partial<Me>): Me => ({
  role: 'regulator',
  label: 'x',
  traderId: null,
  traderName: null,
  adrBodyId: null,
  adrBodyName: null,
  source: null,
  demo: false,
  ...over,
});

describe('session', () => {
  it('keeps the token in the given storage and forgets it on sign-out', () => {
    const s = new MemoryStorage();
    expect(readToken(s)).toBeNull();
    saveToken(s, 'odr_abc');
    expect(s.items.get(TOKEN_KEY)).toBe('odr_abc');
    expect(readToken(s)).toBe('odr_abc');
    saveToken(s, null);
    expect(readToken(s)).toBeNull();
    s.setItem(TOKEN_KEY, '   ');
    expect(readToken(s)).toBeNull();
    expect(readToken(undefined)).toBeNull();
  });

  it('demo mode opens as the regulator', () => {
    const tokens: DemoToken[] = [
      { role: 'admin', label: 'a', token: 'A' },
      { role: 'regulator', label: 'r', token: 'R' },
      { role: 'trader', label: 't', token: 'T', traderId: 'T-1' },
    ];
    expect(defaultDemoToken(tokens)?.token).toBe('R');
    expect(defaultDemoToken([])).toBeUndefined();
  });

  it('a 401 is a bad token; anything else a server or network problem', () => {
    expect(signInFailure(401)).toBe('invalid');
    expect(signInFailure(503)).toBe('unreachable');
    expect(signInFailure(undefined)).toBe('unreachable');
  });

  it('after sign-in: back to the page asked for if the role may open it, else the role’s home', () => {
    expect(landingPath('regulator', '/sign-in', '/registry')).toBe('/registry');
    expect(landingPath('trader', '/sign-in', '/countries')).toBe('/');
    expect(landingPath('ingest', '/sign-in', null)).toBe('/etl');
    // Only same-site paths: never an open redirect.
    expect(landingPath('regulator', '/sign-in', '//evil.example/')).toBe('/');
    expect(landingPath('regulator', '/sign-in', 'https://evil.example/')).toBe('/');
    // A role switch keeps the page when allowed.
    expect(landingPath('adr_body', '/registry', null)).toBe('/registry');
    expect(landingPath('adr_body', '/traders', null)).toBe('/');
  });

  it('names what a bound role acts for', () => {
    expect(boundName(me({ role: 'trader', traderId: 'T-1', traderName: 'Shop GmbH' }))).toBe('Shop GmbH');
    expect(boundName(me({ role: 'adr_body', adrBodyId: 'ADR-1' }))).toBe('ADR-1');
    expect(boundName(me({ role: 'ingest', source: 'demo' }))).toBe('demo');
    expect(boundName(me({}))).toBeNull();
  });
});
