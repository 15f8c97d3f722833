/**
 * The analytics answers (core/analytics-answers.ts) from the repository's rows: labels, shares,
 * the thresholds of domain.md §4, and the order of each answer's fields. Pure: the stamp (asOf)
 * is the service's, as it is never kept with an answer.
 */
import type { z } from 'zod';
import { DISCONTINUED_REASONS, POPULATION_MILLIONS, PROBLEMS, REFUSAL_GROUNDS, SECTORS, type Country } from '../../../core/codes.js';
import {
  BENCHMARK_MEASURES,
  type AdrMeasures,
  type AsOf,
  type Measures,
  type adrReportBody,
  type benchmarkBody,
  type codeRowsBody,
  type countriesBody,
  type flowsBody,
  type outcomesBody,
  type overdueBody,
  type summaryBody,
  type tradersBody,
  type trendBody,
} from '../../../core/analytics-answers.js';
import { lowCountRatios, MIN_RANKED_COUNT } from '../../../core/small-numbers.js';
import type { Scope } from '../access/scope.js';
import type { AdrReportRows, GroupFigures, MeasureFigures, PeriodFigures } from './analytics.repository.js';
import { percentile, quartiles, type Quartiles } from './benchmark-stats.js';
import type { BreakdownColumn } from './queries/adr-report.js';
import type { BenchmarkTraderRow } from './queries/benchmark.js';
import type { FlowRow } from './queries/flows.js';
import type { AdrMeasureRow } from './queries/measure-rows.js';
import type { OutcomeRow } from './queries/outcomes.js';
import type { OverdueRow } from './queries/overdue.js';
import type { RankedTraderRow } from './queries/traders.js';
import type { Interval } from './queries/trend.js';

/** Thresholds of domain.md §4. */
export const MIN_CLOSED_FOR_RATES = 10;
export const MIN_PEERS = 5;

/** An answer as computed and kept: everything but its stamp. */
export type Body<S extends z.ZodType> = Omit<z.output<S>, 'asOf'>;
export type SummaryAnswer = Body<typeof summaryBody>;
export type CountriesAnswer = Body<typeof countriesBody>;
export type FlowsAnswer = Body<typeof flowsBody>;
export type TrendAnswer = Body<typeof trendBody>;
/** The trend as kept: whether a period is over depends on the stamp, so it is judged per answer. */
export type KeptTrend = Omit<TrendAnswer, 'items'> & { items: Omit<TrendAnswer['items'][number], 'incomplete'>[] };
export type CodeRowsAnswer = Body<typeof codeRowsBody>;
export type OutcomesAnswer = Body<typeof outcomesBody>;
export type OverdueAnswer = Body<typeof overdueBody>;
export type TradersAnswer = Body<typeof tradersBody>;
export type BenchmarkAnswer = Body<typeof benchmarkBody>;
export type AdrReportAnswer = Body<typeof adrReportBody>;

type Labels = Readonly<Record<string, { en: string }>>;

function label(table: Labels, code: string): string {
  return table[code]?.en ?? code;
}

const share = (n: number, d: number) => (d === 0 ? null : n / d);

/**
 * The stamp of an answer. The snapshot's complaint count is the platform's total: a caller bound
 * to a trader or an ADR body (or a feed) is not told it; unbound readers (admin, regulator, the
 * CLI) are.
 */
export function asOfFor(s: { etlRunId: number; finishedAt: string; complaints: number }, scope: Scope): AsOf {
  const bound = scope.traderId !== undefined || scope.adrBodyId !== undefined || scope.source !== undefined;
  return { etlRunId: s.etlRunId, finishedAt: s.finishedAt, ...(bound ? {} : { complaints: s.complaints }) };
}

/** '2024-03-01' → '2024-03' | '2024-Q1' | '2024'. */
export function periodOf(day: string, interval: Interval): string {
  const y = day.slice(0, 4);
  const m = Number(day.slice(5, 7));
  if (interval === 'year') return y;
  if (interval === 'quarter') return `${y}-Q${Math.ceil(m / 3)}`;
  return `${y}-${day.slice(5, 7)}`;
}

