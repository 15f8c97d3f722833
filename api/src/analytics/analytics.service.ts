/**
 * Analytics over the published DuckDB snapshot: per answer, the cache key and the caller's scope,
 * the repository's reads (analytics.repository.ts, one read transaction: figures and `asOf` from
 * the same snapshot) and the answer's mapping (answer-mapping.ts). Answers are kept per data
 * version (snapshot-cache.ts).
 */
import { ApiError } from '../common/errors.js';
import { assertAdrBodyVisible, assertTraderVisible, scopeKey, UNRESTRICTED, type Scope } from '../access/scope.js';
import type { AdrReport, AsOf, BenchmarkBody, ComparisonBody } from '../../../core/analytics-answers.js';
import type { AdrReportQuery, AnalyticsFilters, CountriesQuery, SummaryQuery, TradersQuery, TrendQuery } from './analytics.dto.js';
import { comparedWindows } from './comparison-window.js';
import { AnalyticsNotBuilt, AnalyticsRepository, type SnapshotReads } from './analytics.repository.js';
import {
  adrReportAnswer,
  asOfFor,
  benchmarkAnswer,
  codeRowsAnswer,
  countriesAnswer,
  flowsAnswer,
  outcomesAnswer,
  overdueAnswer,
  PROBLEM_LABELS,
  SECTOR_LABELS,
  summaryAnswer,
  tradersAnswer,
  trendAnswer,
  trendAt,
} from './answer-mapping.js';
import type { PublishedChange } from '../../../etl/index.js';
import { AnswerCache } from './snapshot-cache.js';

export { AnalyticsNotBuilt } from './analytics.repository.js';
export { asOfFor, MIN_CLOSED_FOR_RATES, MIN_PEERS, periodOf } from './answer-mapping.js';
export { interpolate } from './benchmark-stats.js';

type Stamped<T> = T & { asOf: AsOf };

export class AnalyticsService {
  private readonly cache = new AnswerCache();

  constructor(private readonly repository: AnalyticsRepository) {}

  /**
   * The answer to one question on the published snapshot: kept per data version (a snapshot never
   * changes, so a kept answer is exact until a run publishes new figures), else computed by `fn`
   * in the same read transaction as the stamp.
   */
  private answer<T extends object>(key: string, scope: Scope, fn: (reads: SnapshotReads) => Promise<T>): Promise<Stamped<T>> {
    return this.repository.read(async (reads) => {
      const { dataRunId } = reads.snapshot;
      const asOf = asOfFor(reads.snapshot, scope);
      const kept = this.cache.get<T>(key, dataRunId);
      if (kept) return { asOf, ...kept };
      const body = await fn(reads);
      // Kept only while no newer data version was seen (the publication may have happened meanwhile).
      this.cache.set(key, dataRunId, body);
      return { asOf, ...body };
    });
  }

