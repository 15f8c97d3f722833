/**
 * The analytics answers (contract "Analytics"): one schema per endpoint, from which the OpenAPI
 * document and the dashboard's generated client take their types. Measure names are domain.md §4's.
 * In the kernel because the API answers them and the ADR report's formatter (CLI and dashboard)
 * reads them.
 */
import { z } from 'zod';
import { DISCONTINUED_REASON_CODES } from './codes.js';
import { MIN_RANKED_COUNT, RATIO_NAMES } from './small-numbers.js';

/** Trend intervals: months per bucket of filedAt. */
export const INTERVALS = ['month', 'quarter', 'year'] as const;

const ratio = (d: string) =>
  z
    .number()
    .nullable()
    .meta({ description: `${d}; null when the denominator is 0` });
const count = (d: string) => z.number().int().meta({ description: d });

export const asOf = z
  .object({
    etlRunId: z.number().int(),
    finishedAt: z
      .string()
      .meta({ description: 'when the ETL run that built this snapshot finished (UTC); overdue is judged at this instant' }),
    complaints: z.number().int().optional().meta({
      description:
        'complaints in the whole snapshot (the platform total); absent for trader and ADR body callers, whose figures cover only their own cases',
    }),
  })
  .meta({ id: 'AsOf' });
export type AsOf = z.infer<typeof asOf>;

/** The stamp alone, for a dashboard that asks whether a newer snapshot is out. */
export const asOfBody = z
  .object({ asOf: asOf.nullable().meta({ description: 'null before the first ETL run has published a snapshot' }) })
  .meta({ id: 'StatsAsOf' });

export const measures = z
  .object({
    complaints: count('complaints filed in the filter'),
    crossBorder: count('consumer country ≠ trader country'),
    crossBorderShare: ratio('crossBorder / complaints'),
    closed: count('complaints with a closing event'),
    resolved: count('closed as settled_directly or adr_outcome'),
    resolutionRate: ratio('resolved / closed'),
    sentToTrader: count('complaints with sent_to_trader'),
    traderReplied: count('complaints with trader_replied'),
    traderResponseRate: ratio('traderReplied / sentToTrader'),
    timelyTraderResponseRate: ratio('replies within TRADER_REPLY_DAYS of sent_to_trader / sentToTrader'),
    adrAgreed: count('complaints with adr_body_agreed'),
    adrAgreementRate: ratio('adrAgreed / complaints'),
    medianDaysToClose: z
      .number()
      .nullable()
      .meta({ description: 'median of (closing − filedAt) in days over closed complaints, interpolated; null over none' }),
    p90DaysToClose: z.number().nullable().meta({ description: '90th percentile of the same' }),
    medianDaysToCloseKM: z
      .number()
      .nullable()
      .meta({
        description:
          'Kaplan–Meier median of the days to close over every complaint: an open case counts as censored at ' +
          '(the instant the ETL extract read the case store − filedAt); the smallest closing duration with S(t) ≤ 0.5; ' +
          'null when S never gets there (more than half still open) or nothing closed',
      }),
    p90DaysToCloseKM: z.number().nullable().meta({
      description: 'the same at S(t) ≤ 0.1: the smallest closing duration by which 90 % are estimated closed; null when not reached',
    }),
    openShare: ratio('(complaints − closed) / complaints: while above 0, the durations and rates over this cohort are provisional'),
    overdue: count('open complaints past their stage deadline at asOf.finishedAt'),
  })
  .meta({ id: 'Measures' });
export type Measures = z.infer<typeof measures>;

export const adrMeasures = z
  .object({
    adrReceived: count('cases an ADR body received (adr_body_agreed)'),
    adrAccepted: count('accepted'),
    adrRefused: count('refused'),
    adrRefusalRate: ratio('refused / (accepted + refused)'),
    adrOutcomes: count('concluded with an outcome'),
    adrDiscontinued: count('discontinued'),
    adrDiscontinuedShare: ratio('discontinued / accepted'),
    adrAverageDays: z
      .number()
      .nullable()
      .meta({ description: 'mean days from receipt to conclusion (outcome or discontinued); null over none' }),
    adrWithin90DaysShare: ratio('concluded within 90 days / concluded'),
    complianceReported: count('cases with a compliance report'),
    complianceRate: ratio('latest report says complied / cases with a report'),
  })
  .meta({ id: 'AdrMeasures' });