/** The ADR measures of a row, in their order. */
function adrMeasuresOf(r: AdrMeasureRow): AdrMeasures {
  return {
    adrReceived: r.adrReceived,
    adrAccepted: r.adrAccepted,
    adrRefused: r.adrRefused,
    adrRefusalRate: r.adrRefusalRate,
    adrOutcomes: r.adrOutcomes,
    adrDiscontinued: r.adrDiscontinued,
    adrDiscontinuedShare: r.adrDiscontinuedShare,
    adrAverageDays: r.adrAverageDays,
    adrWithin90DaysShare: r.adrWithin90DaysShare,
    complianceReported: r.complianceReported,
    complianceRate: r.complianceRate,
  };
}

/** The summary is the figures as they are (the types say so). */
export function summaryAnswer(figures: MeasureFigures & AdrMeasureRow): SummaryAnswer {
  return figures;
}

export function countriesAnswer(side: CountriesAnswer['side'], rows: readonly GroupFigures<string>[]): CountriesAnswer {
  const items = rows.map(({ key, ...m }) => {
    // The key is a country code of the store's list; a code without a population gets none.
    const population = POPULATION_MILLIONS[key as Country] ?? null;
    const item = { country: key, population, complaintsPerMillion: population ? m.complaints / population : null, ...m };
    return { ...item, lowCount: lowCountRatios(item) };
  });
  return { side, minCount: MIN_RANKED_COUNT, items };
}

export function flowsAnswer(rows: readonly FlowRow[]): FlowsAnswer {
  return {
    items: rows.map((r) => ({
      consumerCountry: r.consumerCountry,
      traderCountry: r.traderCountry,
      crossBorder: r.consumerCountry !== r.traderCountry,
      complaints: r.complaints,
    })),
  };
}

export function trendAnswer(interval: Interval, rows: readonly PeriodFigures[]): KeptTrend {
  return { interval, items: rows.map(({ start, key: _, ...m }) => ({ period: periodOf(start, interval), start, ...m })) };
}

/** A period in which nothing was filed: no complaints, so no rate or duration either. */
const NOTHING_FILED: Measures = {
  complaints: 0,
  crossBorder: 0,
  crossBorderShare: null,
  closed: 0,
  resolved: 0,
  resolutionRate: null,
  sentToTrader: 0,
  traderReplied: 0,
  traderResponseRate: null,
  timelyTraderResponseRate: null,
  adrAgreed: 0,
  adrAgreementRate: null,
  medianDaysToClose: null,
  p90DaysToClose: null,
  medianDaysToCloseKM: null,
  p90DaysToCloseKM: null,
  openShare: null,
  overdue: 0,
};

const MONTHS_PER: Readonly<Record<Interval, number>> = { month: 1, quarter: 3, year: 12 };

/** The first day (UTC, YYYY-MM-DD) of the period holding `instant`, or of the `k`th period after it. */
function periodStart(instant: Date, interval: Interval, k = 0): string {
  const step = MONTHS_PER[interval];
  const month = Math.floor(instant.getUTCMonth() / step) * step + k * step;
  return new Date(Date.UTC(instant.getUTCFullYear(), month, 1)).toISOString().slice(0, 10);
}

/**
 * The trend as answered at this stamp: every period from `from` (else the first complaint) to `to`
 * (else the stamp, and never past it: a period that has not begun has no figures yet), those
 * without complaints as NOTHING_FILED, so a sparse series shows its gaps instead of a line drawn
 * across them; and the period holding the stamp flagged, as a period ends without any data change.
 */
export function trendAt(body: KeptTrend & { asOf: AsOf }, range: { from?: string; to?: string }): TrendAnswer & { asOf: AsOf } {
  const { interval } = body;
  const asOf = new Date(body.asOf.finishedAt);
  const filed = new Map(body.items.map((i) => [i.start, i]));
  const first = range.from !== undefined ? periodStart(new Date(range.from), interval) : body.items[0]?.start;
  // `to` is exclusive: its last period holds the instant just before it.
  const end = range.to !== undefined ? new Date(Math.min(Date.parse(range.to) - 1, asOf.getTime())) : asOf;
  const last = periodStart(end, interval);
  const starts = new Set(filed.keys());
  if (first !== undefined) {
    const origin = new Date(`${first}T00:00:00Z`);
    for (let k = 0, start = first; start <= last; start = periodStart(origin, interval, ++k)) starts.add(start);
  }
  const current = periodOf(periodStart(asOf, interval), interval);
  const items = [...starts].sort().map((start) => {
    const kept = filed.get(start) ?? { period: periodOf(start, interval), start, ...NOTHING_FILED };
    return { ...kept, incomplete: kept.period === current };
  });
  return { ...body, items };
}

