/**
 * Analytics requests and answers (contract "Analytics"): the query schemas validate requests and,
 * with the answer schemas, make the OpenAPI document. Measure names are domain.md §4's.
 */
import { z } from 'zod';
import { registryFilterShape, strictQuery } from '../registry/registry.dto.js';
import { referenceId } from '../complaints/complaint.schema.js';
import { INTERVALS } from '../../../core/analytics-answers.js';
import { COMPARISONS } from './comparison-window.js';

const { q: _q, externalRef: _ref, ...filterShape } = registryFilterShape;

const year = (description: string) =>
  z
    .string()
    .regex(/^\d{4}$/, 'must be a year such as 2024')
    .transform(Number)
    .pipe(z.number().int().min(2000, 'must be 2000 or later').max(2100, 'must be 2100 or earlier'))
    .meta({ description });

export const analyticsQuery = strictQuery(filterShape);
export const summaryQuery = strictQuery({
  ...filterShape,
  compare: z
    .enum(COMPARISONS, { error: `must be one of ${COMPARISONS.join(', ')}` })
    .optional()
    .meta({
      description:
        'also answer `comparison`: the same measures over the previous period (the same number of whole months just before, ' +
        'else the same duration) or the same dates a year earlier, cut to the elapsed part while the window is not over; ' +
        'null without `from`',
    }),
});
export const countriesQuery = strictQuery({
  ...filterShape,
  side: z
    .enum(['consumer', 'trader'], { error: 'must be consumer or trader' })
    .default('consumer')
    .meta({ description: "whose country: the consumer's (default) or the trader's" }),
});
export const trendQuery = strictQuery({
  ...filterShape,
  interval: z
    .enum(INTERVALS, { error: `must be one of ${INTERVALS.join(', ')}` })
    .default('month')
    .meta({ description: 'bucket of filedAt (UTC): month (default), quarter or year' }),
});
export const tradersQuery = strictQuery({
  ...filterShape,
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number from 1 to 1000')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be a whole number from 1 to 1000').max(1000, 'must be a whole number from 1 to 1000'))
    .default(50)
    .meta({ description: 'how many traders, 1–1000 (default 50)' }),
});
export const benchmarkQuery = strictQuery({ year: year('UTC year of filing (the only parameter: nothing can be learnt by differencing)') });
/**
 * One reporting year (Art. 7(2)), or two consecutive ones (Art. 19(3)): `years`, in order. The
 * rules hold once each parameter is valid; a broken one is a 400 naming the parameter, with the
 * summary as the message.
 */
export const adrReportQuery = strictQuery({
  year: year('one reporting year (Art. 7(2))').optional(),
  fromYear: year('first of two years (Art. 19(3)); with toYear').optional(),
  toYear: year('last year, at most one after fromYear').optional(),
}).transform(({ year, fromYear, toYear }, ctx): { years: number[] } => {
  const refuse = (field: string, message: string, summary: string) => {
    ctx.addIssue({ code: 'custom', path: [field], message, params: { summary }, input: { year, fromYear, toYear } });
    return z.NEVER;
  };
  if (year !== undefined && (fromYear !== undefined || toYear !== undefined))
    return refuse('year', 'not with fromYear/toYear', 'give either year, or fromYear and toYear');
  if (year !== undefined) return { years: [year] };
  if (fromYear === undefined || toYear === undefined) {
    return refuse(
      fromYear === undefined ? 'fromYear' : 'toYear',
      'is required',
      'give year (one year) or fromYear and toYear (two years at most)',
    );
  }
  if (toYear < fromYear || toYear - fromYear > 1) {
    return refuse('toYear', `must be ${fromYear} or ${fromYear + 1}`, 'toYear must be fromYear or the year after it (two years at most)');
  }
  return { years: toYear === fromYear ? [fromYear] : [fromYear, toYear] };
});
export const traderParams = z.object({ traderId: referenceId('traderId') });
export const adrBodyParams = z.object({ adrBodyId: referenceId('adrBodyId') });

/** The filters of every analytics view (the registry's but `q` and `externalRef`). */
export type AnalyticsFilters = z.output<typeof analyticsQuery>;
export type SummaryQuery = z.output<typeof summaryQuery>;
export type CountriesQuery = z.output<typeof countriesQuery>;
export type TrendQuery = z.output<typeof trendQuery>;
export type TradersQuery = z.output<typeof tradersQuery>;
export type BenchmarkQuery = z.output<typeof benchmarkQuery>;
export type AdrReportQuery = z.output<typeof adrReportQuery>;
export type TraderParams = z.output<typeof traderParams>;
export type AdrBodyParams = z.output<typeof adrBodyParams>;

export const etlRun = z
  .object({
    id: z.number().int(),
    kind: z.enum(['full', 'incremental']),
    status: z.enum(['running', 'succeeded', 'failed']),
    trigger: z.string(),
    startedAt: z.string(),
    finishedAt: z.string().nullable(),
    rowsRead: z.number().int().nullable(),
    complaints: z.number().int().nullable(),
    error: z.string().optional(),
  })
  .meta({ id: 'EtlRun' });
export const etlRunsBody = z.object({ items: z.array(etlRun), running: z.number().int().nullable() }).meta({ id: 'EtlRuns' });
export const etlStartQuery = strictQuery({
  full: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((v) => v === 'true')
    .default(false)
    .meta({ description: 'true: rebuild everything instead of the increment' }),
  wait: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((v) => v === 'true')
    .default(false)
    .meta({ description: 'true: answer when the run has ended (200) instead of at once (202)' }),
});
