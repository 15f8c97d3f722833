/**
 * The ADR bodies view's pure parts: URL state, caseload points and chart (compiled with vega-lite,
 * no warnings), the report as a document in both languages, and the CSV the dashboard downloads
 * (the CLI's formatter; the browser download is exercised by the e2e test).
 */
import { describe, expect, it } from 'vitest';
import { compiles } from './compile-spec.testing.js';
import { barSpec } from './specs.js';
import {
  adrStateFromQuery,
  caseloadPoints,
  caseloadSpec,
  parsePeriodValue,
  periodOptions,
  periodQuery,
  periodUrlChanges,
  periodValue,
  reportCharts,
  reportFilename,
  reportJson,
  reportSections,
  reportTitle,
  yearSpan,
  yearsLabel,
  type AdrReport,
  type TrendItem,
} from './adr.js';
import { reportCsv } from './adr-csv.js';
import { adrReportToCsv } from '../../../core/adr-report.format.js';

const asOf = { etlRunId: 7, finishedAt: '2025-03-01T08:30:15.123Z', complaints: 3000 };

const item = (period: string, start: string, adrAgreed: number, incomplete = false): TrendItem => ({
  period,
  start,
  incomplete,
  adrAgreed,
  closed: adrAgreed - 1,
  resolved: 1,
  complaints: adrAgreed,
  crossBorder: 0,
  crossBorderShare: 0,
  resolutionRate: null,
  sentToTrader: 0,
  traderReplied: 0,
  traderResponseRate: null,
  timelyTraderResponseRate: null,
  adrAgreementRate: 1,
  medianDaysToClose: null,
  p90DaysToClose: null,
  medianDaysToCloseKM: null,
  p90DaysToCloseKM: null,
  openShare: adrAgreed ? 1 / adrAgreed : null,
  overdue: 0,
});

const named = (code: string, label: string, count: number, of: number) => ({ code, label, count, share: of ? count / of : null });

const report: AdrReport = {
  asOf,
  adrBody: { id: 'ADR-IT-02', name: 'Camera di Conciliazione', country: 'IT' },
  years: [2024],
  basis: 'Directive 2013/11/EU Art. 7(2): yearly activity report',
  received: 8,
  domestic: 5,
  crossBorder: 3,
  byProblem: [named('delivery', 'Delivery', 5, 8), named('defective', 'Defective', 3, 8)],
  bySector: [named('airline', 'Airline', 8, 8)],
  refused: 2,
  refusalRate: 0.25,
  refusalGrounds: [named('a', 'Consumer did not contact the trader first', 2, 2)],
  outcomes: 4,
  outcomeShares: [named('in_favour_of_consumer', 'in_favour_of_consumer', 3, 4), named('amicable', 'amicable', 1, 4)],
  discontinued: 1,
  discontinuedShare: 1 / 6,
  discontinuedReasons: [named('consumer_withdrew', 'Consumer withdrew', 1, 1)],
  averageDays: 45.25,
  within90DaysShare: 0.8,
  complianceReported: 0,
  complianceRate: null,
  topProblems: [named('delivery', 'Delivery', 5, 8)],
  topTraders: [
    { traderId: 'T-1', name: '=cmd', count: 4, share: 0.5 },
    { traderId: 'T-2', name: null, count: 1, share: 0.125 },
  ],
};

