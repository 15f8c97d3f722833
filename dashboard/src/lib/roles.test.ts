import { describe, expect, it } from 'vitest';
import { canReadEtlRuns, canRunEtl, homeOf, mayOpen, picksAdrBodies, picksTraders, ROLES, VIEW_PATHS, viewsOf } from './roles.js';

describe('navigation by role', () => {
  it('regulator and admin see every view', () => {
    for (const role of ['admin', 'regulator'] as const) expect(viewsOf(role)).toEqual(VIEW_PATHS);
  });

  it('a trader: overview, resolution, its benchmark, registry, about — nothing else (not the system-wide ETL runs)', () => {
    expect(viewsOf('trader')).toEqual(['/', '/resolution', '/traders', '/registry', '/about']);
    for (const p of ['/countries', '/cross-border', '/adr-bodies', '/etl']) expect(mayOpen('trader', p), p).toBe(false);
  });

  it('an ADR body: its own body instead of the traders', () => {
    expect(viewsOf('adr_body')).toEqual(['/', '/resolution', '/adr-bodies', '/registry', '/about']);
    expect(mayOpen('adr_body', '/traders')).toBe(false);
    expect(mayOpen('adr_body', '/etl')).toBe(false);
  });

  it('ingest: data freshness and about only, landing on data freshness', () => {
    expect(viewsOf('ingest')).toEqual(['/etl', '/about']);
    expect(homeOf('ingest')).toBe('/etl');
    expect(mayOpen('ingest', '/')).toBe(false);
    expect(mayOpen('ingest', '/registry/123')).toBe(false);
    expect(ROLES.filter(canReadEtlRuns)).toEqual(['admin', 'regulator']);
  });

  it('a case page goes with the registry; an unknown path is left to the not-found page', () => {
    expect(mayOpen('trader', '/registry/42')).toBe(true);
    expect(mayOpen('ingest', '/no-such-view')).toBe(true);
  });

  it('"run now" is the administrator’s only; picking traders and bodies is for unbound roles', () => {
    expect(ROLES.filter(canRunEtl)).toEqual(['admin']);
    expect(ROLES.filter(picksTraders)).toEqual(['admin', 'regulator']);
    expect(ROLES.filter(picksAdrBodies)).toEqual(['admin', 'regulator']);
  });

  it('every role lands on a view it may open', () => {
    for (const role of ROLES) expect(mayOpen(role, homeOf(role))).toBe(true);
  });
});
