import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { stringify } from 'csv-stringify/sync';
import { generateDemo } from '../../../fixtures/generator.js';
import { CSV_COLUMNS, complaintToCsvRecord, spreadsheetSafeRecord } from '../complaints/formats/csv-columns.js';
import { DEMO_YEARS, seedDemo, startOfUtcDay } from '../demo/demo-seed.js';
import { out, withStore } from './context.js';
import { progressBar } from './progress.js';

export async function seedCommand(opts: { complaints: number; seed: number; out?: string }): Promise<void> {
  if (opts.out) return writeSeedFile(opts.out, opts.complaints, opts.seed);
  await withStore(async (store, config) => {
    const bar = progressBar(opts.complaints, 'complaints');
    const r = await seedDemo(store, config, { complaints: opts.complaints, seed: opts.seed, onProgress: (n) => bar.update(n) });
    bar.stop();
    out(`seeded ${r.adrBodies} ADR bodies, ${r.traders} traders, ${r.inserted} complaints (${r.duplicates} already there)`);
  });
}

async function writeSeedFile(file: string, complaints: number, seed: number): Promise<void> {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.csv' && ext !== '.ndjson' && ext !== '.jsonl') throw new Error(`--out must end in .ndjson, .jsonl or .csv (got ${file})`);
  const data = generateDemo({ complaints, seed, now: startOfUtcDay(), years: DEMO_YEARS });
  const stream = createWriteStream(file);
  const write = async (text: string) => {
    if (!stream.write(text)) await once(stream, 'drain');
  };
  const bar = progressBar(complaints, 'complaints');
  let n = 0;
  if (ext === '.csv') await write(stringify([CSV_COLUMNS as unknown as string[]]));
  for (const c of data.complaints()) {
    if (ext === '.csv')
      await write(
        stringify([spreadsheetSafeRecord(complaintToCsvRecord({ ...c, events: c.events ?? [] }))], {
          columns: CSV_COLUMNS as unknown as string[],
        }),
      );
    else await write(`${JSON.stringify(c)}\n`);
    if (++n % 10_000 === 0) bar.update(n);
  }
  stream.end();
  await once(stream, 'finish');
  bar.stop();
  const reference = `${file}.reference.json`;
  await writeFile(reference, JSON.stringify({ traders: data.traders, adrBodies: data.adrBodies }, null, 1));
  out(`wrote ${n} complaints to ${file} and reference data to ${reference} (load both with: odr ingest ${file} --reference ${reference})`);
}
