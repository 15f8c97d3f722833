/**
 * The API's reads of the published DuckDB snapshot: the only module of api/src that runs analytics
 * statements (composed in queries/). Every answer reads its figures and its snapshot stamp in one
 * read transaction (`read`), so they always describe the same snapshot.
 */
import { ApiError } from '../common/errors.js';
import { readSnapshot, type Query, type Snapshot } from '../../../core/duckdb/analytics-db.js';
import type { RawBuilder, Statement } from '../../../core/duckdb/duck-sql.js';
import type { SnapshotSource } from '../../../core/duckdb/snapshot-source.js';
import type { Scope } from '../access/scope.js';
import type { AnalyticsFilters } from './analytics.dto.js';
import {
  histogramQuantiles,
  readCloseBuckets,
  NO_CLOSED,
  type BucketCount,
  type CloseBuckets,
  type CloseQuantiles,
} from './close-quantiles.js';
import { CloseBucketsCache } from './snapshot-cache.js';
import {
  adrBody,
  adrBodyIds,
  adrBreakdowns,
  adrSummary,
  receivedIn,
  topTraders,
  type AdrBodyRow,
  type AdrSummaryRow,
  type BreakdownRow,
  type TopTraderRow,
} from './queries/adr-report.js';
import { benchmarkTraders, traderSector, type BenchmarkTraderRow } from './queries/benchmark.js';
import { byDimension, type DimensionRow } from './queries/by-dimension.js';
import { agedSummary } from './queries/aged-summary.js';
import { closeKm } from './queries/close-km.js';
import { closeKmBounds } from './queries/close-km-bounds.js';
import { boundedKm } from './close-km.js';
import { filtersWhere, keyedIdsOf, keysOf, type Where } from './queries/filters.js';
import { groupCode, WHOLE_SET, type GroupColumn, type GroupKey } from './queries/flag-groups.js';
import { flows, type FlowRow } from './queries/flows.js';
import type { AdrMeasureRow, MeasureRow } from './queries/measure-rows.js';
import { outcomes, type OutcomeRow } from './queries/outcomes.js';
import { overdue, type OverdueRow } from './queries/overdue.js';
import { summary } from './queries/summary.js';
import { listedTraders, rankedTraders, type RankedTraderRow } from './queries/traders.js';
import { trend, type Interval } from './queries/trend.js';
import { unchangedMatches } from './queries/match-count.js';

export class AnalyticsNotBuilt extends ApiError {
  constructor() {
    super(503, 'analytics are not built yet: the first ETL run has not finished (POST /api/v1/etl/runs starts one)', undefined, {});
  }
}

/** The Kaplan–Meier quantiles of days to close (queries/close-km.ts). */
export interface CloseKm {
  medianDaysToCloseKM: number | null;
  p90DaysToCloseKM: number | null;
}
const NOT_REACHED: CloseKm = { medianDaysToCloseKM: null, p90DaysToCloseKM: null };
const DAY_US = 86_400_000_000;
const days = (us: number | bigint | null): number | null => (us === null ? null : Number(us) / DAY_US);

/** Every measure of domain.md §4: the measures' row with the quantiles of days to close. */
export type MeasureFigures = MeasureRow & CloseQuantiles & CloseKm;
/** One value of a grouped view. */
export type GroupFigures<K> = { key: K } & MeasureFigures;
/** One period of the trend. */
export type PeriodFigures = { start: string } & GroupFigures<number>;

/** The ADR report's inputs. */
export interface AdrReportRows {
  body: AdrBodyRow;
  summary: AdrSummaryRow;
  breakdowns: BreakdownRow[];
  topTraders: TopTraderRow[];
}

/** The ADR report's "systematic problems": this many traders. */
const TOP_TRADERS = 10;

export class AnalyticsRepository {
  /** Kept per data version: every reader of one version uses the same buckets. */
  private readonly closeBuckets = new CloseBucketsCache();

  constructor(private readonly source: SnapshotSource) {}

  /** Runs `fn` on the published snapshot, in one read transaction; 503 before the first successful run. */
  read<T>(fn: (reads: SnapshotReads) => Promise<T>): Promise<T> {
    return this.source.read(async (q) => {
      const snapshot = await readSnapshot(q);
      if (!snapshot) throw new AnalyticsNotBuilt();
      return fn(new SnapshotReads(q, snapshot, this.closeBuckets));
    });
  }

