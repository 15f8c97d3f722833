/**
 * The ADR body activity report (domain.md §4) as Markdown for people and as one tidy CSV table for
 * spreadsheets. Pure functions of the report object the API answers, so the CLI, the HTTP API and
 * the dashboard can all render the same figures. A ratio over an empty set is `null`: Markdown shows
 * it as "—", CSV as an empty cell; never NaN. CSV numbers are unrounded, Markdown ones are rounded
 * for reading.
 */
import { csvText } from './csv-text.js';
import { spreadsheetSafe } from './spreadsheet-cell.js';
import type { AdrReport } from './analytics-answers.js';

type Named = AdrReport['byProblem'][number];

// ---- Markdown --------------------------------------------------------------------------------

export const NONE = '—';

/** 1234 → "1,234". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-GB', { maximumFractionDigits: 0 });
}

/** 0.1234 → "12.3 %"; null (or anything not finite) → "—". */
export function formatShare(share: number | null): string {
  if (share === null || !Number.isFinite(share)) return NONE;
  return `${(share * 100).toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;
}

/** 45.678 → "45.7 days"; null → "—". */
export function formatDays(days: number | null): string {
  if (days === null || !Number.isFinite(days)) return NONE;
  return `${days.toLocaleString('en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} days`;
}

/** "2024" or "2023–2024". */
export function formatYears(years: readonly number[]): string {
  if (years.length === 0) return NONE;
  const first = years[0]!;
  const last = years[years.length - 1]!;
  return first === last ? String(first) : `${first}–${last}`;
}

/** '2026-11-24T19:45:12.345Z' → '2026-11-24 19:45 UTC' (unparseable stamps are shown as given). */
export function formatStamp(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

/** Text that is safe inside a Markdown table cell or a line of prose. */
export function mdText(s: string): string {
  return s.replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`).replace(/\s*\n\s*/g, ' ');
}

/** Codes without a label of their own (ADR results): 'in_favour_of_consumer' → 'In favour of consumer'. */
function readableLabel(n: Pick<Named, 'code' | 'label'>): string {
  if (n.label !== n.code) return n.label;
  const words = n.code.replace(/_/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function table(header: readonly string[], align: readonly ('l' | 'r')[], rows: readonly (readonly string[])[]): string[] {
  if (rows.length === 0) return ['_None._'];
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(align.map((a) => (a === 'r' ? '---:' : '---'))), ...rows.map(line)];
}

function namedTable(what: string, items: readonly Named[], shareOf: string, opts: { showCode?: boolean; rank?: boolean } = {}): string[] {
  const header = [...(opts.rank ? ['#'] : []), what, ...(opts.showCode ? ['Code'] : []), 'Disputes', `Share of ${shareOf}`];
  const align: ('l' | 'r')[] = [...(opts.rank ? ['r' as const] : []), 'l', ...(opts.showCode ? ['l' as const] : []), 'r', 'r'];
  return table(
    header,
    align,
    items.map((n, i) => [
      ...(opts.rank ? [String(i + 1)] : []),
      mdText(readableLabel(n)),
      ...(opts.showCode ? [`\`${n.code.replace(/`/g, '')}\``] : []),
      formatCount(n.count),
      formatShare(n.share),
    ]),
  );
}

const ratio = (n: number, d: number): number | null => (d === 0 ? null : n / d);

/** The report as a Markdown document: a title naming the body, the years and the basis, then one section per item. */
export function adrReportToMarkdown(r: AdrReport): string {
  const body = r.adrBody;
  const who = body.name
    ? `${mdText(body.name)} (${mdText(body.id)}${body.country ? `, ${mdText(body.country)}` : ''})`
    : `${mdText(body.id)}${body.country ? ` (${mdText(body.country)})` : ''}`;
  const years = formatYears(r.years);
  const L: string[] = [];
  const section = (title: string, ...lines: string[]) => L.push('', `## ${title}`, '', ...lines);

  L.push(`# ADR body activity report ${years}: ${who}`, '');
  L.push(`- **ADR body:** ${who}`);
  L.push(`- **${r.years.length > 1 ? 'Reporting years' : 'Reporting year'}:** ${years}`);
  L.push(`- **Legal basis:** ${mdText(r.basis)}`);
  L.push(
    `- **Data as of:** ${formatStamp(r.asOf.finishedAt)} (ETL run ${r.asOf.etlRunId}${r.asOf.complaints === undefined ? '' : `, ${formatCount(r.asOf.complaints)} complaints in the snapshot`})`,
  );
  L.push('', `Counted: the disputes the body received (\`adr_body_agreed\`) in ${years}, whatever happened to them later.`);

  section(
    'Disputes received',
    ...table(
      ['', 'Disputes', 'Share of received'],
      ['l', 'r', 'r'],
      [
        ['Received', formatCount(r.received), r.received > 0 ? formatShare(1) : NONE],
        ['Domestic', formatCount(r.domestic), formatShare(ratio(r.domestic, r.received))],
        ['Cross-border', formatCount(r.crossBorder), formatShare(ratio(r.crossBorder, r.received))],
      ],
    ),
  );
  section('By type of complaint', ...namedTable('Type of complaint', r.byProblem, 'received'));
  section('By sector', ...namedTable('Sector', r.bySector, 'received'));
  section(
    'Refused disputes',
    `Refused: **${formatCount(r.refused)}**; refusal rate (refused of accepted + refused): **${formatShare(r.refusalRate)}**.`,
    '',
    ...namedTable(
      'Ground (Art. 5(4))',
      r.refusalGrounds.map((g) => ({ ...g, label: `(${g.code}) ${g.label}` })),
      'refusals',
    ),
  );
  section(
    'Outcomes',
    `Concluded with an outcome: **${formatCount(r.outcomes)}**.`,
    '',
    ...namedTable('Outcome', r.outcomeShares, 'outcomes'),
  );
  section(
    'Discontinued disputes',
    `Discontinued: **${formatCount(r.discontinued)}**; share of accepted disputes: **${formatShare(r.discontinuedShare)}**.`,
    '',
    ...namedTable('Reason', r.discontinuedReasons, 'discontinued'),
  );
  section(
    'Duration',
    `- Average duration (receipt to outcome or discontinuation): **${formatDays(r.averageDays)}**`,
    `- Concluded within 90 days: **${formatShare(r.within90DaysShare)}**`,
  );
  section(
    'Compliance with outcomes',
    `- Disputes with a compliance report: **${formatCount(r.complianceReported)}**`,
    `- Compliance rate (complied of reported): **${formatShare(r.complianceRate)}**`,
  );
  section('Most frequent problems', ...namedTable('Type of complaint', r.topProblems, 'received', { rank: true }));
  section(
    'Most frequent traders',
    ...table(
      ['#', 'Trader', 'ID', 'Disputes', 'Share of received'],
      ['r', 'l', 'l', 'r', 'r'],
      r.topTraders.map((t, i) => [
        String(i + 1),
        t.name ? mdText(t.name) : NONE,
        mdText(t.traderId),
        formatCount(t.count),
        formatShare(t.share),
      ]),
    ),
  );
  return `${L.join('\n')}\n`;
}

