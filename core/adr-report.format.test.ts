/** The ADR activity report as Markdown and CSV: every figure present, nulls never NaN, numbers unrounded in CSV. */
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  ADR_REPORT_CSV_COLUMNS,
  NONE,
  adrReportRows,
  adrReportToCsv,
  adrReportToMarkdown,
  formatCount,
  formatDays,
  formatShare,
  formatStamp,
  mdText,
} from './adr-report.format.js';
import { adrReportBody, type AdrReport } from './analytics-answers.js';
import { spreadsheetSafe } from './spreadsheet-cell.js';

const asOf = { etlRunId: 7, finishedAt: '2025-03-01T08:30:15.123Z', complaints: 12_345 };

/** A body that received nothing in the year: every ratio is null, every list empty. */
const empty: AdrReport = {
  asOf,
  adrBody: { id: 'ADR-XX-01', name: 'Quiet Body', country: 'IT' },
  years: [2024],
  basis: 'Directive 2013/11/EU Art. 7(2): yearly activity report',
  received: 0,
  domestic: 0,
  crossBorder: 0,
  byProblem: [],
  bySector: [],
  refused: 0,
  refusalRate: null,
  refusalGrounds: [],
  outcomes: 0,
  outcomeShares: [],
  discontinued: 0,
  discontinuedShare: null,
  discontinuedReasons: [],
  averageDays: null,
  within90DaysShare: null,
  complianceReported: 0,
  complianceRate: null,
  topProblems: [],
  topTraders: [],
};

const named = (code: string, label: string, count: number, of: number) => ({ code, label, count, share: count / of });

/** Two years, with awkward text: a pipe in the body's name, a formula-like trader name, an unnamed trader. */
const full: AdrReport = (() => {
  const received = 7;
  return {
    asOf,
    adrBody: { id: 'ADR-IT-02', name: 'Camera | Conciliazione *Sub_alpina*', country: 'IT' },
    years: [2023, 2024],
    basis: 'Directive 2013/11/EU Art. 19(3): two-yearly report to the competent authority',
    received,
    domestic: 4,
    crossBorder: 3,
    byProblem: [named('delivery', 'Delivery of goods / provision of services', 5, received), named('price', 'Price / tariff', 2, received)],
    bySector: [named('airlines', 'Airline services', 7, received)],
    refused: 1,
    refusalRate: 1 / 6,
    refusalGrounds: [named('a', 'Consumer did not contact the trader first', 1, 1)],
    outcomes: 3,
    outcomeShares: [named('amicable', 'amicable', 2, 3), named('in_favour_of_consumer', 'in_favour_of_consumer', 1, 3)],
    discontinued: 2,
    discontinuedShare: 2 / 5,
    discontinuedReasons: [named('consumer_withdrew', 'Consumer withdrew', 2, 2)],
    averageDays: 41.123456789,
    within90DaysShare: 4 / 5,
    complianceReported: 3,
    complianceRate: 2 / 3,
    topProblems: [named('delivery', 'Delivery of goods / provision of services', 5, received)],
    topTraders: [
      { traderId: 'T-1', name: '=HYPERLINK("http://x.example")', count: 4, share: 4 / received },
      { traderId: 'T-2', name: null, count: 3, share: 3 / received },
    ],
  };
})();

const SECTIONS = [
  'Disputes received',
  'By type of complaint',
  'Refused disputes',
  'Outcomes',
  'Discontinued disputes',
  'Duration',
  'Compliance with outcomes',
  'Most frequent problems',
  'Most frequent traders',
];

type CsvRecord = Record<(typeof ADR_REPORT_CSV_COLUMNS)[number], string>;
const parseCsv = (text: string) => parse(text, { columns: true, skip_empty_lines: true }) as CsvRecord[];

describe('the fixtures', () => {
  it('are reports as the API answers them', () => {
    expect(adrReportBody.parse(empty)).toEqual(empty);
    expect(adrReportBody.parse(full)).toEqual(full);
  });
});

