/**
 * Analytics over the published DuckDB snapshot. Every answer reads its figures and its `asOf`
 * in one read transaction, so they always describe the same snapshot. The SQL lives in
 * sql/duckdb/stats/; the measures are defined once, in measures.sql and adr_measures.sql, and the
 * quantiles of days to close in close-quantiles.ts.
 */
import { readFileSync } from 'node:fs';
import { sqlPath } from '../../../core/paths.js';
import { ApiError } from '../common/errors.js';
import { DISCONTINUED_REASONS, POPULATION_MILLIONS, PROBLEMS, REFUSAL_GROUNDS, SECTORS, type Country } from '../../../core/codes.js';
import { readSnapshot, type Params, type Row } from '../../../core/duckdb/analytics-db.js';
import type { SnapshotSource } from '../../../core/duckdb/snapshot-source.js';
import { filtersWhere, keyedIdsOf, type SqlWhere } from './analytics-filters.js';
import { histogramQuantiles, readCloseBuckets, NO_CLOSED, type BucketCount, type CloseBuckets } from './close-quantiles.js';
import { assertAdrBodyVisible, assertTraderVisible, scopeKey, UNRESTRICTED, type Scope } from '../access/scope.js';
import { type AdrReportQuery, type AnalyticsFilters, type CountriesQuery, type TradersQuery, type TrendQuery } from './analytics.dto.js';
import { AnswerCache, CloseBucketsCache, type DataChange } from './snapshot-cache.js';
import { BENCHMARK_MEASURES, type AdrReport, type AsOf, type BenchmarkBody } from '../../../core/analytics-answers.js';
import { percentile as percentileOf, quartiles as quartilesOf } from './benchmark-stats.js';

export { interpolate } from './benchmark-stats.js';

const stats = (name: string) => readFileSync(sqlPath('duckdb', 'stats', name), 'utf8');
const stripComments = (s: string) => s.replace(/^\s*--.*$/gm, '').trim();

/** The columns the grouped views group by; the ENUM ones give their integer code by enum_code. */
type GroupColumn = 'consumer_country' | 'trader_country' | 'sector' | 'problem' | 'filed_month' | 'filed_quarter' | 'filed_year' | 'trader_key';
const ENUM_GROUPS: ReadonlySet<GroupColumn> = new Set(['consumer_country', 'trader_country', 'sector', 'problem']);

/** Months per trend interval: trend.sql turns a period's number into its first day with it. */
const MONTHS = { month: 1, quarter: 3, year: 12 } as const;

/** Thresholds of domain.md §4. */
export const MIN_CLOSED_FOR_RATES = 10;
export const MIN_PEERS = 5;
const TOP = 10;


type Q = (text: string, params?: Params) => Promise<Row[]>;

export class AnalyticsNotBuilt extends ApiError {
  constructor() {
    super(503, 'analytics are not built yet: the first ETL run has not finished (POST /api/v1/etl/runs starts one)', undefined, {});
  }
}

