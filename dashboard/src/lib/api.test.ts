import { beforeAll, describe, expect, it } from 'vitest';

// api.ts builds its client from the page's origin.
let mod: typeof import('./api.js');
beforeAll(async () => {
  Object.assign(globalThis, { location: { origin: 'http://localhost' } });
  mod = await import('./api.js');
});

type Hooks = { onRequest: (p: { request: Request }) => Request; onResponse: (p: { request: Request; response: Response }) => Response };

describe('API client authorisation', () => {
  it('adds the session token; a 401 for that token ends the session, one for another token does not', () => {
    let token: string | null = 'odr_one';
    let ended = 0;
    const m = mod.authMiddleware(
      () => token,
      () => ended++,
    ) as unknown as Hooks;
    const req = m.onRequest({ request: new Request('http://localhost/api/v1/complaints') });
    expect(req.headers.get('Authorization')).toBe('Bearer odr_one');
    m.onResponse({ request: req, response: new Response(null, { status: 401 }) });
    expect(ended).toBe(1);
    // A sign-in attempt carries its own token: kept, and its 401 is the form's to report.
    const attempt = m.onRequest({
      request: new Request('http://localhost/api/v1/session', { headers: { Authorization: 'Bearer other' } }),
    });
    expect(attempt.headers.get('Authorization')).toBe('Bearer other');
    m.onResponse({ request: attempt, response: new Response(null, { status: 401 }) });
    expect(ended).toBe(1);
    token = null;
    expect(m.onRequest({ request: new Request('http://localhost/api/health') }).headers.has('Authorization')).toBe(false);
  });

  it('reads the file name of a download', () => {
    expect(mod.filenameOf('attachment; filename="complaints-2026.csv"')).toBe('complaints-2026.csv');
    expect(mod.filenameOf('attachment; filename="x.csv"; filename*=UTF-8\'\'complaints%20IT.csv')).toBe('complaints IT.csv');
    expect(mod.filenameOf('attachment; filename=plain.ndjson')).toBe('plain.ndjson');
    expect(mod.filenameOf(null)).toBeNull();
  });
});