/** Sectors or problems: each code with its label and share of the complaints. */
export function codeRowsAnswer(rows: readonly GroupFigures<string>[], labels: Labels): CodeRowsAnswer {
  const total = rows.reduce((s, r) => s + r.complaints, 0);
  return {
    minCount: MIN_RANKED_COUNT,
    items: rows.map(({ key, ...m }) => ({
      code: key,
      label: label(labels, key),
      share: share(m.complaints, total),
      ...m,
      lowCount: lowCountRatios(m),
    })),
  };
}

export const SECTOR_LABELS: Labels = SECTORS;
export const PROBLEM_LABELS: Labels = PROBLEMS;

export function outcomesAnswer(rows: readonly OutcomeRow[]): OutcomesAnswer {
  // Every row carries the summary (at least one row).
  const s = rows[0]!;
  const counts = (column: Exclude<OutcomeRow['column'], 'discontinued_reason' | null>, total: number) =>
    rows.flatMap((r) => (r.column === column ? [{ key: r.key, count: r.count, share: share(r.count, total) }] : []));
  return {
    closed: s.closed,
    closures: counts('closure', s.closed).map(({ key, ...c }) => ({ closure: key, ...c })),
    traderDecisions: counts('trader_decision', s.traderReplied).map(({ key, ...c }) => ({ decision: key, ...c })),
    adrResults: counts('adr_result', s.adrOutcomes).map(({ key, ...c }) => ({ result: key, ...c })),
    refusalGrounds: counts('refusal_ground', s.adrRefused).map(({ key, ...c }) => ({ ground: key, ...c })),
    discontinuedReasons: rows.flatMap((r) =>
      r.column === 'discontinued_reason' ? [{ reason: r.key, count: r.count, share: share(r.count, s.adrDiscontinued) }] : [],
    ),
    ...adrMeasuresOf(s),
  };
}

/** The open stages, in the lifecycle's order. */
const OPEN_STAGES = ['filed', 'with_trader', 'trader_replied', 'at_adr_body', 'adr_in_progress'] as const;

export function overdueAnswer(rows: readonly OverdueRow[]): OverdueAnswer {
  const byStage = new Map(rows.map((r) => [r.stage, r]));
  const items = OPEN_STAGES.map((stage) => {
    const r = byStage.get(stage);
    const open = r?.open ?? 0;
    const overdue = r?.overdue ?? 0;
    return { stage, open, overdue, overdueShare: share(overdue, open) };
  });
  return { open: items.reduce((s, i) => s + i.open, 0), overdue: items.reduce((s, i) => s + i.overdue, 0), items };
}

/** The rates and durations a trader with fewer than MIN_CLOSED_FOR_RATES closed complaints does not show. */
const WITHHELD_BELOW_MIN_CLOSED = [
  'crossBorderShare',
  'resolutionRate',
  'traderResponseRate',
  'timelyTraderResponseRate',
  'adrAgreementRate',
  'medianDaysToClose',
  'p90DaysToClose',
  'medianDaysToCloseKM',
  'p90DaysToCloseKM',
  'openShare',
] as const satisfies readonly (keyof MeasureFigures)[];

export function tradersAnswer(listed: readonly RankedTraderRow[], figures: ReadonlyMap<number, MeasureFigures>): TradersAnswer {
  const items = listed.map(({ trader_key, traderId, name, country }) => {
    const m = figures.get(trader_key)!;
    const ratesShown = m.closed >= MIN_CLOSED_FOR_RATES;
    const item = { traderId, ...m, name: name ?? null, country: country ?? null, ratesShown };
    if (!ratesShown) for (const k of WITHHELD_BELOW_MIN_CLOSED) item[k] = null;
    // After withholding: a withheld rate has no value to mark.
    return { ...item, lowCount: lowCountRatios(item) };
  });
  return { minClosedForRates: MIN_CLOSED_FOR_RATES, minCount: MIN_RANKED_COUNT, items };
}

