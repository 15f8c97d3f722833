import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { complaintInput } from '../complaints/complaint.schema.js';
import { PARQUET_UNREADABLE, parquetDamagedAfter, readParquetFile, readParquetUpload } from './parquet-reader.js';
import type { ReaderItem } from './readers.js';

let dir: string;

/** Writes `select` to a Parquet file with DuckDB (the test's own writer, not the export's). */
async function parquet(name: string, select: string): Promise<string> {
  const file = path.join(dir, name);
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`COPY (${select}) TO '${file}' (FORMAT parquet)`);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return file;
}

async function all(it: AsyncIterable<ReaderItem>): Promise<ReaderItem[]> {
  const out: ReaderItem[] = [];
  for await (const i of it) out.push(i);
  return out;
}

async function* chunks(buf: Buffer, size = 1000): AsyncGenerator<Buffer> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'odr-parquet-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readParquetFile', () => {
  it('maps VARCHAR columns the CSV way, NULL = absent, rows numbered from 1', async () => {
    const file = await parquet(
      'plain.parquet',
      `
      SELECT * FROM (VALUES
        ('R-1', '2024-03-05T10:22:00.000Z', 'IT', 'T-1', 'DE', 'airlines', 'delivery', '59.90', 'EUR', 'true', '2024-03-05T11:00:00.000Z'),
        ('R-2', '2024-03-06T10:22:00.000Z', 'EL', NULL, 'UK', 'hotels', 'quality', NULL, NULL, NULL, NULL)
      ) t(external_ref, filed_at, consumer_country, trader_id, trader_country, sector, problem, price_amount, price_currency, ordered_online, sent_to_trader_at)`,
    );
    const items = await all(readParquetFile(file));
    expect(items.map((i) => i.line)).toEqual([1, 2]);
    expect(items[0]!.problems).toEqual([]);
    expect(items[0]!.input).toMatchObject({
      externalRef: 'R-1',
      filedAt: '2024-03-05T10:22:00.000Z',
      price: { amount: '59.90', currency: 'EUR' },
      orderedOnline: true,
      trader: { id: 'T-1', country: 'DE' },
      events: [{ type: 'sent_to_trader', at: '2024-03-05T11:00:00.000Z' }],
    });
    expect(items[1]!.input).toMatchObject({
      externalRef: 'R-2',
      consumer: { country: 'EL' },
      trader: { id: undefined, country: 'UK' },
      price: undefined,
      events: [],
    });
    // trader_id NULL and no trader_name: the schema reports it under the CSV column name.
    const parsed = complaintInput.safeParse(items[1]!.input);
    expect(parsed.success).toBe(false);
    expect(items[1]!.fieldOf!('trader.id')).toBe('trader_id');
  });

  it('reads typed columns as the CSV text: UTC date-times, dates, exact decimals, booleans', async () => {
    const file = await parquet(
      'typed.parquet',
      `
      SELECT 'R-T' AS external_ref, TIMESTAMPTZ '2024-03-05 11:22:00.5+01' AS filed_at, 'FR' AS consumer_country,
             'T-9' AS trader_id, 'FR' AS trader_country, 'hotels' AS sector, 'price' AS problem,
             CAST('1234.50' AS DECIMAL(12,2)) AS price_amount, 'EUR' AS price_currency, DATE '2024-03-01' AS purchased_at,
             false AS contacted_trader, TIMESTAMP '2024-03-05 10:30:00' AS sent_to_trader_at`,
    );
    const [item] = await all(readParquetFile(file));
    expect(item!.problems).toEqual([]);
    expect(item!.input).toMatchObject({
      filedAt: '2024-03-05T10:22:00.500Z',
      price: { amount: '1234.50', currency: 'EUR' },
      purchasedAt: '2024-03-01',
      contactedTrader: false,
      events: [{ type: 'sent_to_trader', at: '2024-03-05T10:30:00.000Z' }],
    });
    expect(complaintInput.safeParse(item!.input).success).toBe(true);
  });

  it('problems of a row name the CSV columns', async () => {
    const file = await parquet(
      'bad-row.parquet',
      `
      SELECT 'R-B' AS external_ref, '2024-03-05T10:22:00Z' AS filed_at, 'IT' AS consumer_country, 'T-1' AS trader_id,
             'DE' AS trader_country, 'hotels' AS sector, 'price' AS problem, 'maybe' AS ordered_online, '2024-03-06T00:00:00Z' AS closed_at`,
    );
    const [item] = await all(readParquetFile(file));
    expect(item!.problems.map((p) => p.field).sort()).toEqual(['closure', 'ordered_online']);
    expect(item!.problems.every((p) => p.line === 1)).toBe(true);
  });

  it('unknown and missing columns are one item naming them', async () => {
    const file = await parquet('cols.parquet', `SELECT 'R' AS external_ref, 'x' AS colour, 'y' AS "size", 'DE' AS trader_country`);
    const items = await all(readParquetFile(file));
    expect(items).toHaveLength(1);
    const messages = items[0]!.problems.map((p) => p.message).join('\n');
    expect(messages).toMatch(/unknown columns "colour", "size"/);
    expect(items[0]!.problems.map((p) => p.field)).toEqual(
      expect.arrayContaining(['colour, size', 'filed_at', 'consumer_country', 'sector', 'problem', 'trader_id']),
    );
  });

  it('a file that is not Parquet is one clear item', async () => {
    const csv = path.join(dir, 'x.parquet');
    await writeFile(csv, 'external_ref,filed_at\nA,2024-01-01T00:00:00Z\n');
    const items = await all(readParquetFile(csv));
    expect(items).toHaveLength(1);
    expect(items[0]!.problems[0]).toMatchObject({ field: '(file)' });
    expect(items[0]!.problems[0]!.message).toMatch(/^not a Parquet file/);

    const fake = path.join(dir, 'fake.parquet');
    await writeFile(fake, Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(64, 7), Buffer.from('PAR1')]));
    const [bad] = await all(readParquetFile(fake));
    expect(bad!.problems[0]!.message).toBe(PARQUET_UNREADABLE);
    expect(bad!.problems[0]!.message).not.toContain(dir);
  });

  it("a damaged file is answered with a fixed message, never DuckDB's own", async () => {
    const good = await parquet(
      'damaged.parquet',
      `select 'R-' || i as external_ref, '2024-01-01T00:00:00Z' as filed_at, 'IT' as consumer_country, 'DE' as trader_country, 'T1' as trader_id, 'clothing_footwear' as sector, 'delivery' as problem, repeat('d', 200) || i as description from range(20000) t(i)`,
    );
    const bytes = await readFile(good);
    const fixed = [PARQUET_UNREADABLE, ...Array.from({ length: 20001 }, (_, i) => parquetDamagedAfter(i))];
    // Damage in the footer's metadata, then in the data pages.
    for (const [at, name] of [
      [bytes.length - 40, 'footer'],
      [Math.floor(bytes.length / 3), 'data'],
    ] as const) {
      const damaged = Buffer.from(bytes);
      damaged.fill(0xff, at, at + 24);
      const file = path.join(dir, `damaged-${name}.parquet`);
      await writeFile(file, damaged);
      const items = await all(readParquetFile(file));
      const problems = items.flatMap((i) => i.problems).filter((p) => p.field === '(file)');
      expect(problems, name).toHaveLength(1);
      expect(fixed, name).toContain(problems[0]!.message);
    }
  });
});

