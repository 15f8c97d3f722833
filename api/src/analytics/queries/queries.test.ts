/**
 * The analytics' DuckDB statements, compiled without a database and kept as snapshots in
 * sql/duckdb/snapshots/stats/: a change to a statement shows up as a readable SQL diff (and a
 * change of its plan's shape in review). Every endpoint's statements unfiltered, and the filters
 * (each a representative set) as the summary writes them.
 */
import { describe, expect, it } from 'vitest';
import { compiled, snapshotText, type Statement } from '../../../../core/duckdb/duck-sql.js';
import { UNRESTRICTED, type Scope } from '../../access/scope.js';
import { analyticsQuery } from '../analytics.dto.js';
import { adrBody, adrBodyIds, adrBreakdowns, adrSummary, receivedIn, topTraders } from './adr-report.js';
import { benchmarkTraders, traderSector } from './benchmark.js';
import { byDimension } from './by-dimension.js';
import { agedSummary } from './aged-summary.js';
import { closeKm } from './close-km.js';
import { closeKmBounds } from './close-km-bounds.js';
import { closeBuckets, closeFineHistogram, closeRankValues } from './close-quantiles.js';
import { EVERYTHING, filtersWhere, keysOf, type IdKeys, type Where } from './filters.js';
import { groupCode, WHOLE_SET } from './flag-groups.js';
import { flows } from './flows.js';
import { outcomes } from './outcomes.js';
import { overdue } from './overdue.js';
import { summary } from './summary.js';
import { listedTraders, rankedTraders } from './traders.js';
import { trend } from './trend.js';
import { unchangedMatches } from './match-count.js';

const file = (name: string) => `../../../../sql/duckdb/snapshots/stats/${name}.sql`;
const snap = (name: string, statement: Statement<unknown>) => expect(snapshotText(statement)).toMatchFileSnapshot(file(name));

/** The keys the snapshot read gives these ids (T-GONE has none: it matches nothing). */
const KEYS: IdKeys = {
  traders: new Map([
    ['T-1', 17],
    ['T-2', 42],
  ]),
  adrBodies: new Map([['ADR-1', 3]]),
};
const where = (query: Record<string, string>, scope: Scope = UNRESTRICTED): Where => filtersWhere(analyticsQuery.parse(query), scope, KEYS);

/** Representative filters: each kind of SQL a filter becomes. */
const FILTERS: [name: string, query: Record<string, string>, scope?: Scope][] = [
  ['none', {}],
  ['one_sector', { sector: 'airlines' }],
  ['three_countries', { consumerCountry: 'DE,FR,IT' }],
  ['one_source', { source: 'odr-platform' }],
  ['two_sources', { source: 'odr-platform,national-feed' }],
  ['trader_and_adr_body', { traderId: 'T-1,T-2,T-GONE', adrBodyId: 'ADR-1' }],
  ['unknown_trader', { traderId: 'T-GONE' }],
  ['from_to', { from: '2024-01-01', to: '2025-01-01T00:00:00+01:00' }],
  ['overdue_cross_border', { overdue: 'true', crossBorder: 'false' }],
  [
    'every_kind',
    {
      status: 'open',
      stage: 'with_trader,trader_replied',
      problem: 'delivery',
      traderCountry: 'UK',
      closure: 'withdrawn',
      from: '2024-01-01',
      overdue: 'false',
    },
  ],
  ['scope_trader', { sector: 'airlines,hotels' }, { traderId: 'T-2', personalData: true }],
  ['scope_adr_body', {}, { adrBodyId: 'ADR-1', personalData: true }],
  ['scope_source', { traderId: 'T-1' }, { source: 'feed-7', personalData: true }],
];

