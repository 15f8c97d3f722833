import { describe, expect, it } from 'vitest';
import { exportHref, registryParamsFromQuery } from './registry.js';

describe('registry URL state', () => {
  it('keeps known values under the API names and drops the rest', () => {
    const q = new URLSearchParams(
      'q=%20Acme%20&externalRef=%20REF-1%20&status=open&stage=with_trader&closure=nope&overdue=true&sort=filedAt&lang=it',
    );
    expect(registryParamsFromQuery(q)).toEqual({
      q: 'Acme',
      externalRef: 'REF-1',
      status: 'open',
      stage: 'with_trader',
      overdue: 'true',
      sort: 'filedAt',
    });
    expect(registryParamsFromQuery(new URLSearchParams('status=pending&overdue=yes&sort=-filedAt&q=%20&externalRef='))).toEqual({});
  });

  it('links the export to the same cases, without the sort', () => {
    const href = exportHref({ consumerCountry: 'IT', q: 'x&y', sort: 'filedAt', stage: undefined }, 'ndjson');
    const url = new URL(href, 'http://x');
    expect(url.pathname).toBe('/api/v1/complaints/export');
    expect(Object.fromEntries(url.searchParams)).toEqual({ consumerCountry: 'IT', q: 'x&y', format: 'ndjson' });
  });
});
