import { Controller, Get, UseInterceptors } from '@nestjs/common';
import { errorResponses } from '../openapi/common-responses.js';
import { ApiDoc, ZParams, ZQuery } from '../openapi/route-docs.js';
import {
  adrBodyParams,
  adrReportQuery,
  analyticsQuery,
  summaryQuery,
  benchmarkQuery,
  countriesQuery,
  traderParams,
  tradersQuery,
  trendQuery,
  type AdrBodyParams,
  type AdrReportQuery,
  type AnalyticsFilters,
  type SummaryQuery,
  type BenchmarkQuery,
  type CountriesQuery,
  type TraderParams,
  type TradersQuery,
  type TrendQuery,
} from './analytics.dto.js';
import {
  adrReportBody,
  asOfBody,
  benchmarkBody,
  codeRowsBody,
  countriesBody,
  flowsBody,
  outcomesBody,
  overdueBody,
  summaryBody,
  tradersBody,
  trendBody,
} from '../../../core/analytics-answers.js';
import { AnalyticsService } from './analytics.service.js';
import { Access } from '../access/access.decorator.js';
import { CurrentCaller } from '../access/caller.decorator.js';
import type { Caller } from '../access/roles.js';
import { scopeOf } from '../access/scope.js';
import { RevalidateFigures } from './revalidate.interceptor.js';

const errors = errorResponses(400, 503);
const SCOPE_NOTE =
  'A trader\u2019s figures cover only its own cases, an ADR body\u2019s only the cases transmitted to it; filters narrow that scope, never widen it.';
const doc = (summary: string, schema: Parameters<typeof ApiDoc>[0]['responses'][number]['schema'], description?: string) =>
  ApiDoc({
    summary,
    description: `${description ? `${description} ` : ''}${SCOPE_NOTE}`,
    tags: ['analytics'],
    responses: { 200: { description: 'the figures, with asOf', schema }, ...errors },
  });

@Controller('api/v1/stats')
@UseInterceptors(RevalidateFigures)
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('as-of')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @doc(
    'The published snapshot\u2019s stamp alone (no figures): cheap to poll for a newer ETL run',
    asOfBody,
    'What every answer carries as asOf (null before the first run, where the figures answer 503); a dashboard polls it to refresh its stamp and charts after a run.',
  )
  asOf(@CurrentCaller() caller: Caller) {
    return this.analytics.asOf(scopeOf(caller));
  }

  @Get('summary')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @doc('Every measure of domain.md §4 over the filtered complaints (with `compare`, also over a like-for-like window)', summaryBody)
  summary(@ZQuery(summaryQuery) q: SummaryQuery, @CurrentCaller() caller: Caller) {
    return this.analytics.summary(q, scopeOf(caller));
  }

  @Get('countries')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @doc('The measures per country, consumer or trader side, with complaints per million inhabitants', countriesBody)
  countries(@ZQuery(countriesQuery) q: CountriesQuery, @CurrentCaller() caller: Caller) {
    return this.analytics.countries(q, scopeOf(caller));
  }

  @Get('flows')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @doc('Complaints per consumer country × trader country', flowsBody)
  flows(@ZQuery(analyticsQuery) q: AnalyticsFilters, @CurrentCaller() caller: Caller) {
    return this.analytics.flows(q, scopeOf(caller));
  }

  @Get('trend')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @doc('The measures per month, quarter or year of filing; the period holding asOf is flagged incomplete', trendBody)
  trend(@ZQuery(trendQuery) q: TrendQuery, @CurrentCaller() caller: Caller) {
    return this.analytics.trend(q, scopeOf(caller));
  }

  @Get('sectors')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @doc('The measures per sector', codeRowsBody)
  sectors(@ZQuery(analyticsQuery) q: AnalyticsFilters, @CurrentCaller() caller: Caller) {
    return this.analytics.sectors(q, scopeOf(caller));
  }

  @Get('problems')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @doc('The measures per problem type', codeRowsBody)
  problems(@ZQuery(analyticsQuery) q: AnalyticsFilters, @CurrentCaller() caller: Caller) {
    return this.analytics.problems(q, scopeOf(caller));
  }

  @Get('outcomes')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @doc('Closure reasons, trader decisions, ADR results, refusal grounds and discontinuation reasons, with shares', outcomesBody)
  outcomes(@ZQuery(analyticsQuery) q: AnalyticsFilters, @CurrentCaller() caller: Caller) {
    return this.analytics.outcomes(q, scopeOf(caller));
  }

  @Get('overdue')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @doc('Open cases by stage and those past their stage deadline at asOf', overdueBody)
  overdue(@ZQuery(analyticsQuery) q: AnalyticsFilters, @CurrentCaller() caller: Caller) {
    return this.analytics.overdue(q, scopeOf(caller));
  }

  @Get('traders')
  @Access('admin', 'regulator')
  @doc('The regulators\u2019 trader table: traders ranked by complaints; rates only from 10 closed complaints', tradersBody)
  traders(@ZQuery(tradersQuery) q: TradersQuery, @CurrentCaller() caller: Caller) {
    return this.analytics.traders(q, scopeOf(caller));
  }

  @Get('traders/:traderId/benchmark')
  @Access('admin', 'regulator', 'trader')
  @ApiDoc({
    summary: 'A trader against its sector peers (quartiles and percentile; withheld below 5 peers)',
    description:
      'A trader reads only its own benchmark (another trader\u2019s → 404). With `peers.suppressed: true` no peer figure is sent at all (count, quartiles and percentile are null); the benchmark exists as JSON only.',
    tags: ['analytics'],
    responses: { 200: { description: 'the benchmark, with asOf', schema: benchmarkBody }, ...errorResponses(400, 404, 503) },
  })
  benchmark(@ZParams(traderParams) p: TraderParams, @ZQuery(benchmarkQuery) q: BenchmarkQuery, @CurrentCaller() caller: Caller) {
    return this.analytics.benchmark(p.traderId, q.year, scopeOf(caller));
  }

  @Get('adr-bodies/:adrBodyId/report')
  @Access('admin', 'regulator', 'adr_body')
  @ApiDoc({
    summary: 'An ADR body\u2019s activity report (Directive 2013/11/EU Art. 7(2) yearly, Art. 19(3) two-yearly)',
    description: 'An ADR body reads only its own report (another body\u2019s → 404).',
    tags: ['analytics'],
    responses: { 200: { description: 'the report, with asOf', schema: adrReportBody }, ...errorResponses(400, 404, 503) },
  })
  adrReport(@ZParams(adrBodyParams) p: AdrBodyParams, @ZQuery(adrReportQuery) q: AdrReportQuery, @CurrentCaller() caller: Caller) {
    return this.analytics.adrReport(p.adrBodyId, q, scopeOf(caller));
  }
}