describe('analytics SQL', () => {
  it('binds every filter value and writes keys inline', () => {
    const q = compiled(
      summary(where({ sector: 'airlines', consumerCountry: 'DE,FR', source: 'odr-platform', traderId: 'T-1', from: '2024-01-01' })),
    );
    expect(q.sql).not.toMatch(/airlines|'DE'|odr-platform|2024-01-01/);
    expect(q.parameters).toEqual(expect.arrayContaining(['airlines', 'DE', 'FR', 'odr-platform', '2024-01-01T00:00:00Z']));
    expect(q.sql).toContain('"trader_key" IN (17)');
    expect(compiled(summary(where({ traderId: 'T-GONE' }))).sql).toContain('WHERE false');
  });

  it.each(FILTERS)('filters: %s', async (name, query, scope) => {
    await snap(`filters/${name}`, summary(where(query, scope)));
  });

  it('summary, countries, flows, trend, sectors, problems, outcomes, overdue', async () => {
    await snap('summary', summary(EVERYTHING));
    await snap('countries_consumer', byDimension('consumer_country', EVERYTHING));
    await snap('countries_trader', byDimension('trader_country', EVERYTHING));
    await snap('flows', flows(EVERYTHING));
    for (const interval of ['month', 'quarter', 'year'] as const) await snap(`trend_${interval}`, trend(interval, EVERYTHING));
    await snap('sectors', byDimension('sector', EVERYTHING));
    await snap('problems', byDimension('problem', EVERYTHING));
    await snap('outcomes', outcomes(EVERYTHING));
    await snap('overdue', overdue(EVERYTHING));
  });

  it('traders: the ranking, then the listed traders’ measures', async () => {
    await snap('traders_ranked', rankedTraders(EVERYTHING, 50));
    await snap('traders_measures', byDimension('trader_key', listedTraders(where({ sector: 'airlines' }), [17, 42, 3, 1040])));
  });

  it('the registry total: the snapshot’s matches, overdue judged at the request, without the cases changed since', async () => {
    const at = filtersWhere(analyticsQuery.parse({ overdue: 'true', sector: 'hotels' }), UNRESTRICTED, KEYS, {
      overdueAt: new Date('2026-01-15T12:00:00Z'),
    });
    await snap('registry_total', unchangedMatches(at, '101,102'));
    await snap('registry_total_nothing_changed', unchangedMatches(where({ overdue: 'false' }), ''));
  });

  it('trader benchmark', async () => {
    await snap('benchmark_traders', benchmarkTraders('T-1', 2024));
    await snap('benchmark_trader_sector', traderSector('T-1'));
  });

  it('ADR report: the body, its summary, breakdowns and top traders', async () => {
    const received = receivedIn(3, [2023, 2024]);
    await snap('adr_body', adrBody('ADR-1'));
    await snap('adr_body_ids', adrBodyIds);
    await snap('adr_summary', adrSummary(received));
    await snap('adr_report_breakdowns', adrBreakdowns(received));
    await snap('adr_top_traders', topTraders(received, 10));
    // A body without a case: its key -1 matches nothing.
    await snap('adr_summary_no_case', adrSummary(receivedIn(-1, [2024])));
  });

  it('close quantiles: the buckets, steps 2 and 3 (per group and for a whole set)', async () => {
    const sector = where({ sector: 'airlines' });
    await snap('close_buckets', closeBuckets);
    await snap('close_step2_by_sector', closeFineHistogram(EVERYTHING, groupCode('sector'), [4, 5, 6]));
    await snap('close_step2_summary', closeFineHistogram(sector, WHOLE_SET, [12]));
    await snap(
      'close_step3_by_month',
      closeRankValues(EVERYTHING, groupCode('filed_month'), [
        { g: 24290, b: 5, o: 17 },
        { g: 24291, b: 5, o: 3 },
        { g: 24291, b: 6, o: 0 },
      ]),
    );
    await snap('close_step3_summary', closeRankValues(sector, WHOLE_SET, [{ g: 0, b: 12, o: 4711 }]));
  });

  it('Kaplan–Meier quantiles of days to close: a whole set, per period, per listed trader', async () => {
    await snap('close_km_summary', closeKm(where({ sector: 'airlines' }), WHOLE_SET));
    await snap('close_km_by_month', closeKm(EVERYTHING, groupCode('filed_month')));
    await snap('close_km_traders', closeKm(listedTraders(EVERYTHING, [17, 42]), groupCode('trader_key')));
    // The months the bounds left undecided only.
    await snap('close_km_some_months', closeKm(EVERYTHING, groupCode('filed_month'), 0, [24290, 24291]));
    await snap('close_km_bounds_summary', closeKmBounds(where({ sector: 'airlines' }), WHOLE_SET));
    await snap('close_km_bounds_by_month', closeKmBounds(EVERYTHING, groupCode('filed_month')));
    // A comparison's earlier cohort at the same age: a month (30 days) before the snapshot.
    const monthUs = 30 * 86_400_000_000;
    await snap('close_km_aged', closeKm(where({ from: '2024-05-01', to: '2024-06-01' }), WHOLE_SET, monthUs));
    await snap('close_km_bounds_aged', closeKmBounds(where({ from: '2024-05-01', to: '2024-06-01' }), WHOLE_SET, monthUs));
    await snap('aged_summary', agedSummary(where({ from: '2024-05-01', to: '2024-06-01' }), monthUs));
  });

  it('the keys of trader and ADR body ids', async () => {
    await snap('trader_keys', keysOf('trader', ['T-1', 'T-2']));
    await snap('adr_body_keys', keysOf('adr_body', ['ADR-1']));
  });
});