function label(table: Readonly<Record<string, { en: string }>>, code: string): string {
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

export class AnalyticsService {
  private readonly sql: Record<string, string>;
  private readonly cache = new AnswerCache();
  private readonly buckets = new CloseBucketsCache();

  constructor(
    private readonly analytics: SnapshotSource,
  ) {
    // The fragments, outermost first: a query's {{by_dimension}} brings {{flag_groups}}, which
    // brings {{flag_counts}}; {{where}} and {{group}} are filled per request (run()).
    const fragments: [string, string][] = [
      ['by_dimension', stats('by_dimension.sql')],
      ['flag_groups', stats('flag_groups.sql')],
      ['set_groups', stats('set_groups.sql')],
      ['adr_days', stats('adr_days.sql')],
      ['flag_counts', stripComments(stats('flag_counts.sql'))],
      ['measures', stripComments(stats('measures.sql'))],
      ['adr_measures', stripComments(stats('adr_measures.sql'))],
      ['close_quantiles', stripComments(stats('close_quantiles.sql'))],
    ];
    // set_groups.sql's table: the ADR report reads adr_facts, which holds every case a body received.
    const fill = (name: string) =>
      fragments.reduce((text, [k, v]) => text.replaceAll(`{{${k}}}`, v), stats(name)).replaceAll('{{facts}}', name === 'adr_summary.sql' ? 'adr_facts' : 'complaint_facts');
    this.sql = Object.fromEntries(
      ['summary', 'by_dimension', 'flows', 'trend', 'overdue', 'traders', 'top_traders', 'benchmark_traders', 'outcomes', 'adr_summary', 'adr_report_breakdowns'].map((n) => [n, fill(`${n}.sql`)]),
    );
  }

  /**
   * Runs `fn` on the published snapshot; 503 before the first successful run. Answers are kept
   * per snapshot (a snapshot never changes, so a kept answer is exact until the next run
   * publishes): the dashboard's many readers asking the same views cost one query each.
   */
  private async onSnapshot<T extends object>(key: string, scope: Scope, fn: (q: Q, asOf: AsOf, dataRunId: number) => Promise<T>): Promise<T & { asOf: AsOf }> {
    return this.analytics.read(async (q) => {
      const s = await readSnapshot(q);
      if (!s) throw new AnalyticsNotBuilt();
      // Answers are kept per data version (snapshot-cache.ts).
      const asOf = asOfFor(s, scope);
      const kept = this.cache.get<T>(key, s.dataRunId);
      if (kept) return { asOf, ...kept };
      const body = await fn(q, asOf, s.dataRunId);
      // Kept only while no newer data version was seen (the publication may have happened meanwhile).
      this.cache.set(key, s.dataRunId, body);
      return { asOf, ...body };
    });
  }

  /** After a publication: recompute the unfiltered views ahead of the first reader when it is due (snapshot-cache.ts). */
  async prewarmAfter(change: DataChange): Promise<void> {
    if (this.cache.prewarmDue(change)) await this.prewarm();
  }

  /** Computes the dashboard's unfiltered views ahead of the first reader. */
  async prewarm(): Promise<void> {
    await this.summary({});
    for (const side of ['consumer', 'trader'] as const) await this.countries({ side });
    await this.flows({});
    for (const interval of ['month', 'quarter', 'year'] as const) await this.trend({ interval });
    await this.sectors({});
    await this.problems({});
    await this.outcomes({});
    await this.overdue({});
    await this.traders({ limit: 50 });
  }

  /** The close buckets of the snapshot being read: read once per data version. */
  private closeBuckets(q: Q, dataRunId: number): Promise<CloseBuckets> {
    return this.buckets.of(dataRunId, () => readCloseBuckets(q));
  }

  /** The filters as SQL, with the trader and ADR body keys they need looked up in the snapshot being read. */
  private async where(q: Q, f: AnalyticsFilters, scope: Scope): Promise<SqlWhere> {
    const ids = keyedIdsOf(f, scope);
    return filtersWhere(f, scope, { traders: await keysOf(q, 'trader', ids.traders), adrBodies: await keysOf(q, 'adr_body', ids.adrBodies) });
  }

  private run(q: Q, name: string, w: SqlWhere, fill: Record<string, string> = {}, extra: Params = {}): Promise<Row[]> {
    let text = this.sql[name]!.replaceAll('{{where}}', w.where);
    for (const [k, v] of Object.entries(fill)) text = text.replaceAll(`{{${k}}}`, v);
    return q(text, { ...w.params, ...extra });
  }

  /**
   * by_dimension.sql (or trend.sql around it) grouped by `column`: the measures per value, and
   * the quantiles from each value's histogram (close-quantiles.ts) in their place.
   */
  private async byDimension(q: Q, dataRunId: number, w: SqlWhere, column: GroupColumn, name = 'by_dimension', fill: Record<string, string> = {}): Promise<Row[]> {
    const code = (of: string) => (ENUM_GROUPS.has(column) ? `enum_code(${of})` : of);
    const rows = (await this.run(q, name, w, { group: column, key_code: code(`"key"`), ...fill })) as (Row & { code: number; closeHistogram: BucketCount[] | null })[];
    // A group without a closed case has no histogram (null): nulls.
    const quantiles = await histogramQuantiles(q, await this.closeBuckets(q, dataRunId), w, code(column), new Map(rows.map((r) => [Number(r.code), r.closeHistogram ?? []] as const)));
    return rows.map(({ closeHistogram: _, code: c, ...m }) => ({ ...m, ...(quantiles.get(Number(c)) ?? NO_CLOSED) }));
  }

  async summary(f: AnalyticsFilters, scope: Scope = UNRESTRICTED) {
    return this.onSnapshot(key('summary', f, scope), scope, async (q, _asOf, dataRunId) => {
      const w = await this.where(q, f, scope);
      const [{ closeHistogram, ...measures }] = (await this.run(q, 'summary', w)) as [Row & { closeHistogram: BucketCount[] | null }];
      const quantiles = await histogramQuantiles(q, await this.closeBuckets(q, dataRunId), w, '0', new Map([[0, closeHistogram ?? []]]));
      return { ...measures, ...quantiles.get(0)! };
    });
  }

  async countries(query: CountriesQuery, scope: Scope = UNRESTRICTED) {
    const { side, ...f } = query;
    return this.onSnapshot(key('countries', query, scope), scope, async (q, _asOf, dataRunId) => {
      const rows = await this.byDimension(q, dataRunId, await this.where(q, f, scope), side === 'consumer' ? 'consumer_country' : 'trader_country');
      const items = rows.map(({ key, ...m }) => {
        const population = POPULATION_MILLIONS[key as Country] ?? null;
        return { country: String(key), population, complaintsPerMillion: population ? Number(m.complaints) / population : null, ...m };
      });
      return { side, items };
    });
  }

  async flows(f: AnalyticsFilters, scope: Scope = UNRESTRICTED) {
    return this.onSnapshot(key('flows', f, scope), scope, async (q) => {
      const rows = await this.run(q, 'flows', await this.where(q, f, scope));
      return { items: rows.map((r) => ({ consumerCountry: String(r.consumerCountry), traderCountry: String(r.traderCountry), crossBorder: r.consumerCountry !== r.traderCountry, complaints: Number(r.complaints) })) };
    });
  }

  async trend(query: TrendQuery, scope: Scope = UNRESTRICTED) {
    const { interval, ...f } = query;
    const body = await this.onSnapshot(key('trend', query, scope), scope, async (q, _asOf, dataRunId) => {
      const w = await this.where(q, f, scope);
      const rows = await this.byDimension(q, dataRunId, w, `filed_${interval}`, 'trend', { months: String(MONTHS[interval]) });
      return { interval, items: rows.map(({ start, key: _, ...m }) => ({ period: periodOf(String(start), interval), start: String(start), ...m })) };
    });
    // Judged against this answer's asOf, not the kept one's: a period ends without any data change.
    const current = periodOf(body.asOf.finishedAt.slice(0, 10), interval);
    return { ...body, items: body.items.map((i) => ({ ...i, incomplete: i.period === current })) };
  }

  async sectors(f: AnalyticsFilters, scope: Scope = UNRESTRICTED) {
    return this.byCode(f, 'sector', SECTORS, scope);
  }

  async problems(f: AnalyticsFilters, scope: Scope = UNRESTRICTED) {
    return this.byCode(f, 'problem', PROBLEMS, scope);
  }

  private async byCode(f: AnalyticsFilters, column: 'sector' | 'problem', labels: Readonly<Record<string, { en: string }>>, scope: Scope) {
    return this.onSnapshot(key(column, f, scope), scope, async (q, _asOf, dataRunId) => {
      const rows = await this.byDimension(q, dataRunId, await this.where(q, f, scope), column);
      const total = rows.reduce((s, r) => s + Number(r.complaints), 0);
      return { items: rows.map(({ key, ...m }) => ({ code: String(key), label: label(labels, String(key)), share: share(Number(m.complaints), total), ...m })) };
    });
  }

  async outcomes(f: AnalyticsFilters, scope: Scope = UNRESTRICTED) {
    return this.onSnapshot(key('outcomes', f, scope), scope, async (q) => {
      const w = await this.where(q, f, scope);
      // One row per counted value, each carrying the summary (at least one row).
      const rows = await this.run(q, 'outcomes', w);
      const s = rows[0]!;
      const of = (column: string) => rows.filter((r) => r.column === column).map((r) => ({ key: String(r.key), count: Number(r.count) }));
      const shares = <K extends string>(column: string, name: K, total: number) =>
        of(column).map((r) => ({ [name]: r.key, count: r.count, share: share(r.count, total) }) as Record<K, string> & { count: number; share: number | null });
      return {
        closed: Number(s.closed),
        closures: shares('closure', 'closure', Number(s.closed)),
        traderDecisions: shares('trader_decision', 'decision', Number(s.traderReplied)),
        adrResults: shares('adr_result', 'result', Number(s.adrOutcomes)),
        refusalGrounds: shares('refusal_ground', 'ground', Number(s.adrRefused)),
        discontinuedReasons: shares('discontinued_reason', 'reason', Number(s.adrDiscontinued)),
        ...pick(s, ['adrReceived', 'adrAccepted', 'adrRefused', 'adrRefusalRate', 'adrOutcomes', 'adrDiscontinued', 'adrDiscontinuedShare', 'adrAverageDays', 'adrWithin90DaysShare', 'complianceReported', 'complianceRate']),
      };
    });
  }

  async overdue(f: AnalyticsFilters, scope: Scope = UNRESTRICTED) {
    return this.onSnapshot(key('overdue', f, scope), scope, async (q) => {
      const rows = await this.run(q, 'overdue', await this.where(q, f, scope));
      const order = ['filed', 'with_trader', 'trader_replied', 'at_adr_body', 'adr_in_progress'];
      const byStage = new Map(rows.map((r) => [String(r.stage), r]));
      const items = order.map((stage) => {
        const r = byStage.get(stage);
        const open = Number(r?.open ?? 0);
        const overdue = Number(r?.overdue ?? 0);
        return { stage, open, overdue, overdueShare: share(overdue, open) };
      });
      return { open: items.reduce((s, i) => s + i.open, 0), overdue: items.reduce((s, i) => s + i.overdue, 0), items };
    });
  }

  async traders(query: TradersQuery, scope: Scope = UNRESTRICTED) {
    const { limit, ...f } = query;
    return this.onSnapshot(key('traders', query, scope), scope, async (q, _asOf, dataRunId) => {
      const w = await this.where(q, f, scope);
      const listed = await this.run(q, 'traders', w, {}, { limit });
      if (listed.length === 0) return { minClosedForRates: MIN_CLOSED_FOR_RATES, items: [] };
      // The listed traders' measures and quantiles, as the grouped views compute them. Their keys
      // are integers from the store: written inline, as the filters write keys. The range check
      // goes first: DuckDB tests `IN` over 50 values row by row, a range costs little, and where
      // the listed keys lie close together (keys are given in id order) it spares most of them
      // (the bench's 10 M rows: p50 67 → 54 ms, p95 157 → 118 ms; no loss when they do not).
      const keys = listed.map((r) => Math.trunc(Number(r.trader_key)));
      const measured = await this.byDimension(q, dataRunId, { where: `(${w.where}) AND trader_key BETWEEN ${Math.min(...keys)} AND ${Math.max(...keys)} AND trader_key IN (${keys.join(', ')})`, params: w.params }, 'trader_key');
      const byKey = new Map(measured.map(({ key, ...m }) => [Number(key), m]));
      const items = listed.map(({ trader_key, traderId, name, country }) => {
        const m = byKey.get(Number(trader_key))!;
        const ratesShown = Number(m.closed) >= MIN_CLOSED_FOR_RATES;
        const out: Row = { traderId, ...m, name: name ?? null, country: country ?? null, ratesShown };
        if (!ratesShown) {
          for (const k of ['crossBorderShare', 'resolutionRate', 'traderResponseRate', 'timelyTraderResponseRate', 'adrAgreementRate', 'medianDaysToClose', 'p90DaysToClose']) out[k] = null;
        }
        return out;
      });
      return { minClosedForRates: MIN_CLOSED_FOR_RATES, items };
    });
  }

  /**
   * domain.md §4 "Trader benchmark": peers are the other traders of the trader's sector with at
   * least MIN_CLOSED_FOR_RATES closed complaints in the year; fewer than MIN_PEERS peers and
   * every peer figure is withheld. Only quartiles and the trader's percentile leave the server.
   */
  async benchmark(traderId: string, year: number, scope: Scope = UNRESTRICTED): Promise<BenchmarkBody> {
    // Before the cache: another trader's benchmark is a 404 whether or not it was computed.
    assertTraderVisible(scope, traderId);
    // The answer depends on the trader and year only (peers are never scoped), so it is shared.
    return this.onSnapshot(key('benchmark', { traderId, year }, UNRESTRICTED), scope, async (q) => {
      const rows = await this.run(q, 'benchmark_traders', { where: 'true', params: {} }, {}, { year, trader: traderId });
      const me = rows.find((r) => r.traderId === traderId);
      let sector: string | null = me ? String(me.sector) : null;
      if (!me) {
        const [t] = await q('SELECT sector FROM traders WHERE id = $id', { id: traderId });
        if (!t) throw new ApiError(404, `no trader "${traderId}"`);
        sector = (t.sector as string | null) ?? null;
      }
      const peers = rows.filter((r) => r.traderId !== traderId && r.sector === sector && Number(r.closed) >= MIN_CLOSED_FOR_RATES);
      const own = {
        complaints: Number(me?.complaints ?? 0),
        closed: Number(me?.closed ?? 0),
        resolutionRate: (me?.resolutionRate as number | null | undefined) ?? null,
        traderResponseRate: (me?.traderResponseRate as number | null | undefined) ?? null,
        medianDaysToClose: (me?.medianDaysToClose as number | null | undefined) ?? null,
      };
      const suppressed = peers.length < MIN_PEERS;
      const base = { suppressed, minPeers: MIN_PEERS, minClosed: MIN_CLOSED_FOR_RATES };
      if (suppressed) return { year, traderId, sector, own, peers: { ...base, count: null, quartiles: null, percentile: null } };
      const quartiles = {} as Record<(typeof BENCHMARK_MEASURES)[number], { p25: number | null; p50: number | null; p75: number | null }>;
      const percentile = {} as Record<(typeof BENCHMARK_MEASURES)[number], number | null>;
      for (const m of BENCHMARK_MEASURES) {
        const values = peers.map((p) => p[m]).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
        quartiles[m] = quartilesOf(values);
        percentile[m] = percentileOf(values, own[m]);
      }
      return { year, traderId, sector, own, peers: { ...base, count: peers.length, quartiles, percentile } };
    });
  }

  /** domain.md §4 "ADR body activity report", over the cases the body received in the years. */
  async adrReport(adrBodyId: string, { years }: AdrReportQuery, scope: Scope = UNRESTRICTED): Promise<AdrReport> {
    assertAdrBodyVisible(scope, adrBodyId);
    // Depends on the body and years only (every reader allowed to see it sees the same report).
    return this.onSnapshot(key('adrReport', { adrBodyId, years }, UNRESTRICTED), scope, async (q) => {
      const [body] = await q('SELECT b.id, b.name, b.country, k.adr_body_key FROM adr_bodies b LEFT JOIN adr_body_keys k ON k.adr_body_id = b.id WHERE b.id = $id', { id: adrBodyId });
      if (!body) throw new ApiError(404, `no ADR body "${adrBodyId}"`);
      const w: SqlWhere = {
        // The key is an integer from the store (inline, as the filters write keys); none matches nothing.
        where: `adr_body_key = ${Math.trunc(Number(body.adr_body_key ?? -1))} AND agreed_at >= make_timestamp($y0, 1, 1, 0, 0, 0) AND agreed_at < make_timestamp($y1 + 1, 1, 1, 0, 0, 0)`,
        params: { y0: years[0]!, y1: years[years.length - 1]! },
      };
      const [s] = await this.run(q, 'adr_summary', w);
      const m = s!;
      const received = Number(m.adrReceived);
      const breakdowns = await this.run(q, 'adr_report_breakdowns', w);
      const named = (column: string, labels: Readonly<Record<string, { en: string }>> | null, of: number) =>
        breakdowns
          .filter((r) => r.column === column)
          .map((r) => ({ code: String(r.key), label: labels ? label(labels, String(r.key)) : String(r.key), count: Number(r.count), share: share(Number(r.count), of) }));
      const byProblem = named('problem', PROBLEMS, received);
      const traderRows = await this.run(q, 'top_traders', w, {}, { limit: TOP });
      return {
        adrBody: { id: String(body.id), name: (body.name as string | null) ?? null, country: (body.country as string | null) ?? null },
        years,
        basis: years.length === 1 ? 'Directive 2013/11/EU Art. 7(2): yearly activity report' : 'Directive 2013/11/EU Art. 19(3): two-yearly report to the competent authority',
        received,
        domestic: received - Number(m.crossBorder),
        crossBorder: Number(m.crossBorder),
        byProblem,
        bySector: named('sector', SECTORS, received),
        refused: Number(m.adrRefused),
        refusalRate: m.adrRefusalRate as number | null,
        refusalGrounds: named('refusal_ground', REFUSAL_GROUNDS, Number(m.adrRefused)),
        outcomes: Number(m.adrOutcomes),
        outcomeShares: named('adr_result', null, Number(m.adrOutcomes)),
        discontinued: Number(m.adrDiscontinued),
        discontinuedShare: m.adrDiscontinuedShare as number | null,
        discontinuedReasons: named('discontinued_reason', DISCONTINUED_REASONS, Number(m.adrDiscontinued)),
        averageDays: m.adrAverageDays as number | null,
        within90DaysShare: m.adrWithin90DaysShare as number | null,
        complianceReported: Number(m.complianceReported),
        complianceRate: m.complianceRate as number | null,
        topProblems: byProblem.slice(0, 5),
        topTraders: traderRows.map((r) => ({ traderId: String(r.traderId), name: (r.name as string | null) ?? null, count: Number(r.count), share: share(Number(r.count), received) })),
      };
    });
  }
}

/** The keys of these trader or ADR body ids (trader_keys, adr_body_keys); ids without one are left out. */
async function keysOf(q: Q, of: 'trader' | 'adr_body', ids: readonly string[]): Promise<Map<string, number>> {
  const keys = new Map<string, number>();
  if (ids.length === 0) return keys;
  const params = Object.fromEntries(ids.map((id, i) => [`k${i}`, id]));
  const rows = await q(`SELECT ${of}_id AS id, ${of}_key AS key FROM ${of}_keys WHERE ${of}_id IN (${Object.keys(params).map((p) => `$${p}`).join(', ')})`, params);
  for (const r of rows) keys.set(String(r.id), Number(r.key));
  return keys;
}

/**
 * The cache key of one question: the endpoint, the caller's forced scope (one caller's answer is
 * never served to another outside it) and the parameters in a canonical order.
 */
function key(endpoint: string, params: object, scope: Scope): string {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined).sort(([a], [b]) => a.localeCompare(b));
  return `${endpoint}@${scopeKey(scope)}?${JSON.stringify(entries)}`;
}

function pick<K extends string>(row: Row, keys: readonly K[]): Record<K, unknown> {
  return Object.fromEntries(keys.map((k) => [k, row[k]])) as Record<K, unknown>;
}

/** '2024-03-01' → '2024-03' | '2024-Q1' | '2024'. */
export function periodOf(day: string, interval: 'month' | 'quarter' | 'year'): string {
  const y = day.slice(0, 4);
  const m = Number(day.slice(5, 7));
  if (interval === 'year') return y;
  if (interval === 'quarter') return `${y}-Q${Math.ceil(m / 3)}`;
  return `${y}-${day.slice(5, 7)}`;
}