export type AdrMeasures = z.infer<typeof adrMeasures>;

/** Small numbers (core/small-numbers.ts): the threshold on the answer, the marked ratios on each row. */
const minCount = z
  .number()
  .int()
  .meta({ description: `the small-number threshold (${MIN_RANKED_COUNT} complaints): a ratio resting on fewer is in its row's lowCount` });
const lowCount = z.array(z.enum(RATIO_NAMES)).meta({
  description:
    'the ratios of this row that rest on fewer than minCount complaints (their denominator: complaints, closed, sentToTrader; ' +
    'for complaintsPerMillion the complaints): uncertain, so rankings mark them and rank them after the others',
});

export const comparison = z
  .object({
    from: z.string().meta({ description: 'the comparison window’s first instant (UTC, ISO 8601)' }),
    to: z.string().meta({ description: 'its end, exclusive (UTC, ISO 8601)' }),
    complete: z.boolean().meta({
      description: 'false: the current window reaches past asOf, so both were cut to the time elapsed in it ("1–6 Dec" against "1–6 Nov")',
    }),
    sameAge: z.boolean().meta({
      description:
        'true: the comparison’s lifecycle measures count only what had happened as long after its window as asOf is after the current one; ' +
        'false: they count everything up to asOf, so an older window has had longer to close',
    }),
    ...measures.shape,
    ...adrMeasures.shape,
  })
  .meta({ id: 'StatsComparison' });
export type ComparisonBody = z.infer<typeof comparison>;

export const summaryBody = z
  .object({
    asOf,
    ...measures.shape,
    ...adrMeasures.shape,
    comparison: comparison
      .nullable()
      .optional()
      .meta({ description: 'with `compare`: the comparison window’s measures; null without `from`' }),
  })
  .meta({ id: 'StatsSummary' });

export const countriesBody = z
  .object({
    asOf,
    side: z.enum(['consumer', 'trader']),
    minCount,
    items: z.array(
      z.object({
        country: z.string(),
        population: z.number().nullable().meta({ description: 'millions (domain.md §4)' }),
        complaintsPerMillion: z.number().nullable(),
        ...measures.shape,
        lowCount,
      }),
    ),
  })
  .meta({ id: 'StatsCountries' });

export const flowsBody = z
  .object({
    asOf,
    items: z.array(
      z.object({ consumerCountry: z.string(), traderCountry: z.string(), crossBorder: z.boolean(), complaints: z.number().int() }),
    ),
  })
  .meta({ id: 'StatsFlows' });

export const trendBody = z
  .object({
    asOf,
    interval: z.enum(INTERVALS),
    items: z
      .array(
        z.object({
          period: z.string().meta({ description: '2024-03, 2024-Q1 or 2024' }),
          start: z.string().meta({ description: 'first day (UTC)' }),
          incomplete: z.boolean().meta({ description: 'the period holding asOf: not over yet' }),
          ...measures.shape,
        }),
      )
      .meta({
        description:
          'every period from `from` (else the first complaint) to `to` (else asOf, and never past it), in time order; ' +
          'a period without complaints has counts 0 and rates and durations null',
      }),
  })
  .meta({ id: 'StatsTrend' });

export const codeRowsBody = z
  .object({
    asOf,
    minCount,
    items: z.array(
      z.object({
        code: z.string(),
        label: z.string(),
        share: ratio('complaints / all complaints in the filter'),
        ...measures.shape,
        lowCount,
      }),
    ),
  })
  .meta({ id: 'StatsByCode' });

const share = z.object({ count: z.number().int(), share: z.number().nullable() });
export const outcomesBody = z
  .object({
    asOf,
    closed: z.number().int(),
    closures: z.array(z.object({ closure: z.string(), ...share.shape })).meta({ description: 'share of closed' }),
    traderDecisions: z.array(z.object({ decision: z.string(), ...share.shape })).meta({ description: 'share of replies' }),
    adrResults: z.array(z.object({ result: z.string(), ...share.shape })).meta({ description: 'share of adr_outcome' }),
    refusalGrounds: z.array(z.object({ ground: z.string(), ...share.shape })).meta({ description: 'share of refusals' }),
    discontinuedReasons: z
      .array(z.object({ reason: z.enum(DISCONTINUED_REASON_CODES), ...share.shape }))
      .meta({ description: 'share of discontinued, by reason code' }),
    ...adrMeasures.shape,
  })
  .meta({ id: 'StatsOutcomes' });

