/**
 * `odr report adr --body ID --year YYYY [--to-year YYYY] [--format md|csv|json]`: the ADR body
 * activity report (domain.md §4) from the published analytics snapshot. json is the body of
 * GET /api/v1/stats/adr-bodies/{id}/report; md and csv come from analytics/adr-report.format.ts.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { ApiError } from '../common/errors.js';
import { loadConfig } from '../config/config.js';
import { ID_PATTERN, ID_RULE } from '../complaints/complaint.schema.js';
import { adrReportToCsv, adrReportToMarkdown } from '../../../core/adr-report.format.js';
import type { AdrReportQuery } from '../analytics/analytics.dto.js';
import type { AdrReport } from '../../../core/analytics-answers.js';
import { AnalyticsService } from '../analytics/analytics.service.js';
import { AnalyticsNotBuilt, AnalyticsRepository } from '../analytics/analytics.repository.js';
import { NO_SNAPSHOT, withAnalyticsDb } from './context.js';

export const REPORT_FORMATS = ['md', 'csv', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A year as the HTTP API takes it (analytics.dto.ts): four digits, 2000–2100. */
export function yearArg(value: string): number {
  if (!/^\d{4}$/.test(value)) throw new InvalidArgumentError('must be a year such as 2024');
  const y = Number(value);
  if (y < 2000 || y > 2100) throw new InvalidArgumentError('must be a year from 2000 to 2100');
  return y;
}

function adrBodyIdArg(value: string): string {
  if (!ID_PATTERN.test(value)) throw new InvalidArgumentError(`must be an ADR body id: ${ID_RULE}`);
  return value;
}

export function addReportCommand(program: Command): void {
  const report = program.command('report').description('reports from the analytics store (run `odr etl` first)');
  report
    .command('adr')
    .description(
      'the ADR body activity report (Directive 2013/11/EU): one year (Art. 7(2)), or two with --to-year (Art. 19(3)), over the disputes the body received in them',
    )
    .requiredOption('--body <id>', 'the ADR body id', adrBodyIdArg)
    .requiredOption('--year <yyyy>', 'the reporting year (the first of two with --to-year)', yearArg)
    .option('--to-year <yyyy>', 'the last reporting year: --year or the year after it', yearArg)
    .addOption(
      new Option('--format <format>', 'md (readable), csv (one table) or json (as the HTTP API)').choices(REPORT_FORMATS).default('md'),
    )
    .addHelpText('after', '\nExit status: 0 printed; 1 no such body, no snapshot yet (run `odr etl`) or the store is in use; 2 bad usage.')
    .action(reportAdrCommand);
}

interface ReportAdrOptions {
  body: string;
  year: number;
  toYear?: number;
  format: ReportFormat;
}

export async function reportAdrCommand(opts: ReportAdrOptions, cmd: Command): Promise<void> {
  const { body, year, toYear, format } = opts;
  if (toYear !== undefined && toYear !== year && toYear !== year + 1) {
    // Usage error: commander prints it and the CLI exits 2.
    cmd.error(`error: option '--to-year <yyyy>' must be ${year} or ${year + 1}: a report covers one year or two consecutive years`);
  }
  const query: AdrReportQuery = { years: toYear === undefined || toYear === year ? [year] : [year, toYear] };
  const config = loadConfig();
  const report = await withAnalyticsDb(
    config,
    { instead: `Ask it with GET /api/v1/stats/adr-bodies/${encodeURIComponent(body)}/report.`, mustExist: true },
    async (db) => {
      const analytics = new AnalyticsService(new AnalyticsRepository(db));
      try {
        return await analytics.adrReport(body, query);
      } catch (err) {
        if (err instanceof AnalyticsNotBuilt) throw new Error(NO_SNAPSHOT, { cause: err });
        if (err instanceof ApiError && err.statusCode === 404) throw new Error(await unknownBody(analytics, body), { cause: err });
        throw err;
      }
    },
  );
  process.stdout.write(renderAdrReport(report, format));
}

export function renderAdrReport(report: AdrReport, format: ReportFormat): string {
  if (format === 'json') return `${JSON.stringify(report)}\n`;
  if (format === 'csv') return adrReportToCsv(report);
  return adrReportToMarkdown(report);
}

/** "no ADR body "X" …", naming the ones the snapshot knows when they are few. */
async function unknownBody(analytics: AnalyticsService, id: string): Promise<string> {
  const ids = await analytics.adrBodyIds();
  const known = ids.length === 0 ? 'it knows none' : ids.length <= 30 ? `it knows ${ids.join(', ')}` : `it knows ${ids.length}`;
  return `no ADR body "${id}" in the analytics snapshot (${known}; one registered since the last ETL run appears after \`odr etl\`)`;
}
