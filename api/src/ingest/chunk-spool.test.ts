import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ChunkSpool } from './chunk-spool.js';

const dir = mkdtempSync(path.join(tmpdir(), 'odr-spool-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(spool: ChunkSpool): Promise<{ text: string; lines: number }[]> {
  const out: { text: string; lines: number }[] = [];
  for await (const c of spool.read()) out.push({ text: c.bytes.toString(), lines: c.lines });
  return out;
}

describe('ChunkSpool', () => {
  it('keeps small batches in memory, copies what it is given, and gives chunks back in order', async () => {
    const spool = new ChunkSpool(path.join(dir, 'small'), 1024);
    const reused = Buffer.from('a,1\n');
    await spool.append(reused, 1);
    reused.write('b,2\n');
    await spool.append(reused, 1);
    expect(await readAll(spool)).toEqual([
      { text: 'a,1\n', lines: 1 },
      { text: 'b,2\n', lines: 1 },
    ]);
    await spool.dispose();
  });

  it('moves to a file beyond its memory limit, keeps the order, and deletes the file on dispose', async () => {
    const sub = path.join(dir, 'large');
    const spool = new ChunkSpool(sub, 100);
    const expected = Array.from({ length: 20 }, (_, i) => ({ text: `${String(i).padStart(2, '0')},${'x'.repeat(i * 7)}\n`, lines: i + 1 }));
    for (const e of expected) await spool.append(Buffer.from(e.text), e.lines);
    expect(spool.chunks).toBe(20);
    expect(readdirSync(sub)).toHaveLength(1);
    expect(await readAll(spool)).toEqual(expected);
    await spool.dispose();
    await spool.dispose();
    expect(readdirSync(sub)).toEqual([]);
  });
});
