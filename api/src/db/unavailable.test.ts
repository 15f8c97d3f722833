import { describe, expect, it } from 'vitest';
import { isDbUnavailable } from './unavailable.js';
import { toApiError } from '../common/http-exception.filter.js';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDbUnavailable', () => {
  it('knows the ways PostgreSQL is out of reach', () => {
    for (const e of [
      coded('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      coded('57P01', 'terminating connection due to administrator command'),
      coded('57P03', 'the database system is starting up'),
      coded('08006'),
      coded('08001'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new AggregateError([coded('ECONNREFUSED')], ''),
      new Error('wrapped', { cause: coded('57P01') }),
    ]) {
      expect(isDbUnavailable(e), String(e)).toBe(true);
    }
  });
  it('leaves query errors and bugs alone', () => {
    for (const e of [
      coded('23505', 'duplicate key'),
      coded('42P01', 'relation does not exist'),
      new TypeError('x is undefined'),
      null,
      'text',
    ]) {
      expect(isDbUnavailable(e)).toBe(false);
    }
  });
  it('becomes a 503 in the error shape', () => {
    const e = toApiError(coded('ECONNREFUSED'));
    expect(e.statusCode).toBe(503);
    expect(e.toJSON()).toMatchObject({ statusCode: 503, error: 'Service Unavailable' });
    expect(e.message).toMatch(/database is unreachable/);
  });
});