describe('readParquetUpload', () => {
  it('spools the body under DATA_DIR/tmp, reads it, then deletes it', async () => {
    const dataDir = await mkdtemp(path.join(dir, 'data-'));
    const file = await parquet(
      'upload.parquet',
      `
      SELECT 'U-' || i AS external_ref, '2024-03-05T10:22:00Z' AS filed_at, 'IT' AS consumer_country, 'T-1' AS trader_id,
             'DE' AS trader_country, 'hotels' AS sector, 'price' AS problem FROM range(5000) r(i)`,
    );
    const { readFile } = await import('node:fs/promises');
    const items = await readParquetUpload(chunks(await readFile(file), 4096), dataDir);
    expect(await readdir(path.join(dataDir, 'tmp'))).toHaveLength(1);
    const read = await all(items);
    expect(read).toHaveLength(5000);
    expect(read.at(-1)!.line).toBe(5000);
    expect(read.every((i) => i.problems.length === 0)).toBe(true);
    expect(await readdir(path.join(dataDir, 'tmp'))).toEqual([]);
  });

  it('deletes the spooled file when the body fails, and when reading stops early', async () => {
    const dataDir = await mkdtemp(path.join(dir, 'data-'));
    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from('PAR1');
      throw new Error('client went away');
    }
    await expect(readParquetUpload(failing(), dataDir)).rejects.toThrow('client went away');
    expect(await readdir(path.join(dataDir, 'tmp'))).toEqual([]);

    const file = await parquet(
      'early.parquet',
      `SELECT 'E' AS external_ref, '2024-03-05T10:22:00Z' AS filed_at, 'IT' AS consumer_country, 'T' AS trader_id, 'DE' AS trader_country, 'hotels' AS sector, 'price' AS problem FROM range(10)`,
    );
    const { readFile } = await import('node:fs/promises');
    const items = await readParquetUpload(chunks(await readFile(file)), dataDir);
    for await (const _ of items) break;
    expect(await readdir(path.join(dataDir, 'tmp'))).toEqual([]);
  });
});
