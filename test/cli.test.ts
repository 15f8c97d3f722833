/** The `odr` command, run in-process on a real store: help, errors and exit codes, seed, ingest. */
import 'reflect-metadata';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '../api/src/cli/program.js';
import { openStore } from '../core/postgres/store.js';
import { createTestStore, onRealPostgres, type TestStore } from './support/store.js';

/** Runs `odr …args` capturing stdout and stderr. */
async function odr(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((err += String(s)), true));
  try {
    const code = await run(['node', 'odr', ...args]);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}

describe('odr CLI', () => {
  let dir: string;
  let pg: TestStore | undefined;
  const saved = { ...process.env };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'odr-cli-'));
    process.env.DATA_DIR = dir;
    delete process.env.DATABASE_URL;
    if (onRealPostgres) {
      // An empty, unmigrated database on the server: the CLI migrates it itself.
      pg = await createTestStore();
      await pg.store.close();
      process.env.DATABASE_URL = pg.url!;
    }
  });
  afterAll(async () => {
    process.env = saved;
    await rm(dir, { recursive: true, force: true });
    if (pg) await pg.close().catch(() => {});
  });

  it('prints help and exits 0; unknown commands and bad options exit non-zero with a message', async () => {
    const help = await odr('--help');
    expect(help.code).toBe(0);
    for (const c of ['migrate', 'seed', 'ingest', 'export']) expect(help.out).toContain(c);
    const unknown = await odr('frobnicate');
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toMatch(/unknown command/);
    const bad = await odr('seed', '--complaints', 'many');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/positive whole number/);
    const missing = await odr('ingest', path.join(dir, 'nope.ndjson'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/no such file/);
    const format = await odr('ingest', path.join(dir, 'file.txt'));
    expect(format.code).not.toBe(0);
    expect(format.err).toMatch(/--format/);
  });

  it('migrates, then says the schema is up to date', async () => {
    const first = await odr('migrate');
    expect(first.code).toBe(0);
    const second = await odr('migrate');
    expect(second.code).toBe(0);
    expect(second.out).toContain('up to date');
  });

  it('writes a deterministic seed file and loads it with its reference data; a re-run inserts nothing', async () => {
    const a = path.join(dir, 'a.ndjson');
    const b = path.join(dir, 'b.ndjson');
    expect((await odr('seed', '--complaints', '300', '--seed', '7', '--out', a)).code).toBe(0);
    expect((await odr('seed', '--complaints', '300', '--seed', '7', '--out', b)).code).toBe(0);
    const text = await readFile(a, 'utf8');
    expect(text).toBe(await readFile(b, 'utf8'));
    expect(text.trim().split('\n')).toHaveLength(300);

    const first = await odr('ingest', a, '--reference', `${a}.reference.json`);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/received 300, inserted 300, updated 0, duplicates 0, rejected 0/);
    const again = await odr('ingest', a);
    expect(again.out).toMatch(/received 300, inserted 0, updated 0, duplicates 300/);
  });

  it('a CSV seed file ingests to the same cases as the NDJSON one', async () => {
    const csv = path.join(dir, 'a.csv');
    expect((await odr('seed', '--complaints', '300', '--seed', '7', '--out', csv)).code).toBe(0);
    // Same source and references as a.ndjson, already stored: every line is a duplicate.
    const r = await odr('ingest', csv);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/received 300, inserted 0, updated 0, duplicates 300/);
  });

  it('exports the registry with filters to a file that ingests back as duplicates', async () => {
    const file = path.join(dir, 'export.ndjson');
    const r = await odr('export', '--format', 'ndjson', '--out', file, '--source', 'demo');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = (await readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(300);
    const again = await odr('ingest', file);
    expect(again.out).toMatch(/received 300, inserted 0, updated 0, duplicates 300/);
    const filtered = path.join(dir, 'it.csv');
    expect((await odr('export', '--format', 'csv', '--out', filtered, '--consumer-country', 'IT')).code).toBe(0);
    const rows = (await readFile(filtered, 'utf8')).trim().split('\n').slice(1);
    const all = lines.map((l) => JSON.parse(l) as { consumer: { country: string } });
    expect(rows).toHaveLength(all.filter((c) => c.consumer.country === 'IT').length);
    const bad = await odr('export', '--format', 'xml', '--out', filtered);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/format/);
  });

  it('audits its loads and exports as the CLI, with the rows they moved', async () => {
    const store = await openStore({ databaseUrl: process.env.DATABASE_URL, dataDir: dir });
    try {
      const rows = await store.db.selectFrom('audit_log').select(['actor', 'role', 'action', 'rows', 'token_id']).orderBy('id').execute();
      const exports = rows.filter((r) => r.action === 'registry.export');
      const loads = rows.filter((r) => r.action === 'complaints.bulk');
      expect(rows.every((r) => r.role === 'cli' && r.token_id === null && r.actor.startsWith('cli ('))).toBe(true);
      // The seed load (300 inserted), then re-sends that wrote nothing; the exports: all 300, then Italy's.
      expect(loads.map((r) => Number(r.rows))).toEqual([300, 0, 0, 0]);
      expect(exports.map((r) => Number(r.rows))[0]).toBe(300);
      expect(exports).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  it('refuses a bad file as a whole, printing line and field, and exits 1', async () => {
    const bad = path.join(dir, 'bad.ndjson');
    const good = {
      externalRef: 'CLI-1',
      filedAt: '2024-01-01T00:00:00Z',
      consumer: { country: 'IT' },
      trader: { id: 'T-CLI', name: 'Cli Srl', country: 'IT' },
      sector: 'airlines',
      problem: 'delivery',
    };
    await writeFile(bad, `${JSON.stringify(good)}\n${JSON.stringify({ ...good, externalRef: 'CLI-2', consumer: { country: 'ZZ' } })}\n`);
    const r = await odr('ingest', bad);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/line 2, consumer\.country: unknown country "ZZ"/);
    expect(r.out).toMatch(/nothing from this file was stored/);
    const store = await openStore({ databaseUrl: process.env.DATABASE_URL, dataDir: dir });
    try {
      const found = await store.db.selectFrom('complaints').select('id').where('external_ref', 'in', ['CLI-1', 'CLI-2']).execute();
      expect(found).toHaveLength(0);
    } finally {
      await store.close();
    }
  });
});