  /** After a publication: recompute the unfiltered views ahead of the first reader when it is due (snapshot-cache.ts). */
  async prewarmAfter(change: PublishedChange): Promise<void> {
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

  /**
   * The published snapshot's stamp alone: what a dashboard polls to learn of a new run. Computes
   * no figure, so it costs one read of the snapshot's record. Before the first run it is null, not
   * a 503: "no snapshot yet" is this question's answer, and a poll should not fail on it.
   */
  async asOf(scope: Scope = UNRESTRICTED): Promise<{ asOf: AsOf | null }> {
    try {
      return await this.repository.read(async (reads) => ({ asOf: asOfFor(reads.snapshot, scope) }));
    } catch (err) {
      if (err instanceof AnalyticsNotBuilt) return { asOf: null };
      throw err;
    }
  }

  /**
   * The measures over the filter; with `compare`, also over the like-for-like window
   * (comparison-window.ts) at the same age, kept like any other answer. Both answers must come
   * from one snapshot: if a run published between the two reads, they are read again.
   */
  async summary(query: SummaryQuery, scope: Scope = UNRESTRICTED) {
    const { compare, ...f } = query;
    const of = (filters: AnalyticsFilters) =>
      this.answer(key('summary', filters, scope), scope, async (r) => summaryAnswer(await r.summary(filters, scope)));
    for (;;) {
      const current = await of(f);
      if (compare === undefined) return current;
      if (f.from === undefined) return { ...current, comparison: null };
      const { comparison: w, complete } = comparedWindows(
        { from: new Date(f.from), to: f.to === undefined ? undefined : new Date(f.to) },
        new Date(current.asOf.finishedAt),
        compare,
      );
      const window = { from: w.from.toISOString(), to: w.to.toISOString() };
      // Same age: the earlier cohort as it stood `shift` before the snapshot (aged-summary.ts).
      const shiftUs = (Date.parse(f.from) - w.from.getTime()) * 1000;
      const aged = { ...f, ...window };
      const { asOf, ...measures } = await this.answer(key('agedSummary', { ...aged, shiftUs }, scope), scope, async (r) =>
        summaryAnswer(await r.agedSummary(aged, scope, shiftUs)),
      );
      if (asOf.etlRunId !== current.asOf.etlRunId) continue;
      const comparison: ComparisonBody = { ...window, complete, sameAge: true, ...measures };
      return { ...current, comparison };
    }
  }

  countries(query: CountriesQuery, scope: Scope = UNRESTRICTED) {
    const { side, ...f } = query;
    return this.answer(key('countries', query, scope), scope, async (r) =>
      countriesAnswer(side, await r.grouped(side === 'consumer' ? 'consumer_country' : 'trader_country', f, scope)),
    );
  }

  flows(f: AnalyticsFilters, scope: Scope = UNRESTRICTED) {
    return this.answer(key('flows', f, scope), scope, async (r) => flowsAnswer(await r.flows(f, scope)));
  }

  async trend(query: TrendQuery, scope: Scope = UNRESTRICTED) {
    const { interval, ...f } = query;
    return trendAt(
      await this.answer(key('trend', query, scope), scope, async (r) => trendAnswer(interval, await r.trend(interval, f, scope))),
      f,
    );
  }

  sectors(f: AnalyticsFilters, scope: Scope = UNRESTRICTED) {
    return this.answer(key('sector', f, scope), scope, async (r) => codeRowsAnswer(await r.grouped('sector', f, scope), SECTOR_LABELS));
  }

  problems(f: AnalyticsFilters, scope: Scope = UNRESTRICTED) {
    return this.answer(key('problem', f, scope), scope, async (r) => codeRowsAnswer(await r.grouped('problem', f, scope), PROBLEM_LABELS));
  }

  outcomes(f: AnalyticsFilters, scope: Scope = UNRESTRICTED) {
    return this.answer(key('outcomes', f, scope), scope, async (r) => outcomesAnswer(await r.outcomes(f, scope)));
  }

  overdue(f: AnalyticsFilters, scope: Scope = UNRESTRICTED) {
    return this.answer(key('overdue', f, scope), scope, async (r) => overdueAnswer(await r.overdue(f, scope)));
  }

  traders(query: TradersQuery, scope: Scope = UNRESTRICTED) {
    const { limit, ...f } = query;
    return this.answer(key('traders', query, scope), scope, async (r) => {
      const { listed, figures } = await r.traders(f, scope, limit);
      return tradersAnswer(listed, figures);
    });
  }

  /** domain.md §4 "Trader benchmark" (answer-mapping.ts). */
  benchmark(traderId: string, year: number, scope: Scope = UNRESTRICTED): Promise<BenchmarkBody> {
    // Before the cache: another trader's benchmark is a 404 whether or not it was computed.
    assertTraderVisible(scope, traderId);
    // The answer depends on the trader and year only (peers are never scoped), so it is shared.
    return this.answer(key('benchmark', { traderId, year }, UNRESTRICTED), scope, async (r) => {
      const inputs = await r.benchmark(traderId, year);
      if (!inputs) throw new ApiError(404, `no trader "${traderId}"`);
      return benchmarkAnswer(traderId, year, inputs);
    });
  }

  /** domain.md §4 "ADR body activity report", over the cases the body received in the years. */
  adrReport(adrBodyId: string, { years }: AdrReportQuery, scope: Scope = UNRESTRICTED): Promise<AdrReport> {
    assertAdrBodyVisible(scope, adrBodyId);
    // Depends on the body and years only (every reader allowed to see it sees the same report).
    return this.answer(key('adrReport', { adrBodyId, years }, UNRESTRICTED), scope, async (r) => {
      const rows = await r.adrReport(adrBodyId, years);
      if (!rows) throw new ApiError(404, `no ADR body "${adrBodyId}"`);
      return adrReportAnswer(years, rows);
    });
  }

  /** The ADR bodies the published snapshot knows (the CLI names them when asked for another). */
  adrBodyIds(): Promise<string[]> {
    return this.repository.adrBodyIds();
  }
}

/**
 * The cache key of one question: the endpoint, the caller's forced scope (one caller's answer is
 * never served to another outside it) and the parameters in a canonical order.
 */
function key(endpoint: string, params: object, scope: Scope): string {
  const entries = Object.entries(params)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
  return `${endpoint}@${scopeKey(scope)}?${JSON.stringify(entries)}`;
}
