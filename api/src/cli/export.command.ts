import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Command } from 'commander';
import { parseOrThrow } from '../openapi/route-docs.js';
import { registryExportQuery, registryFilterShape } from '../registry/registry.dto.js';
import { RegistryExporter } from '../registry/registry.export.js';
import { withAuditNote } from '../audit/audit-note.js';
import { auditCli, out, withStore } from './context.js';

/** `--consumer-country` ↔ `consumerCountry`: the CLI takes the registry's filters by the same names. */
const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export function addExportCommand(program: Command): void {
  const cmd = program
    .command('export')
    .description('write the case registry (with the registry filters) to a file that ingests back unchanged')
    .requiredOption('--format <format>', 'csv, ndjson or parquet')
    .requiredOption('--out <path>', 'file to write');
  for (const name of Object.keys(registryFilterShape)) {
    const description = (registryFilterShape as Record<string, { description?: string }>)[name]?.description ?? name;
    cmd.option(`--${kebab(name)} <value>`, description);
  }
  cmd.action(exportCommand);
}

export async function exportCommand(opts: Record<string, string>): Promise<void> {
  const { out: file, ...query } = opts;
  const q = parseOrThrow(registryExportQuery, query, 400, 'options');
  const { format, ...filters } = q;
  await withStore(async (store, config) => {
    const download = new RegistryExporter(store, config.dataDir).open(format, filters);
    const stream = createWriteStream(file!);
    let bytes = 0;
    // The exporter counts the rows it writes into the note (as for an audited HTTP export).
    const note = { rows: 0 };
    await withAuditNote(note, async () => {
      for await (const chunk of download.chunks) {
        bytes += chunk.length;
        if (!stream.write(chunk)) await once(stream, 'drain');
      }
    });
    stream.end();
    await once(stream, 'finish');
    const { q, ...named } = filters;
    await auditCli(store, {
      action: 'registry.export',
      rows: note.rows,
      detail: { format, filters: { ...named, ...(q !== undefined ? { q: '(text search)' } : {}) } },
    });
    out(`wrote ${file} (${format}, ${note.rows} cases, ${bytes} bytes)`);
  });
}
