import { describe, expect, it } from 'vitest';
import { ApiError } from '../common/errors.js';
import { readCsv, readNdjson, type ReaderItem } from './readers.js';

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function all(items: AsyncIterable<ReaderItem>): Promise<ReaderItem[]> {
  const out: ReaderItem[] = [];
  for await (const it of items) out.push(it);
  return out;
}

describe('readNdjson', () => {
  it('cuts lines across chunks of any size, multi-byte characters included, and numbers them', async () => {
    const objects = [{ a: 'zoë — ü' }, { b: '日本語'.repeat(50) }, { c: 1 }];
    const text = `${JSON.stringify(objects[0])}\r\n\n${JSON.stringify(objects[1])}\n${JSON.stringify(objects[2])}`;
    for (const size of [1, 2, 3, 7, 64, 1 << 16]) {
      const items = await all(readNdjson(chunked(Buffer.from(text), size)));
      expect(
        items.map((i) => i.input),
        `chunks of ${size}`,
      ).toEqual(objects);
      expect(items.map((i) => i.line)).toEqual([1, 3, 4]);
    }
  });

  it('reads one 30 MB line in linear time (each chunk searched once)', async () => {
    const big = JSON.stringify({ description: 'x'.repeat(30 * 1024 * 1024) });
    const body = Buffer.from(`{"a":1}\n${big}\n`);
    const t0 = performance.now();
    const items = await all(readNdjson(chunked(body, 1 << 16)));
    const ms = performance.now() - t0;
    expect(items).toHaveLength(2);
    expect((items[1]!.input as { description: string }).description.length).toBe(30 * 1024 * 1024);
    expect(ms).toBeLessThan(2000);
  });

  it('refuses a line longer than maxLineBytes with 413 naming it, as soon as it gets that long', async () => {
    const max = 1024;
    let read = 0;
    async function* source(): AsyncGenerator<Buffer> {
      for await (const c of chunked(Buffer.from(`{"a":1}\n{"b":2}\n{"c":"${'y'.repeat(1 << 20)}"}\n`), 256)) {
        read += c.length;
        yield c;
      }
    }
    const err = await all(readNdjson(source(), { maxLineBytes: max })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    const api = err as ApiError;
    expect(api.statusCode).toBe(413);
    expect(api.message).toMatch(/line 3 .*1 KB/);
    expect(api.details).toEqual([{ line: 3, field: '(line)', message: expect.stringMatching(/line 3/) }]);
    expect(read).toBeLessThan(16 + max + 2 * 256);
  });

  it('accepts a line of exactly maxLineBytes, also as the last line without a newline', async () => {
    const line = JSON.stringify({ d: 'z'.repeat(100) });
    const max = Buffer.byteLength(line);
    expect(await all(readNdjson(chunked(Buffer.from(`${line}\n${line}`), 7), { maxLineBytes: max }))).toHaveLength(2);
    await expect(all(readNdjson(chunked(Buffer.from(`${line} \n`), 7), { maxLineBytes: max }))).rejects.toMatchObject({ statusCode: 413 });
  });
});

describe('readCsv', () => {
  it('refuses a record longer than maxLineBytes with 413 naming its line', async () => {
    const text = `external_ref,filed_at,consumer_country,trader_country,trader_id,sector,problem,description\nR1,2024-01-01T00:00:00Z,IT,DE,T1,clothing_footwear,delivery,short\nR2,2024-01-01T00:00:00Z,IT,DE,T1,clothing_footwear,delivery,"${'z'.repeat(5000)}"\n`;
    const err = await all(readCsv(chunked(Buffer.from(text), 512), { maxLineBytes: 1024 })).catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 413, details: [{ line: 3, field: '(line)' }] });
  });
});
