/**
 * The report's CSV through the CLI's own formatter (`odr report adr --format csv`), so the
 * dashboard and the CLI give the same file. The formatter and csv-stringify (its browser build,
 * aliased in dashboard/vite.config.ts) are imported on first use: a lazy chunk, not the main bundle.
 */
import type { AdrReport } from './adr.js';

export async function reportCsv(report: AdrReport): Promise<string> {
  const { adrReportToCsv } = await import('../../../api/src/analytics/adr-report.format.js');
  return adrReportToCsv(report);
}
