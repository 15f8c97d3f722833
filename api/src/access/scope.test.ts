import { describe, expect, it } from 'vitest';
import { ApiError } from '../common/errors.js';
import type { Caller } from './roles.js';
import { assertEventAllowed, canRead, maskExported, scopeKey, scopeOf, writeSource } from './scope.js';

const caller = (c: Partial<Caller> & Pick<Caller, 'role'>): Caller => ({ tokenId: 't', label: 'l', ...c });
const status = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    return e instanceof ApiError ? e.statusCode : 'other';
  }
};

describe('scope', () => {
  it('a bound role without its binding fails closed (403), never reads as everything', () => {
    expect(status(() => scopeOf(caller({ role: 'trader' })))).toBe(403);
    expect(status(() => scopeOf(caller({ role: 'adr_body' })))).toBe(403);
    expect(status(() => scopeOf(caller({ role: 'ingest' })))).toBe(403);
    expect(scopeOf(caller({ role: 'regulator' }))).toEqual({ personalData: false });
  });

  it('canRead checks every bound dimension; cache keys differ per scope', () => {
    const row = { trader_id: 'T-1', adr_body_id: 'A-1', source: 's' };
    expect(canRead(scopeOf(caller({ role: 'trader', traderId: 'T-1' })), row)).toBe(true);
    expect(canRead(scopeOf(caller({ role: 'trader', traderId: 'T-2' })), row)).toBe(false);
    expect(canRead(scopeOf(caller({ role: 'adr_body', adrBodyId: 'A-1' })), { ...row, adr_body_id: null })).toBe(false);
    expect(canRead(scopeOf(caller({ role: 'ingest', source: 'x' })), row)).toBe(false);
    expect(scopeKey(scopeOf(caller({ role: 'trader', traderId: 'T-1' })))).not.toBe(
      scopeKey(scopeOf(caller({ role: 'adr_body', adrBodyId: 'T-1' }))),
    );
  });

  it('events by role, and the source an ingest token writes', () => {
    expect(status(() => assertEventAllowed(caller({ role: 'trader', traderId: 'T' }), 'adr_outcome'))).toBe(403);
    expect(status(() => assertEventAllowed(caller({ role: 'trader', traderId: 'T' }), 'settled_directly'))).toBe('ok');
    expect(status(() => assertEventAllowed(caller({ role: 'adr_body', adrBodyId: 'A' }), 'adr_body_agreed'))).toBe(403);
    expect(status(() => assertEventAllowed(caller({ role: 'ingest', source: 's' }), 'adr_body_agreed'))).toBe('ok');
    const feed = caller({ role: 'ingest', source: 'feed' });
    expect(writeSource(feed, undefined, 'default')).toBe('feed');
    expect(status(() => writeSource(feed, 'other', 'default'))).toBe(403);
    expect(writeSource(caller({ role: 'admin' }), undefined, 'default')).toBe('default');
  });

  it('masking drops exactly the personal fields from an export', () => {
    const c = {
      externalRef: 'r',
      source: 's',
      filedAt: 'f',
      consumer: { country: 'IT', language: 'it', name: 'N', email: 'E', address: 'A' },
      trader: { id: 'T', country: 'DE' },
      sector: 'x',
      problem: 'y',
      description: 'D',
      events: [],
    };
    expect(maskExported({ personalData: false }, c as never)).toEqual({
      externalRef: 'r',
      source: 's',
      filedAt: 'f',
      consumer: { country: 'IT', language: 'it' },
      trader: { id: 'T', country: 'DE' },
      sector: 'x',
      problem: 'y',
      events: [],
    });
    expect(maskExported({ personalData: true }, c as never)).toBe(c);
  });
});