const empty: AdrReport = {
  ...report,
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

describe('URL state', () => {
  const q = (s: string) => adrStateFromQuery(new URLSearchParams(s), 2025);
  it('defaults: no body, the last complete year, monthly', () => {
    expect(q('')).toEqual({ adrBodyId: undefined, years: [2025], interval: 'month' });
  });
  it('reads the body, one year or two consecutive years, and the interval', () => {
    expect(q('adrBodyId=ADR-IT-02&year=2023&interval=quarter')).toEqual({ adrBodyId: 'ADR-IT-02', years: [2023], interval: 'quarter' });
    expect(q('fromYear=2023&toYear=2024&year=2020')).toMatchObject({ years: [2023, 2024] });
  });
  it('drops malformed values instead of sending them', () => {
    expect(q('year=24&interval=week')).toMatchObject({ years: [2025], interval: 'month' });
    expect(q('fromYear=2020&toYear=2024')).toMatchObject({ years: [2025] });
    expect(q('year=1999')).toMatchObject({ years: [2025] });
  });
  it('a period is either year or fromYear/toYear in the query and the URL', () => {
    expect(periodQuery([2024])).toEqual({ year: '2024' });
    expect(periodQuery([2023, 2024])).toEqual({ fromYear: '2023', toYear: '2024' });
    expect(periodUrlChanges([2024])).toEqual({ year: '2024', fromYear: undefined, toYear: undefined });
    expect(periodUrlChanges([2023, 2024])).toEqual({ year: undefined, fromYear: '2023', toYear: '2024' });
    expect(parsePeriodValue(periodValue([2023, 2024]))).toEqual([2023, 2024]);
    expect(parsePeriodValue('2021-2024')).toBeUndefined();
    expect(yearsLabel([2023, 2024])).toBe('2023–2024');
  });
  it('offers the years the body spans, newest first, and keeps a period from the URL', () => {
    expect(periodOptions(2023, 2026, [2025])).toEqual({
      yearly: [[2026], [2025], [2024], [2023]],
      twoYearly: [
        [2025, 2026],
        [2024, 2025],
        [2023, 2024],
      ],
    });
    expect(periodOptions(2024, 2025, [2019]).yearly).toEqual([[2025], [2024], [2019]]);
    expect(yearSpan([item('2023', '2023-01-01', 2), item('2024', '2024-01-01', 0)], 2026)).toEqual({ first: 2023, last: 2026 });
    expect(yearSpan([], 2026)).toEqual({ first: 2025, last: 2026 });
  });
});

describe('caseload', () => {
  const items = [item('2024-Q3', '2024-07-01', 4), item('2024-Q4', '2024-10-01', 6), item('2025-Q1', '2025-01-01', 2, true)];
  it('points are the disputes received per filing period, with closed and resolved in the tooltip', () => {
    const pts = caseloadPoints('en', items);
    expect(pts.map((p) => [p.period, p.value, p.incomplete])).toEqual([
      ['2024-Q3', 4, false],
      ['2024-Q4', 6, false],
      ['2025-Q1', 2, true],
    ]);
    expect(pts[1]!.tip).toBe('2024-Q4: 6 received · 5 closed · 1 resolved');
    expect(pts[2]!.tip).toContain('(incomplete)');
    expect(caseloadPoints('it', items)[1]!.tip).toBe('2024-Q4: 6 ricevute · 5 chiuse · 1 risolte');
  });
  it('without an incomplete period the empty dashed and label layers are dropped (no unlabelled empty marks)', () => {
    const spec = caseloadSpec(
      caseloadPoints('en', items.slice(0, 2)),
      { x: 'Filed', y: 'Disputes received', incomplete: 'incomplete', quarterFormat: 'Q%q %Y' },
      'quarter',
    );
    compiles(spec);
    expect((spec as { layer: unknown[] }).layer).toHaveLength(2);
  });
  for (const interval of ['month', 'quarter', 'year'] as const) {
    it(`the ${interval} chart compiles without warnings, dashed into the incomplete period, bucketed in UTC`, () => {
      const spec = caseloadSpec(
        caseloadPoints('en', items),
        { x: 'Filed', y: 'Disputes received', incomplete: 'incomplete', quarterFormat: 'Q%q %Y' },
        interval,
      );
      const vg = JSON.stringify(compiles(spec));
      expect(vg).toContain('"strokeDash"');
      expect(vg).toContain('"tickMinStep":1');
      expect(JSON.stringify(spec)).toContain(
        `"timeUnit":"utc${interval === 'month' ? 'yearmonth' : interval === 'quarter' ? 'yearquarter' : 'year'}"`,
      );
      if (interval === 'quarter') expect(vg).toContain('Q%q %Y');
    });
  }
});

describe('the report as a document', () => {
  it('has every item of domain.md §4, in report order', () => {
    expect(reportSections('en', report).map((s) => s.id)).toEqual([
      'received',
      'by-problem',
      'by-sector',
      'refused',
      'outcomes',
      'discontinued',
      'duration',
      'compliance',
      'top-problems',
      'top-traders',
    ]);
  });
  it('figures in words and numbers; a ratio over nothing is "—"', () => {
    const fig = Object.fromEntries(reportSections('en', report).flatMap((s) => s.figures.map((f) => [f.id, f.value])));
    expect(fig).toEqual({
      received: '8',
      domestic: '5 (62.5% of the disputes received)',
      'cross-border': '3 (37.5% of the disputes received)',
      refused: '2',
      'refusal-rate': '25.0%',
      outcomes: '4',
      discontinued: '1',
      'discontinued-share': '16.7%',
      'average-days': '45.3 days',
      'within-90-days': '80.0%',
      'compliance-reported': '0',
      'compliance-rate': '—',
    });
  });
  it('tables with labels in the chosen language (codes, not the API’s English labels)', () => {
    const byId = (lang: 'en' | 'it') => Object.fromEntries(reportSections(lang, report).map((s) => [s.id, s.table]));
    const en = byId('en');
    expect(en['refused']!.rows).toEqual([['(a) trader not contacted first', '2', '100.0%']]);
    expect(en['outcomes']!.rows).toEqual([
      ['In favour of the consumer', '3', '75.0%'],
      ['Amicable settlement', '1', '25.0%'],
    ]);
    expect(en['discontinued']!.rows[0]![0]).toBe('Consumer withdrew');
    expect(byId('it')['discontinued']!.rows[0]![0]).toBe('Il consumatore si è ritirato');
    expect(en['top-traders']!.rows).toEqual([
      ['1', '=cmd', 'T-1', '4', '50.0%'],
      ['2', '—', 'T-2', '1', '12.5%'],
    ]);
    expect(en['top-traders']!.rowHeader).toBe(1);
    expect(en['top-problems']!.head[0]).toBe('Rank');
    const it = byId('it');
    expect(it['outcomes']!.rows[0]).toEqual(['A favore del consumatore', '3', '75,0%']);
    expect(it['outcomes']!.head).toEqual(['Esito', 'Controversie', 'Quota']);
  });
  it('an empty year: zero counts, "—" ratios, empty tables', () => {
    const sections = reportSections('en', empty);
    expect(sections.find((s) => s.id === 'refused')!.figures.map((f) => f.value)).toEqual(['0', '—']);
    expect(sections.find((s) => s.id === 'received')!.figures[1]!.value).toBe('0 (— of the disputes received)');
    expect(sections.every((s) => !s.table || s.table.rows.length === 0)).toBe(true);
  });
  it('titles name the years and the legal form', () => {
    expect(reportTitle('en', [2024], 'Body')).toBe('Yearly activity report 2024: Body');
    expect(reportTitle('it', [2023, 2024], 'Body')).toBe('Relazione biennale di attività 2023–2024: Body');
  });
  it('bar charts of problems (counts) and outcomes (shares with their denominator) compile', () => {
    const { problems, outcomes } = reportCharts('en', report);
    expect(problems.map((b) => [b.code, b.value, b.tip])).toEqual([
      ['delivery', 5, '5 — 62.5% — 5 of 8'],
      ['defective', 3, '3 — 37.5% — 3 of 8'],
    ]);
    expect(outcomes[0]).toMatchObject({ code: 'in_favour_of_consumer', value: 0.75, tip: '75.0% — 3 of 4' });
    const counts = JSON.stringify(compiles(barSpec(problems, { x: 'Disputes' })));
    expect(counts).toContain('"tickMinStep":1');
    compiles(barSpec(outcomes, { x: 'Share' }, { percent: true }));
  });
});

describe('downloads', () => {
  it('JSON is the API answer unchanged; file names are safe', () => {
    expect(JSON.parse(reportJson(report))).toEqual(report);
    expect(reportFilename({ ...report, adrBody: { ...report.adrBody, id: 'a/b:c' }, years: [2023, 2024] }, 'csv')).toBe(
      'adr-report-a_b_c-2023-2024.csv',
    );
  });
  it('CSV is exactly the CLI’s', async () => {
    const cli = adrReportToCsv(report);
    expect(await reportCsv(report)).toBe(cli);
    expect(cli.split('\n')[0]).toBe('adr_body_id,years,as_of,section,code,label,count,share,value');
  });
});