describe('number formatting', () => {
  it('rounds shares and days for reading and shows null as a dash', () => {
    expect(formatShare(1 / 3)).toBe('33.3 %');
    expect(formatShare(0)).toBe('0.0 %');
    expect(formatShare(1)).toBe('100.0 %');
    expect(formatShare(null)).toBe(NONE);
    expect(formatShare(Number.NaN)).toBe(NONE);
    expect(formatDays(41.26)).toBe('41.3 days');
    expect(formatDays(null)).toBe(NONE);
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatStamp(asOf.finishedAt)).toBe('2025-03-01 08:30 UTC');
  });

  it('escapes Markdown and quotes formula-like CSV text', () => {
    expect(mdText('a | b *c* _d_')).toBe('a \\| b \\*c\\* \\_d\\_');
    expect(spreadsheetSafe('=1+1')).toBe("'=1+1");
    expect(spreadsheetSafe('-2')).toBe("'-2");
    expect(spreadsheetSafe('Rubin Mode GmbH')).toBe('Rubin Mode GmbH');
  });
});

describe('adrReportToMarkdown', () => {
  it('an empty report: every section, dashes for the null ratios, never NaN', () => {
    const md = adrReportToMarkdown(empty);
    expect(md).not.toMatch(/NaN|null|undefined|Infinity/);
    expect(md.split('\n')[0]).toBe(`# ADR body activity report 2024: Quiet Body (ADR-XX-01, IT)`);
    expect(md).toContain(empty.basis);
    expect(md).toContain(formatStamp(asOf.finishedAt));
    expect(md).toContain(`ETL run ${asOf.etlRunId}, 12,345 complaints in the snapshot`);
    // A bound caller's answer carries no platform total, and the report says nothing of it.
    const noTotal = adrReportToMarkdown({ ...empty, asOf: { etlRunId: asOf.etlRunId, finishedAt: asOf.finishedAt } });
    expect(noTotal).toContain(`(ETL run ${asOf.etlRunId})`);
    expect(noTotal).not.toMatch(/undefined|complaints in the snapshot/);
    for (const s of SECTIONS) expect(md).toContain(`## ${s}\n`);
    expect(md).toContain(`refusal rate (refused of accepted + refused): **${NONE}**`);
    expect(md).toContain(`share of accepted disputes: **${NONE}**`);
    expect(md).toContain(`Average duration (receipt to outcome or discontinuation): **${NONE}**`);
    expect(md).toContain(`Concluded within 90 days: **${NONE}**`);
    expect(md).toContain(`Compliance rate (complied of reported): **${NONE}**`);
    expect(md).toContain(`| Domestic | 0 | ${NONE} |`);
    expect(md).toContain('_None._');
  });

  it('a two-year report: years and basis in the title block, every figure rounded, text escaped', () => {
    const md = adrReportToMarkdown(full);
    expect(md).not.toMatch(/NaN|null|undefined/);
    const title = md.split('\n')[0]!;
    expect(title).toContain('2023–2024');
    expect(title).toContain(mdText(full.adrBody.name!));
    expect(title).not.toContain('Camera | Conciliazione');
    expect(md).toContain('**Reporting years:** 2023–2024');
    expect(md).toContain(full.basis);
    for (const s of SECTIONS) expect(md).toContain(`## ${s}\n`);
    expect(md).toContain(`| Received | ${full.received} | ${formatShare(1)} |`);
    expect(md).toContain(`| Domestic | ${full.domestic} | ${formatShare(full.domestic / full.received)} |`);
    expect(md).toContain(`| Cross-border | ${full.crossBorder} | ${formatShare(full.crossBorder / full.received)} |`);
    for (const p of full.byProblem) expect(md).toContain(`| ${p.label} | ${p.count} | ${formatShare(p.share)} |`);
    expect(md).toContain(`**${formatShare(full.refusalRate)}**`);
    expect(md).toContain(`(a) ${full.refusalGrounds[0]!.label}`);
    expect(md).toContain(`| In favour of consumer | 1 | ${formatShare(1 / 3)} |`);
    expect(md).toContain(`| Amicable | 2 | ${formatShare(2 / 3)} |`);
    expect(md).toContain(`**${formatShare(full.discontinuedShare)}**`);
    expect(md).toContain(`| Consumer withdrew | 2 | ${formatShare(1)} |`);
    expect(md).toContain(`**${formatDays(full.averageDays)}**`);
    expect(md).toContain(`**${formatShare(full.within90DaysShare)}**`);
    expect(md).toContain(`**${formatShare(full.complianceRate)}**`);
    expect(md).toContain(`| 1 | ${mdText(full.topTraders[0]!.name!)} | T-1 | 4 | ${formatShare(4 / 7)} |`);
    expect(md).toContain(`| 2 | ${NONE} | T-2 | 3 | ${formatShare(3 / 7)} |`);
    // Rounded for reading: no long fractions anywhere.
    expect(md).not.toMatch(/\d\.\d{2,}/);
  });
});