  /**
   * The registry's exact count of the cases matching `f` in `scope` at `now`: `changedSince` gives,
   * from the case store, the cases changed since the snapshot's watermark and how many of them
   * match now; the snapshot counts the others (unchanged since, so as they are now, `overdue`
   * judged at `now`). Null without a snapshot, or when `changedSince` gives up (another store,
   * too many changes): the caller counts in the case store.
   */
  exactMatches(
    f: AnalyticsFilters,
    scope: Scope,
    now: Date,
    changedSince: (watermark: { xmin: string; storeId: string }) => Promise<{ ids: string; matching: number } | null>,
  ): Promise<number | null> {
    return this.source.read(async (q) => {
      const snapshot = await readSnapshot(q);
      if (!snapshot) return null;
      // Read while the snapshot is held: the watermark and the facts are the same snapshot's.
      const changed = await changedSince({ xmin: snapshot.snapshotXmin, storeId: snapshot.storeId });
      if (!changed) return null;
      const reads = new SnapshotReads(q, snapshot, this.closeBuckets);
      return (await reads.unchangedMatches(f, scope, now, changed.ids)) + changed.matching;
    });
  }

  /** The ADR bodies the published snapshot knows, by id (none before the first run). */
  adrBodyIds(): Promise<string[]> {
    return this.source.read(async (q) => (await q(adrBodyIds)).map((r) => r.id));
  }
}

/** The reads of one snapshot, inside one read transaction. */
export class SnapshotReads {
  constructor(
    private readonly q: Query,
    readonly snapshot: Snapshot,
    private readonly buckets: CloseBucketsCache,
  ) {}

  private run = <R>(statement: Statement<R>): Promise<R[]> => this.q(statement);

  /** The filters and the caller's scope as SQL, with the trader and ADR body keys they need looked up in this snapshot. */
  private async where(f: AnalyticsFilters, scope: Scope, opts: { overdueAt?: Date } = {}): Promise<Where> {
    const ids = keyedIdsOf(f, scope);
    const keys = async (of: 'trader' | 'adr_body', list: readonly string[]) =>
      new Map(list.length ? (await this.run(keysOf(of, list))).map((r) => [r.id, r.key] as const) : []);
    return filtersWhere(f, scope, { traders: await keys('trader', ids.traders), adrBodies: await keys('adr_body', ids.adrBodies) }, opts);
  }

  /** The snapshot's cases matching `f` at `now` (overdue judged then), except `changedIds` (comma-separated). */
  async unchangedMatches(f: AnalyticsFilters, scope: Scope, now: Date, changedIds: string): Promise<number> {
    const [row] = await this.run(unchangedMatches(await this.where(f, scope, { overdueAt: now }), changedIds));
    return row?.n ?? 0;
  }

  /** The close buckets of this snapshot's data version: read once per version. */
  private closeBucketsOf(): Promise<CloseBuckets> {
    return this.buckets.of(this.snapshot.dataRunId, () => readCloseBuckets(this.run));
  }

  /**
   * Each group's Kaplan–Meier quantiles, by its code (a group without any closing gets none). The
   * bounds settle most groups from counts (close-km.ts); the exact query sorts the rows of the
   * others only.
   */
  private async kaplanMeier(where: Where, code: RawBuilder<number>, shiftUs = 0): Promise<Map<number, CloseKm>> {
    const exact = async (groups?: readonly number[]) =>
      new Map(
        (await this.run(closeKm(where, code, shiftUs, groups))).map((r) => [
          Number(r.g),
          { medianDaysToCloseKM: days(r.medianUs), p90DaysToCloseKM: days(r.p90Us) },
        ]),
      );
    const { points } = await this.closeBucketsOf();
    const out = new Map<number, CloseKm>();
    const undecided: number[] = [];
    for (const row of await this.run(closeKmBounds(where, code, shiftUs))) {
      const { median, p90 } = boundedKm(row, points);
      if (median === 'exact' || p90 === 'exact') undecided.push(Number(row.g));
      else out.set(Number(row.g), { medianDaysToCloseKM: days(median.us), p90DaysToCloseKM: days(p90.us) });
    }
    if (undecided.length > 0) for (const [g, km] of await exact(undecided)) out.set(g, km);
    return out;
  }

  /** Rows with each group's histogram (by its code) → the rows with their quantiles in its place. */
  private async withQuantiles<R extends { code: number; closeHistogram: BucketCount[] | null }>(
    rows: readonly R[],
    where: Where,
    column: GroupColumn,
  ): Promise<(Omit<R, 'code' | 'closeHistogram'> & CloseQuantiles & CloseKm)[]> {
    // A group without a closed case has no histogram (null): nulls.
    const quantiles = await histogramQuantiles(
      this.run,
      await this.closeBucketsOf(),
      where,
      groupCode(column),
      new Map(rows.map((r) => [r.code, r.closeHistogram ?? []] as const)),
    );
    const km = await this.kaplanMeier(where, groupCode(column));
    return rows.map(({ closeHistogram: _, code, ...m }) => ({
      ...m,
      ...(quantiles.get(code) ?? NO_CLOSED),
      ...(km.get(code) ?? NOT_REACHED),
    }));
  }

