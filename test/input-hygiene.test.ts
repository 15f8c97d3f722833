/**
 * Input hygiene (issue 17, findings 8 and 9): names and labels refuse control and
 * bidirectional-override characters (422 naming the field, the same for a single complaint, NDJSON
 * and CSV lines, reference data and token labels), all text is stored NFC-normalised, and ids
 * (traders, ADR bodies, sources) cannot carry "/" or "..".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, detailFields, expectError, startApp, type Client, type RunningApp } from './support/http.js';
import { csv, MIN_CSV_HEADER, minCsvRow, ndjson, validComplaint } from './support/complaints.js';

const CONTROL_NAME = 'Shop\r\nX: 1\u001b[31m';
const BIDI_NAME = 'Shop \u202egpj.exe';

describe('names, labels and ids', () => {
  let app: RunningApp;
  let admin: Client;

  beforeAll(async () => {
    app = await startApp();
    admin = client(app.baseUrl);
  });
  afterAll(async () => {
    await app?.close();
  });

  it.each([
    ['control characters', CONTROL_NAME],
    ['a bidirectional override', BIDI_NAME],
    ['a right-to-left isolate', 'Shop \u2067x\u2069'],
    ['a C1 control', 'Shop \u0085X'],
  ])('refuses a trader or ADR body name with %s: 422 naming the field, nothing stored', async (_what, bad) => {
    const t = await admin.putJson('/api/v1/traders/T-HYG-1', { name: bad, country: 'DE' });
    expectError(t, 422);
    expect(detailFields(t)).toEqual(['name']);
    const b = await admin.putJson('/api/v1/adr-bodies/ADR-HYG-1', { name: bad, country: 'IT' });
    expectError(b, 422);
    expect(detailFields(b)).toEqual(['name']);
    const listed = await admin.get('/api/v1/traders?q=Shop&limit=1000');
    expect((listed.body.items as { id: string }[]).map((x) => x.id)).not.toContain('T-HYG-1');
  });

  it('refuses a token label with control or bidi characters', async () => {
    for (const label of [CONTROL_NAME, BIDI_NAME]) {
      const a = await admin.postJson('/api/v1/tokens', { role: 'regulator', label });
      expectError(a, 422);
      expect(detailFields(a)).toEqual(['label']);
    }
  });

  it('refuses them in a complaint, naming the field the same way for JSON, NDJSON and CSV', async () => {
    const one = await admin.postJson(
      '/api/v1/complaints',
      validComplaint({ trader: { id: 'T-HYG-2', name: CONTROL_NAME, country: 'DE' } }),
    );
    expectError(one, 422);
    expect(detailFields(one)).toEqual(['trader.name']);

    const lines = ndjson([validComplaint(), validComplaint({ consumer: { country: 'IT', name: BIDI_NAME } })]);
    const nd = await admin.ndjson(lines);
    expectError(nd, 422);
    expect(nd.body.details).toEqual([expect.objectContaining({ line: 2, field: 'consumer.name' })]);

    const header = [...MIN_CSV_HEADER, 'trader_name'];
    const body = csv(header, [minCsvRow({ trader_name: 'Fine Shop' }), minCsvRow({ trader_name: BIDI_NAME })]);
    const c = await admin.csv(body);
    expectError(c, 422);
    expect(c.body.details).toEqual([expect.objectContaining({ line: 3, field: 'trader_name' })]);
  });

  it('keeps tabs and line breaks in a description but refuses escapes there', async () => {
    const ok = await admin.postJson('/api/v1/complaints', validComplaint({ description: 'Line one\n\tLine two\r\nLine three' }));
    expect(ok.status, ok.text).toBe(201);
    const bad = await admin.postJson('/api/v1/complaints', validComplaint({ description: 'Ordered \u001b[31mshoes' }));
    expectError(bad, 422);
    expect(detailFields(bad)).toEqual(['description']);
  });

  it('stores text NFC-normalised, so a decomposed name equals the composed one', async () => {
    const decomposed = 'Cafe\u0301 Mu\u0308ller';
    const composed = 'Caf\u00e9 M\u00fcller';
    expect(decomposed).not.toBe(composed);
    const put = await admin.putJson('/api/v1/traders/T-HYG-NFC', { name: decomposed, country: 'DE' });
    expect(put.status, put.text).toBe(201);
    expect(put.body.name).toBe(composed);

    const c = await admin.postJson(
      '/api/v1/complaints',
      validComplaint({ consumer: { country: 'IT', name: `Zo\u0308e` }, description: `Ordered a cre\u0300me` }),
    );
    expect(c.status, c.text).toBe(201);
    const stored = await admin.complaint(String(c.body.id));
    expect(stored.body.consumer.name).toBe('Z\u00f6e');
    expect(stored.body.description).toBe('Ordered a cr\u00e8me');
  });

  it.each(['a/../../b', 'a..b', '.hidden', 'a/b', '-1', '=cmd', ' x y'])('refuses the id %j in paths and bodies', async (id) => {
    const path = await admin.putJson(`/api/v1/traders/${encodeURIComponent(id)}`, { name: 'Shop', country: 'DE' });
    expect([400, 422], path.text).toContain(path.status);
    expectError(path, path.status);
    expect(detailFields(path)).toEqual(['traderId']);
    const body = await admin.postJson('/api/v1/complaints', validComplaint({ trader: { id, name: 'Shop', country: 'DE' } }));
    expectError(body, 422);
    expect(detailFields(body)).toEqual(['trader.id']);
    const event = await admin.postJson(
      '/api/v1/complaints',
      validComplaint({ events: [{ type: 'adr_body_agreed', at: '2024-03-06T10:00:00Z', adrBodyId: id }] }),
    );
    expectError(event, 422);
    expect(detailFields(event)).toEqual(['events[0].adrBodyId']);
    const token = await admin.postJson('/api/v1/tokens', { role: 'ingest', label: 'feed', source: id });
    expectError(token, 422);
    expect(detailFields(token)).toEqual(['source']);
  });

  it('still accepts the usual id shapes', async () => {
    for (const id of ['T-000042', 'shop.example:42', 'ADR_IT.7', 'x']) {
      const a = await admin.putJson(`/api/v1/traders/${encodeURIComponent(id)}`, { name: 'Shop', country: 'DE' });
      expect([200, 201], a.text).toContain(a.status);
    }
  });
});
