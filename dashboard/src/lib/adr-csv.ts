/**
 * The report's CSV through the CLI's own formatter (`odr report adr --format csv`), so the
 * dashboard and the CLI give the same file. The formatter and csv-stringify are imported on first
 * use: a lazy chunk, not the main bundle.
 *
 * csv-stringify's `sync` entry is its Node build: at load it calls `Buffer.from` (a UTF-8 BOM we
 * never ask for) and its option checks call `Buffer.isBuffer`. Browsers have no `Buffer`, so for
 * the load and the call a two-function stand-in is put on globalThis and removed afterwards (only
 * if there was none). A Vite alias `csv-stringify/sync` → `csv-stringify/browser/esm/sync` in
 * dashboard/vite.config.ts would make this unnecessary.
 */
import type { AdrReport } from './adr.js';

const BUFFER_STANDIN = {
  from: (bytes: ArrayLike<number>): Uint8Array => Uint8Array.from(bytes),
  isBuffer: (): boolean => false,
};

export async function reportCsv(report: AdrReport): Promise<string> {
  const g = globalThis as { Buffer?: unknown };
  const added = g.Buffer === undefined;
  if (added) g.Buffer = BUFFER_STANDIN;
  try {
    const { adrReportToCsv } = await import('../../../api/src/analytics/adr-report.format.js');
    return adrReportToCsv(report);
  } finally {
    if (added) delete g.Buffer;
  }
}
