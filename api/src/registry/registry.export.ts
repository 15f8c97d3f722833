/**
 * Registry exports (contract "Case registry"): the cases matching the registry's filters in the
 * ingest formats, so an export ingests back unchanged — CSV with the contract's columns (one
 * milestone per step), NDJSON in the ingest JSON shape (the whole non-voided event log), Parquet
 * with the CSV columns. Cases are read in keyset pages of (filed_at, id), oldest first, with the
 * events of a page in one query: memory stays bounded by a page whatever the export's size, on
 * PostgreSQL and PGlite alike, and no connection is held between pages.
 */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { stringify } from 'csv-stringify/sync';
import { toComplaintInput, type ExportedComplaint } from '../complaints/formats/complaint-json.js';
import { complaintToCsvRecord, CSV_COLUMNS, spreadsheetSafeRecord } from '../complaints/formats/csv-columns.js';
import type { Store } from '../../../core/postgres/store.js';
import { auditNote } from '../audit/audit-note.js';
import { maskExported, UNRESTRICTED, type Scope } from '../access/scope.js';
import { writeParquet } from './parquet-writer.js';
import type { ExportFormat, RegistryFilters } from './registry.dto.js';
import { RegistryRepository, type ExportEvent, type Keyset } from './registry.repository.js';
import { checkRange, filterContext } from './registry.service.js';
import { tempDirOf, tempFile } from '../../../core/paths.js';

export const EXPORT_PAGE_SIZE = 1000;

export const EXPORT_TYPES: Readonly<Record<ExportFormat, { contentType: string; extension: string }>> = {
  csv: { contentType: 'text/csv; charset=utf-8', extension: 'csv' },
  ndjson: { contentType: 'application/x-ndjson; charset=utf-8', extension: 'ndjson' },
  parquet: { contentType: 'application/vnd.apache.parquet', extension: 'parquet' },
};

export interface ExportDownload {
  format: ExportFormat;
  contentType: string;
  fileName: string;
  /** The file's bytes; nothing is read from the store until the first chunk is asked for. */
  chunks: AsyncGenerator<string | Buffer>;
}

const FILTER_ORDER = [
  'status',
  'stage',
  'closure',
  'overdue',
  'consumerCountry',
  'traderCountry',
  'sector',
  'problem',
  'traderId',
  'adrBodyId',
  'crossBorder',
  'source',
  'from',
  'to',
  'externalRef',
  'q',
] as const satisfies readonly (keyof RegistryFilters)[];

/** Letters, digits and `.-+` only; anything else becomes `-`. */
const safe = (s: string) => s.replace(/[^A-Za-z0-9.+-]+/g, '-').replace(/^-+|-+$/g, '');

/**
 * `complaints_<filters>_<UTC time>.<ext>`, filesystem-safe on every OS:
 * e.g. `complaints_stage-filed+with_trader_consumerCountry-DE+FR_20240305T102200Z.csv`
 * (`all` when unfiltered). Long filter lists are clipped.
 */
export function exportFileName(f: RegistryFilters, format: ExportFormat, now: Date): string {
  const parts: string[] = [];
  for (const key of FILTER_ORDER) {
    const v = f[key];
    if (v === undefined) continue;
    const text = Array.isArray(v)
      ? v.map((x) => safe(String(x))).join('+')
      : safe(
          key === 'from' || key === 'to'
            ? String(v)
                .replace(/T00:00:00Z$/, '')
                .replace(/[:]/g, '')
            : String(v),
        );
    parts.push(`${key}-${text.slice(0, 60)}`);
  }
  let filters = parts.join('_') || 'all';
  if (filters.length > 150) filters = filters.slice(0, 150).replace(/[-_+.]+$/, '');
  const stamp = now
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
  return `complaints_${filters}_${stamp}.${EXPORT_TYPES[format].extension}`;
}

export class RegistryExporter {
  constructor(
    private readonly store: Store,
    /** DATA_DIR: Parquet is assembled under its tmp/ folder. */
    private readonly dataDir: string,
    private readonly opts: { pageSize?: number; searchDescription?: boolean } = {},
  ) {}

  /** The matching cases inside `scope` in the ingest JSON shape, masked as it says, a page at a time, oldest first. */
  async *complaints(f: RegistryFilters, now: Date = new Date(), scope: Scope = UNRESTRICTED): AsyncGenerator<ExportedComplaint[]> {
    checkRange(f);
    const limit = this.opts.pageSize ?? EXPORT_PAGE_SIZE;
    const repo = new RegistryRepository(this.store.db);
    const ctx = await filterContext(repo, f, now, this.opts.searchDescription ?? true, scope);
    // The audit log's row count of this export (a no-op outside an audited request).
    const note = auditNote();
    let after: Keyset | undefined;
    for (;;) {
      const rows = await repo.exportPage(f, ctx, { after, limit });
      if (rows.length === 0) return;
      const byCase = new Map<string, ExportEvent[]>();
      for (const e of await repo.events(rows.map((r) => r.id))) {
        const list = byCase.get(e.complaint_id);
        if (list) list.push(e);
        else byCase.set(e.complaint_id, [e]);
      }
      if (note) note.rows += rows.length;
      yield rows.map((r) => maskExported(scope, toComplaintInput(r, byCase.get(r.id) ?? [])));
      if (rows.length < limit) return;
      const last = rows.at(-1)!;
      after = { filedAt: last.filed_key, id: last.id };
    }
  }

  /** Header row, then one row per case (RFC 4180, `\n` line ends, quoted where needed; no text cell starts a formula). */
  async *csv(f: RegistryFilters, now?: Date, scope?: Scope): AsyncGenerator<string> {
    let text = stringify([[...CSV_COLUMNS]]);
    for await (const page of this.complaints(f, now, scope)) {
      text += stringify(
        page.map((c) => spreadsheetSafeRecord(complaintToCsvRecord(c))),
        { columns: [...CSV_COLUMNS] },
      );
      yield text;
      text = '';
    }
    if (text) yield text;
  }

  /** One complaint per line, exactly the ingest shape. */
  async *ndjson(f: RegistryFilters, now?: Date, scope?: Scope): AsyncGenerator<string> {
    let any = false;
    for await (const page of this.complaints(f, now, scope)) {
      any = true;
      yield page.map((c) => `${JSON.stringify(c)}\n`).join('');
    }
    if (!any) yield '';
  }

  /** The complaints as CSV records, page by page (the Parquet file's rows). */
  private async *csvRecords(f: RegistryFilters, now?: Date, scope?: Scope) {
    for await (const page of this.complaints(f, now, scope)) yield page.map(complaintToCsvRecord);
  }

  /** Builds the Parquet file under DATA_DIR/tmp, streams it, deletes it (also when abandoned). */
  async *parquet(f: RegistryFilters, now?: Date, scope?: Scope): AsyncGenerator<Buffer> {
    const dir = tempDirOf(this.dataDir);
    const file = await tempFile(dir, 'export', '.parquet');
    try {
      await writeParquet(file, this.csvRecords(f, now, scope), dir);
      for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) yield chunk as Buffer;
    } finally {
      await rm(file, { force: true });
    }
  }

  open(format: ExportFormat, f: RegistryFilters, now: Date = new Date(), scope: Scope = UNRESTRICTED): ExportDownload {
    const chunks =
      format === 'csv' ? this.csv(f, now, scope) : format === 'ndjson' ? this.ndjson(f, now, scope) : this.parquet(f, now, scope);
    return { format, contentType: EXPORT_TYPES[format].contentType, fileName: exportFileName(f, format, now), chunks };
  }
}
