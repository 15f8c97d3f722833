import 'reflect-metadata';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';
import { TokenService } from '../access/token.service.js';
import { ROLES } from '../access/roles.js';
import { createTestStore, type TestStore } from '../../../test/support/store.js';
import { loadReferenceData } from './demo-seed.js';
import { DEMO_TOKENS_FILE, DemoTokens } from './demo-tokens.js';

describe('demo tokens', () => {
  let t: TestStore;
  let dataDir: string;
  beforeAll(async () => {
    t = await createTestStore();
    dataDir = mkdtempSync(path.join(tmpdir(), 'odr-demo-tokens-'));
    await loadReferenceData(t.store, {
      traders: [{ id: 'T-1', name: 'Shop', country: 'DE', website: null, sector: null }],
      adrBodies: [{ id: 'ADR-1', name: 'Body', country: 'IT', sectors: [] }],
    } as never);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const config = (demo: boolean) => loadConfig({ DEMO: String(demo), DATA_DIR: dataDir });

  it('are issued per role in demo mode, kept private, and reused by the next start', async () => {
    const first = await new DemoTokens(config(true), t.store, new TokenService(t.store, undefined)).ensure();
    // No complaints here: no trader or ADR body with cases to bind to, so those two are left out.
    expect(first.map((d) => d.role)).toEqual(ROLES.filter((r) => r !== 'trader' && r !== 'adr_body'));
    expect(first.find((d) => d.role === 'ingest')?.source).toBe('demo');
    expect(statSync(path.join(dataDir, DEMO_TOKENS_FILE)).mode & 0o777).toBe(0o600);
    const again = await new DemoTokens(config(true), t.store, new TokenService(t.store, undefined)).ensure();
    expect(again).toEqual(first);
    const tokens = new TokenService(t.store, undefined);
    for (const d of again) expect((await tokens.resolve(d.token))?.role).toBe(d.role);
  });

  it('a revoked demo token is replaced on the next start', async () => {
    const tokens = new TokenService(t.store, undefined);
    const before = await new DemoTokens(config(true), t.store, tokens).ensure();
    const reg = before.find((d) => d.role === 'regulator')!;
    const info = (await tokens.list()).find((i) => i.role === 'regulator' && !i.revokedAt)!;
    await tokens.revoke(info.id);
    const after = await new DemoTokens(config(true), t.store, new TokenService(t.store, undefined)).ensure();
    expect(after.find((d) => d.role === 'regulator')!.token).not.toBe(reg.token);
  });

  it('never exist outside demo mode', async () => {
    const demo = new DemoTokens(config(false), t.store, new TokenService(t.store, undefined));
    await expect(demo.ensure()).rejects.toThrow(/only in demo mode/);
    expect(demo.list()).toBeUndefined();
  });
});