export const overdueBody = z
  .object({
    asOf,
    open: z.number().int(),
    overdue: z.number().int(),
    items: z.array(z.object({ stage: z.string(), open: z.number().int(), overdue: z.number().int(), overdueShare: z.number().nullable() })),
  })
  .meta({ id: 'StatsOverdue' });

export const tradersBody = z
  .object({
    asOf,
    minClosedForRates: z.number().int(),
    minCount,
    items: z.array(
      z.object({
        traderId: z.string(),
        name: z.string().nullable(),
        country: z.string().nullable(),
        ratesShown: z
          .boolean()
          .meta({ description: `false: fewer closed complaints than minClosedForRates, so every rate and duration is null` }),
        ...measures.shape,
        lowCount,
      }),
    ),
  })
  .meta({ id: 'StatsTraders' });

const quartiles = z.object({ p25: z.number().nullable(), p50: z.number().nullable(), p75: z.number().nullable() });
export const BENCHMARK_MEASURES = ['resolutionRate', 'traderResponseRate', 'medianDaysToClose'] as const;
export const benchmarkBody = z
  .object({
    asOf,
    year: z.number().int(),
    traderId: z.string(),
    sector: z
      .string()
      .nullable()
      .meta({ description: 'the sector most of its complaints that year name (ties: registered sector, then alphabetical)' }),
    own: z.object({
      complaints: z.number().int(),
      closed: z.number().int(),
      resolutionRate: z.number().nullable(),
      traderResponseRate: z.number().nullable(),
      medianDaysToClose: z.number().nullable(),
    }),
    peers: z.object({
      suppressed: z.boolean().meta({ description: 'true: fewer than minPeers peers, every peer figure withheld' }),
      minPeers: z.number().int(),
      minClosed: z.number().int(),
      count: z.number().int().nullable().meta({ description: 'peers (null when suppressed)' }),
      quartiles: z.object({ resolutionRate: quartiles, traderResponseRate: quartiles, medianDaysToClose: quartiles }).nullable(),
      percentile: z
        .object({
          resolutionRate: z.number().nullable(),
          traderResponseRate: z.number().nullable(),
          medianDaysToClose: z.number().nullable(),
        })
        .nullable()
        .meta({ description: '(peers lower + ½ peers equal) / peers × 100' }),
    }),
  })
  .meta({ id: 'TraderBenchmark' });
export type BenchmarkBody = z.infer<typeof benchmarkBody>;

const named = z.object({ code: z.string(), label: z.string(), count: z.number().int(), share: z.number().nullable() });
export const adrReportBody = z
  .object({
    asOf,
    adrBody: z.object({ id: z.string(), name: z.string().nullable(), country: z.string().nullable() }),
    years: z.array(z.number().int()),
    basis: z.string().meta({ description: 'Directive 2013/11/EU Art. 7(2) (one year) or Art. 19(3) (two years)' }),
    received: z.number().int().meta({ description: 'disputes received (adr_body_agreed in the years)' }),
    domestic: z.number().int(),
    crossBorder: z.number().int(),
    byProblem: z.array(named).meta({ description: 'by type of complaint' }),
    bySector: z.array(named),
    refused: z.number().int(),
    refusalRate: z.number().nullable(),
    refusalGrounds: z.array(named),
    outcomes: z.number().int(),
    outcomeShares: z.array(named),
    discontinued: z.number().int(),
    discontinuedShare: z.number().nullable(),
    discontinuedReasons: z.array(named),
    averageDays: z.number().nullable(),
    within90DaysShare: z.number().nullable(),
    complianceReported: z.number().int(),
    complianceRate: z.number().nullable(),
    topProblems: z.array(named).meta({ description: 'the most frequent problems (systematic problems)' }),
    topTraders: z.array(
      z.object({ traderId: z.string(), name: z.string().nullable(), count: z.number().int(), share: z.number().nullable() }),
    ),
  })
  .meta({ id: 'AdrActivityReport' });
export type AdrReport = z.infer<typeof adrReportBody>;
