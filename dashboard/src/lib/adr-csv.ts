/**
 * The report's CSV through the CLI's own formatter (`odr report adr --format csv`), so the
 * dashboard and the CLI give the same file. The formatter (core/adr-report.format.ts) is imported
 * on first use: a lazy chunk, not the main bundle.
 */
import type { AdrReport } from './adr.js';

export async function reportCsv(report: AdrReport): Promise<string> {
  const { adrReportToCsv } = await import('../../../core/adr-report.format.js');
  return adrReportToCsv(report);
}
