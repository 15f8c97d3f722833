import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { loadReferenceData } from '../demo/demo-seed.js';
import { IngestService, ingestSettingsOf } from '../ingest/ingest.service.js';
import { readParquetFile } from '../ingest/parquet-reader.js';
import { readCsv, readNdjson, type IngestFormat } from '../ingest/readers.js';
import { auditCli, CLI_ACTOR, out, withStore } from './context.js';
import { progressBar } from './progress.js';

const BY_EXTENSION: Record<string, IngestFormat> = { '.csv': 'csv', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.parquet': 'parquet' };

export function formatOf(file: string, given?: string): IngestFormat {
  if (given) {
    if (given === 'csv' || given === 'ndjson' || given === 'parquet') return given;
    throw new Error(`unknown format "${given}": use csv, ndjson or parquet`);
  }
  const f = BY_EXTENSION[path.extname(file).toLowerCase()];
  if (!f) throw new Error(`cannot tell the format of ${file} from its extension: pass --format csv|ndjson|parquet`);
  return f;
}

export async function ingestCommand(files: string[], opts: { format?: string; source: string; reference?: string }): Promise<void> {
  const formats = files.map((f) => formatOf(f, opts.format));
  for (const f of files)
    await stat(f).catch(() => {
      throw new Error(`cannot read ${f}: no such file`);
    });
  await withStore(async (store, config) => {
    if (opts.reference) {
      await loadReferenceData(store, JSON.parse(await readFile(opts.reference, 'utf8')));
      out(`reference data loaded from ${opts.reference}`);
    }
    const ingest = new IngestService(store, ingestSettingsOf(config));
    for (const [i, file] of files.entries()) {
      const format = formats[i]!;
      const size = (await stat(file)).size;
      const bar = progressBar(size, 'bytes');
      const stream = createReadStream(file);
      // Counts bytes as the reader pulls them (a 'data' listener would start the flow early).
      async function* counted(): AsyncGenerator<Buffer> {
        let read = 0;
        for await (const chunk of stream) {
          bar.update((read += (chunk as Buffer).length));
          yield chunk as Buffer;
        }
      }
      const items =
        format === 'csv'
          ? readCsv(counted(), { maxLineBytes: config.bulkMaxLineBytes })
          : format === 'ndjson'
            ? readNdjson(counted(), { maxLineBytes: config.bulkMaxLineBytes })
            : readParquetFile(file);
      try {
        const r = await ingest.ingest({ items, format, defaultSource: opts.source, caller: CLI_ACTOR });
        bar.stop();
        await auditCli(store, {
          action: 'complaints.bulk',
          target: r.batchId,
          rows: r.inserted + r.updated,
          detail: {
            format,
            file: path.basename(file),
            received: r.received,
            inserted: r.inserted,
            updated: r.updated,
            duplicates: r.duplicates,
          },
        });
        out(
          `${file}: received ${r.received}, inserted ${r.inserted}, updated ${r.updated}, duplicates ${r.duplicates}, rejected 0 (batch ${r.batchId})`,
        );
      } catch (err) {
        bar.stop();
        stream.destroy();
        const rejected = (err as { extra?: { rejected?: number } }).extra?.rejected;
        if (rejected !== undefined) out(`${file}: rejected ${rejected} problem(s); nothing from this file was stored`);
        throw err;
      }
    }
  });
}