  async summary(f: AnalyticsFilters, scope: Scope): Promise<MeasureFigures & AdrMeasureRow> {
    const where = await this.where(f, scope);
    // One row: an aggregate over the whole set.
    const [row] = await this.run(summary(where));
    const { closeHistogram, ...figures } = row!;
    const quantiles = await histogramQuantiles(
      this.run,
      await this.closeBucketsOf(),
      where,
      WHOLE_SET,
      new Map([[0, closeHistogram ?? []]]),
    );
    const km = await this.kaplanMeier(where, WHOLE_SET);
    return { ...figures, ...quantiles.get(0)!, ...(km.get(0) ?? NOT_REACHED) };
  }

  /**
   * The summary's measures as the set stood at snapshot_at − `shiftUs` (a like-for-like
   * comparison's earlier cohort at the current one's age: queries/aged-summary.ts).
   */
  async agedSummary(f: AnalyticsFilters, scope: Scope, shiftUs: number): Promise<MeasureFigures & AdrMeasureRow> {
    const where = await this.where(f, scope);
    const [row] = await this.run(agedSummary(where, shiftUs));
    const km = await this.kaplanMeier(where, WHOLE_SET, shiftUs);
    return { ...row!, ...(km.get(0) ?? NOT_REACHED) };
  }

  /** The measures per value of `column`, most complaints first. */
  async grouped<C extends GroupColumn>(column: C, f: AnalyticsFilters, scope: Scope): Promise<GroupFigures<GroupKey[C]>[]> {
    const where = await this.where(f, scope);
    return this.withQuantiles<DimensionRow<GroupKey[C]>>(await this.run(byDimension(column, where)), where, column);
  }

  /** The measures per period of filing, in time order. */
  async trend(interval: Interval, f: AnalyticsFilters, scope: Scope): Promise<PeriodFigures[]> {
    const where = await this.where(f, scope);
    return this.withQuantiles(await this.run(trend(interval, where)), where, `filed_${interval}`);
  }

  async flows(f: AnalyticsFilters, scope: Scope): Promise<FlowRow[]> {
    return this.run(flows(await this.where(f, scope)));
  }

  /** One row per counted value, each carrying the summary (at least one row). */
  async outcomes(f: AnalyticsFilters, scope: Scope): Promise<OutcomeRow[]> {
    return this.run(outcomes(await this.where(f, scope)));
  }

  async overdue(f: AnalyticsFilters, scope: Scope): Promise<OverdueRow[]> {
    return this.run(overdue(await this.where(f, scope)));
  }

  /** The first `limit` traders by complaints, and their measures by trader_key. */
  async traders(
    f: AnalyticsFilters,
    scope: Scope,
    limit: number,
  ): Promise<{ listed: RankedTraderRow[]; figures: Map<number, MeasureFigures> }> {
    const where = await this.where(f, scope);
    const listed = await this.run(rankedTraders(where, limit));
    if (listed.length === 0) return { listed, figures: new Map() };
    // The listed traders' measures and quantiles, as the grouped views compute them.
    const among = listedTraders(
      where,
      listed.map((r) => r.trader_key),
    );
    const measured = await this.withQuantiles(await this.run(byDimension('trader_key', among)), among, 'trader_key');
    return { listed, figures: new Map(measured.map(({ key, ...m }) => [key, m])) };
  }

  /**
   * The benchmark's traders in the year: the trader and those of its sector (its row's, else its
   * registered one); null when the snapshot does not know the trader.
   */
  async benchmark(traderId: string, year: number): Promise<{ rows: BenchmarkTraderRow[]; sector: string | null } | null> {
    const rows = await this.run(benchmarkTraders(traderId, year));
    const me = rows.find((r) => r.traderId === traderId);
    if (me) return { rows, sector: me.sector };
    const [registered] = await this.run(traderSector(traderId));
    return registered ? { rows, sector: registered.sector ?? null } : null;
  }

  /** The ADR report's rows over the cases the body received in the years; null when the snapshot does not know the body. */
  async adrReport(adrBodyId: string, years: readonly number[]): Promise<AdrReportRows | null> {
    const [body] = await this.run(adrBody(adrBodyId));
    if (!body) return null;
    // A body without a case has no key: -1 matches nothing.
    const where = receivedIn(body.adr_body_key ?? -1, years);
    const [s] = await this.run(adrSummary(where));
    return {
      body,
      summary: s!,
      breakdowns: await this.run(adrBreakdowns(where)),
      topTraders: await this.run(topTraders(where, TOP_TRADERS)),
    };
  }
}