describe('adrReportToCsv', () => {
  it('an empty report: header first, one row per figure, empty cells for null, never NaN', () => {
    const text = adrReportToCsv(empty);
    expect(text.split('\n')[0]).toBe(ADR_REPORT_CSV_COLUMNS.join(','));
    expect(text).not.toMatch(/NaN|null|undefined/);
    const rows = parseCsv(text);
    expect(rows).toHaveLength(adrReportRows(empty).length);
    const get = (section: string, code: string) => rows.find((r) => r.section === section && r.code === code);
    expect(get('received', 'received')).toMatchObject({ count: '0', share: '', value: '' });
    expect(get('received', 'domestic')).toMatchObject({ count: '0', share: '' });
    expect(get('refused', 'refused')).toMatchObject({ count: '0', share: '' });
    expect(get('duration', 'average_days')).toMatchObject({ value: '' });
    expect(get('duration', 'within_90_days')).toMatchObject({ share: '' });
    expect(get('compliance', 'compliance')).toMatchObject({ count: '0', share: '' });
    for (const r of rows) expect(r).toMatchObject({ adr_body_id: empty.adrBody.id, years: '2024', as_of: asOf.finishedAt });
  });

  it('a full report: every figure unrounded, every list item a row, formula-like text quoted', () => {
    const rows = parseCsv(adrReportToCsv(full));
    expect(rows).toHaveLength(adrReportRows(full).length);
    for (const r of rows) expect(r.years).toBe('2023-2024');
    const section = (s: string) =>
      rows
        .filter((r) => r.section === s)
        .map((r) => ({ code: r.code, count: Number(r.count), share: r.share === '' ? null : Number(r.share) }));
    const asRows = (items: readonly { code: string; count: number; share: number | null }[]) =>
      items.map(({ code, count, share }) => ({ code, count, share }));
    expect(section('by_problem')).toEqual(asRows(full.byProblem));
    expect(section('by_sector')).toEqual(asRows(full.bySector));
    expect(section('refusal_grounds')).toEqual(asRows(full.refusalGrounds));
    expect(section('outcome_shares')).toEqual(asRows(full.outcomeShares));
    expect(section('discontinued_reasons')).toEqual(asRows(full.discontinuedReasons));
    expect(section('top_problems')).toEqual(asRows(full.topProblems));
    expect(section('top_traders')).toEqual(full.topTraders.map((t) => ({ code: t.traderId, count: t.count, share: t.share })));
    const one = (s: string, code: string) => rows.find((r) => r.section === s && r.code === code)!;
    expect(Number(one('refused', 'refused').share)).toBe(full.refusalRate);
    expect(Number(one('discontinued', 'discontinued').share)).toBe(full.discontinuedShare);
    expect(Number(one('duration', 'average_days').value)).toBe(full.averageDays);
    expect(Number(one('duration', 'within_90_days').share)).toBe(full.within90DaysShare);
    expect(Number(one('compliance', 'compliance').share)).toBe(full.complianceRate);
    expect(Number(one('received', 'domestic').share)).toBe(full.domestic / full.received);
    const traders = rows.filter((r) => r.section === 'top_traders');
    expect(traders[0]!.label).toBe(`'${full.topTraders[0]!.name}`);
    expect(traders[1]!.label).toBe('');
  });

  it('a trader named like a number is text and quoted; the figures stay numbers', () => {
    const report: AdrReport = { ...full, topTraders: [{ traderId: 'T-9', name: '-12', count: 2, share: 0.5 }] };
    const [trader] = parseCsv(adrReportToCsv(report)).filter((r) => r.section === 'top_traders');
    expect(trader).toMatchObject({ code: 'T-9', label: "'-12", count: '2', share: '0.5' });
  });
});