// ---- CSV -------------------------------------------------------------------------------------

export const ADR_REPORT_CSV_COLUMNS = ['adr_body_id', 'years', 'as_of', 'section', 'code', 'label', 'count', 'share', 'value'] as const;

/**
 * One figure of the report. `count`: a number of disputes; `share`: a ratio in [0, 1] (of what,
 * the section says); `value`: any other figure (days). Unused or null cells are null (empty in CSV).
 */
export interface AdrReportCsvRow {
  section: string;
  code: string;
  label: string;
  count: number | null;
  share: number | null;
  value: number | null;
}

/** Every figure of the report, one row each, in report order. */
export function adrReportRows(r: AdrReport): AdrReportCsvRow[] {
  const rows: AdrReportCsvRow[] = [];
  const add = (section: string, code: string, label: string, f: { count?: number; share?: number | null; value?: number | null }) =>
    rows.push({ section, code, label, count: f.count ?? null, share: f.share ?? null, value: f.value ?? null });
  const named = (section: string, items: readonly Named[]) => {
    for (const n of items) add(section, n.code, n.label, { count: n.count, share: n.share });
  };

  add('received', 'received', 'Disputes received', { count: r.received });
  add('received', 'domestic', 'Domestic', { count: r.domestic, share: ratio(r.domestic, r.received) });
  add('received', 'cross_border', 'Cross-border', { count: r.crossBorder, share: ratio(r.crossBorder, r.received) });
  named('by_problem', r.byProblem);
  named('by_sector', r.bySector);
  add('refused', 'refused', 'Refused (share: of accepted + refused)', { count: r.refused, share: r.refusalRate });
  named('refusal_grounds', r.refusalGrounds);
  add('outcomes', 'outcomes', 'Concluded with an outcome', { count: r.outcomes });
  named('outcome_shares', r.outcomeShares);
  add('discontinued', 'discontinued', 'Discontinued (share: of accepted)', { count: r.discontinued, share: r.discontinuedShare });
  named('discontinued_reasons', r.discontinuedReasons);
  add('duration', 'average_days', 'Average duration in days (receipt to conclusion)', { value: r.averageDays });
  add('duration', 'within_90_days', 'Concluded within 90 days (share: of concluded)', { share: r.within90DaysShare });
  add('compliance', 'compliance', 'With a compliance report (share: complied of reported)', {
    count: r.complianceReported,
    share: r.complianceRate,
  });
  named('top_problems', r.topProblems);
  for (const t of r.topTraders) add('top_traders', t.traderId, t.name ?? '', { count: t.count, share: t.share });
  return rows;
}

/**
 * The report as one CSV table (header row first): the body, the years (2024 or 2023-2024) and
 * asOf.finishedAt on every row, so tables of several reports can be stacked; then one figure per row.
 * Text columns cannot start a formula (a trader's name comes from the data); count, share and
 * value are numbers and stay as they are.
 */
export function adrReportToCsv(r: AdrReport): string {
  const id = {
    adr_body_id: spreadsheetSafe(r.adrBody.id),
    years: spreadsheetSafe(r.years.join('-')),
    as_of: spreadsheetSafe(r.asOf.finishedAt),
  };
  const num = (n: number | null) => (n === null || !Number.isFinite(n) ? '' : String(n));
  const rows = adrReportRows(r).map((row) => [
    id.adr_body_id,
    id.years,
    id.as_of,
    spreadsheetSafe(row.section),
    spreadsheetSafe(row.code),
    spreadsheetSafe(row.label),
    num(row.count),
    num(row.share),
    num(row.value),
  ]);
  return csvText([[...ADR_REPORT_CSV_COLUMNS], ...rows], '\n');
}
