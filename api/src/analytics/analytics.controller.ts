import { Controller, Get } from '@nestjs/common';
import { errorResponses } from '../openapi/common-responses.js';
import { ApiDoc, ZParams, ZQuery } from '../openapi/route-docs.js';
import {
  adrBodyParams,
  adrReportBody,
  adrReportQuery,
  analyticsQuery,
  benchmarkBody,
  benchmarkQuery,
  codeRowsBody,
  countriesBody,
  countriesQuery,
  flowsBody,
  outcomesBody,
  overdueBody,
  summaryBody,
  traderParams,
  tradersBody,
  tradersQuery,
  trendBody,
  trendQuery,
  type AdrReportQuery,
  type AnalyticsQuery,
  type CountriesQuery,
  type TradersQuery,
  type TrendQuery,
} from './analytics.dto.js';
import { AnalyticsService } from './analytics.service.js';
import { Access } from '../access/access.decorator.js';

const errors = errorResponses(400, 503);
const doc = (summary: string, schema: Parameters<typeof ApiDoc>[0]['responses'][number]['schema'], description?: string) =>
  ApiDoc({ summary, ...(description ? { description } : {}), tags: ['analytics'], responses: { 200: { description: 'the figures, with asOf', schema }, ...errors } });

@Controller('api/v1/stats')
export class AnalyticsController {
  constructor(private readonly analytics: AnalyticsService) {}

  @Get('summary')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @doc('Every measure of domain.md §4 over the filtered complaints', summaryBody)
  summary(@ZQuery(analyticsQuery) q: AnalyticsQuery) {
    return this.analytics.summary(q);
  }

  @Get('countries')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @doc('The measures per country, consumer or trader side, with complaints per million inhabitants', countriesBody)
  countries(@ZQuery(countriesQuery) q: CountriesQuery) {
    return this.analytics.countries(q);
  }

  @Get('flows')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @doc('Complaints per consumer country × trader country', flowsBody)
  flows(@ZQuery(analyticsQuery) q: AnalyticsQuery) {
    return this.analytics.flows(q);
  }

  @Get('trend')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @doc('The measures per month, quarter or year of filing; the period holding asOf is flagged incomplete', trendBody)
  trend(@ZQuery(trendQuery) q: TrendQuery) {
    return this.analytics.trend(q);
  }

  @Get('sectors')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @doc('The measures per sector', codeRowsBody)
  sectors(@ZQuery(analyticsQuery) q: AnalyticsQuery) {
    return this.analytics.sectors(q);
  }

  @Get('problems')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @doc('The measures per problem type', codeRowsBody)
  problems(@ZQuery(analyticsQuery) q: AnalyticsQuery) {
    return this.analytics.problems(q);
  }

  @Get('outcomes')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @doc('Closure reasons, trader decisions, ADR results, refusal grounds and discontinuation reasons, with shares', outcomesBody)
  outcomes(@ZQuery(analyticsQuery) q: AnalyticsQuery) {
    return this.analytics.outcomes(q);
  }

  @Get('overdue')
  @Access('admin', 'regulator', 'trader', 'adr_body')
  @doc('Open cases by stage and those past their stage deadline at asOf', overdueBody)
  overdue(@ZQuery(analyticsQuery) q: AnalyticsQuery) {
    return this.analytics.overdue(q);
  }

  @Get('traders')
  @Access('admin', 'regulator')
  @doc('The regulators\u2019 trader table: traders ranked by complaints; rates only from 10 closed complaints', tradersBody)
  traders(@ZQuery(tradersQuery) q: TradersQuery) {
    return this.analytics.traders(q);
  }

  @Get('traders/:traderId/benchmark')
  @Access('admin', 'regulator', 'trader')
  @ApiDoc({
    summary: 'A trader against its sector peers (quartiles and percentile; withheld below 5 peers)',
    tags: ['analytics'],
    responses: { 200: { description: 'the benchmark, with asOf', schema: benchmarkBody }, ...errorResponses(400, 404, 503) },
  })
  benchmark(@ZParams(traderParams) p: { traderId: string }, @ZQuery(benchmarkQuery) q: { year: number }) {
    return this.analytics.benchmark(p.traderId, q.year);
  }

  @Get('adr-bodies/:adrBodyId/report')
  @Access('admin', 'regulator', 'adr_body')
  @ApiDoc({
    summary: 'An ADR body\u2019s activity report (Directive 2013/11/EU Art. 7(2) yearly, Art. 19(3) two-yearly)',
    tags: ['analytics'],
    responses: { 200: { description: 'the report, with asOf', schema: adrReportBody }, ...errorResponses(400, 404, 503) },
  })
  adrReport(@ZParams(adrBodyParams) p: { adrBodyId: string }, @ZQuery(adrReportQuery) q: AdrReportQuery) {
    return this.analytics.adrReport(p.adrBodyId, q);
  }
}