type BenchmarkMeasure = (typeof BENCHMARK_MEASURES)[number];

/**
 * domain.md §4 "Trader benchmark": peers are the other traders of the trader's sector with at
 * least MIN_CLOSED_FOR_RATES closed complaints in the year; fewer than MIN_PEERS peers and every
 * peer figure is withheld. Only quartiles and the trader's percentile leave the server.
 */
export function benchmarkAnswer(
  traderId: string,
  year: number,
  { rows, sector }: { rows: readonly BenchmarkTraderRow[]; sector: string | null },
): BenchmarkAnswer {
  const me = rows.find((r) => r.traderId === traderId);
  const peers = rows.filter((r) => r.traderId !== traderId && r.sector === sector && r.closed >= MIN_CLOSED_FOR_RATES);
  const own = {
    complaints: me?.complaints ?? 0,
    closed: me?.closed ?? 0,
    resolutionRate: me?.resolutionRate ?? null,
    traderResponseRate: me?.traderResponseRate ?? null,
    medianDaysToClose: me?.medianDaysToClose ?? null,
  };
  const suppressed = peers.length < MIN_PEERS;
  const base = { suppressed, minPeers: MIN_PEERS, minClosed: MIN_CLOSED_FOR_RATES };
  if (suppressed) return { year, traderId, sector, own, peers: { ...base, count: null, quartiles: null, percentile: null } };
  const byMeasure = <T>(of: (values: number[], mine: number | null) => T) =>
    Object.fromEntries(
      BENCHMARK_MEASURES.map((m) => {
        const values = peers
          .map((p) => p[m])
          .filter((v): v is number => typeof v === 'number')
          .sort((a, b) => a - b);
        return [m, of(values, own[m])];
      }),
    ) as Record<BenchmarkMeasure, T>;
  return {
    year,
    traderId,
    sector,
    own,
    peers: {
      ...base,
      count: peers.length,
      quartiles: byMeasure<Quartiles>((values) => quartiles(values)),
      percentile: byMeasure((values, mine) => percentile(values, mine)),
    },
  };
}

/** The Directive's basis of a report over these years. */
const basisOf = (years: readonly number[]) =>
  years.length === 1
    ? 'Directive 2013/11/EU Art. 7(2): yearly activity report'
    : 'Directive 2013/11/EU Art. 19(3): two-yearly report to the competent authority';

/** domain.md §4 "ADR body activity report", over the cases the body received in the years. */
export function adrReportAnswer(years: number[], { body, summary: m, breakdowns, topTraders }: AdrReportRows): AdrReportAnswer {
  const received = m.adrReceived;
  const named = (column: BreakdownColumn, labels: Labels | null, of: number) =>
    breakdowns
      .filter((r) => r.column === column)
      .map((r) => ({ code: r.key, label: labels ? label(labels, r.key) : r.key, count: r.count, share: share(r.count, of) }));
  const byProblem = named('problem', PROBLEMS, received);
  return {
    adrBody: { id: body.id, name: body.name ?? null, country: body.country ?? null },
    years,
    basis: basisOf(years),
    received,
    domestic: received - m.crossBorder,
    crossBorder: m.crossBorder,
    byProblem,
    bySector: named('sector', SECTORS, received),
    refused: m.adrRefused,
    refusalRate: m.adrRefusalRate,
    refusalGrounds: named('refusal_ground', REFUSAL_GROUNDS, m.adrRefused),
    outcomes: m.adrOutcomes,
    outcomeShares: named('adr_result', null, m.adrOutcomes),
    discontinued: m.adrDiscontinued,
    discontinuedShare: m.adrDiscontinuedShare,
    discontinuedReasons: named('discontinued_reason', DISCONTINUED_REASONS, m.adrDiscontinued),
    averageDays: m.adrAverageDays,
    within90DaysShare: m.adrWithin90DaysShare,
    complianceReported: m.complianceReported,
    complianceRate: m.complianceRate,
    topProblems: byProblem.slice(0, 5),
    topTraders: topTraders.map((r) => ({ traderId: r.traderId, name: r.name ?? null, count: r.count, share: share(r.count, received) })),
  };
}
