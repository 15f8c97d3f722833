/**
 * medianDaysToClose and p90DaysToClose (domain.md §4: percentile_cont over the closed complaints,
 * linearly interpolated) without gathering and sorting every value as quantile_cont does (most of
 * a request's time).
 *
 * complaint_facts.close_cb puts each closed case's close_us (microseconds to close) in one of
 * about two hundred ordered ranges, and close_buckets joins runs of those into a dozen or so
 * coarse buckets (close_cc); both are chosen by a full run (close_buckets.sql). A bucket of one
 * value (point_us: an exact number of hours many cases share, such as the automatic closure's
 * 30 days) is a coarse bucket of its own.
 *
 * Step 1 is the histogram of a set per coarse bucket, per group: the flag class carries the
 * coarse bucket, so the summary and the grouped views count it in the scan that counts their
 * measures (queries/summary.ts, queries/by-dimension.ts). A running sum tells which coarse bucket holds each
 * rank percentile_cont needs; a one-value bucket gives the value at once. Step 2 counts the
 * set's cases per bucket inside the coarse buckets still asked for, which tells the bucket and
 * the place in it. Step 3 sorts the values of those (group, bucket) pairs alone in DuckDB and
 * returns the ones asked for (both in queries/close-quantiles.ts). Steps 2 and 3 read
 * closed_facts, sorted by close_cb: only the row groups of those buckets.
 *
 * The results equal quantile_cont's to the last bit (close-quantiles.test.ts).
 */
import type { RawBuilder, Statement } from '../../../core/duckdb/duck-sql.js';
import type { Where } from './queries/filters.js';
import { closeBuckets, closeFineHistogram, closeRankValues, type BucketCount, type RankAt } from './queries/close-quantiles.js';

export type { BucketCount };

/** The quantiles of the days to close the measures report, by name. */
export const CLOSE_QUANTILES = { medianDaysToClose: 0.5, p90DaysToClose: 0.9 } as const;
export type CloseQuantiles = Record<keyof typeof CLOSE_QUANTILES, number | null>;
export const NO_CLOSED: CloseQuantiles = { medianDaysToClose: null, p90DaysToClose: null };

/** Runs a statement in the read transaction at hand (every step reads the same snapshot). */
export type Run = <R>(statement: Statement<R>) => Promise<R[]>;

/** One rank (0-based, in ascending order of close_us) located in a histogram. */
interface Located {
  bucket: number;
  /** The rank's place among the bucket's values, 0-based. */
  offset: number;
}

const DAY_US = 86_400_000_000;

/** A histogram as counts sorted by bucket, without empty buckets. */
function sortedCounts(histogram: readonly BucketCount[]): { b: number; n: number }[] {
  return histogram
    .map(({ b, n }) => ({ b: Number(b), n: Number(n) }))
    .filter((x) => x.n > 0)
    .sort((x, y) => x.b - y.b);
}

/** Locates 0-based rank `rank` in counts sorted by bucket (the rank must be below their total). */
function locate(counts: readonly { b: number; n: number }[], rank: number): Located {
  let first = 0;
  for (const { b, n } of counts) {
    if (rank < first + n) return { bucket: b, offset: rank - first };
    first += n;
  }
  throw new Error(`close quantiles: rank ${rank} beyond a histogram of ${first} cases`);
}

interface Pick {
  name: keyof CloseQuantiles;
  lo: number;
  hi: number;
  fraction: number;
}

/** A snapshot's close buckets (close_buckets): each one-value bucket's value, each coarse bucket's buckets. */
export interface CloseBuckets {
  /** close_cb → its one value (point_us). */
  points: ReadonlyMap<number, number>;
  /** close_cc → its close_cb, in order. */
  bucketsOf: ReadonlyMap<number, readonly number[]>;
}

/** Reads close_buckets: the same for every request on one data version (snapshot-cache.ts keeps it). */
export async function readCloseBuckets(run: Run): Promise<CloseBuckets> {
  const points = new Map<number, number>();
  const bucketsOf = new Map<number, number[]>();
  for (const r of await run(closeBuckets)) {
    if (r.point_us !== null) points.set(Number(r.close_cb), Number(r.point_us));
    const cc = Number(r.close_cc);
    bucketsOf.set(cc, [...(bucketsOf.get(cc) ?? []), Number(r.close_cb)]);
  }
  return { points, bucketsOf };
}

/**
 * The quantiles of the closed cases matching `where`, per group, from each group's histogram per
 * coarse bucket (`buckets`: readCloseBuckets of the same snapshot). `groupCode` is SQL giving each
 * row its group as an integer (enum_code(column) for an ENUM column, the column itself for an
 * integer one, 0 for a whole set: queries/flag-groups.ts's groupCode): steps 2 and 3 select the
 * rows of a group by it, with no cast per row. The histograms are keyed by that integer. A group
 * whose histogram is empty gets nulls.
 */
export async function histogramQuantiles(
  run: Run,
  { points, bucketsOf }: CloseBuckets,
  where: Where,
  groupCode: RawBuilder<number>,
  histograms: ReadonlyMap<number, readonly BucketCount[]>,
): Promise<Map<number, CloseQuantiles>> {
  /** The one value of a coarse bucket that is a one-value bucket. */
  const pointOf = (cc: number): number | undefined => {
    const fine = bucketsOf.get(cc);
    return fine?.length === 1 ? points.get(fine[0]!) : undefined;
  };

  // Step 1: each group's ranks, located in its coarse histogram.
  const plans = new Map<number, Pick[]>();
  const known = new Map<string, number>(); // by `${g}/${rank}`: ranks in a one-value bucket, their value
  const coarse = new Map<string, Located>(); // by `${g}/${rank}`: the others, in their coarse bucket
  for (const [g, histogram] of histograms) {
    const counts = sortedCounts(histogram);
    const total = counts.reduce((sum, x) => sum + x.n, 0);
    if (total === 0) {
      plans.set(g, []);
      continue;
    }
    plans.set(
      g,
      Object.entries(CLOSE_QUANTILES).map(([name, p]) => {
        // percentile_cont: position (n − 1)·p, between the order statistics floor and ceil of it.
        const position = (total - 1) * p;
        const [lo, hi] = [Math.floor(position), Math.ceil(position)];
        for (const rank of [lo, hi]) {
          const at = locate(counts, rank);
          const point = pointOf(at.bucket);
          if (point === undefined) coarse.set(`${g}/${rank}`, at);
          else known.set(`${g}/${rank}`, point);
        }
        return { name: name as keyof CloseQuantiles, lo, hi, fraction: position - lo };
      }),
    );
  }

  // Step 2: those ranks located among the buckets of their coarse bucket.
  const fine = await fineHistograms(run, where, groupCode, [
    ...new Set([...coarse.values()].flatMap((at) => bucketsOf.get(at.bucket) ?? [])),
  ]);
  const located = new Map<string, Located>(); // by `${g}/${rank}`: the rank's close_cb and place
  const ranks = new Map<string, RankAt>(); // step 3's, by `${g}/${b}/${o}`
  for (const [key, at] of coarse) {
    const g = Number(key.split('/')[0]);
    const inCoarse = new Set(bucketsOf.get(at.bucket));
    const b = locate(
      (fine.get(g) ?? []).filter((x) => inCoarse.has(x.b)),
      at.offset,
    );
    located.set(key, b);
    if (!points.has(b.bucket)) ranks.set(`${g}/${b.bucket}/${b.offset}`, { g, b: b.bucket, o: b.offset });
  }

  // Step 3: the values at the ranks inside buckets of many values.
  const values = await rankValues(run, where, groupCode, [...ranks.values()]);

  const result = new Map<number, CloseQuantiles>();
  for (const [g, picks] of plans) {
    const valueAt = (rank: number): number => {
      const at = located.get(`${g}/${rank}`);
      const v = known.get(`${g}/${rank}`) ?? (at && (points.get(at.bucket) ?? values.get(`${g}/${at.bucket}/${at.offset}`)));
      // All three steps read one snapshot, so this only fails on a bug.
      if (v === undefined)
        throw new Error(
          `close quantiles: rank ${rank} of group "${g}" not found (${at ? `place ${at.offset} of bucket ${at.bucket}` : 'not located'})`,
        );
      return v;
    };
    const out = { ...NO_CLOSED };
    for (const { name, lo, hi, fraction } of picks) {
      const a = valueAt(lo);
      const b = valueAt(hi);
      // As quantile_cont interpolates (a·(1 − f) + b·f in doubles), then days as
      // CLOSE_QUANTILE_AGGREGATES divide (core/analytics/measures-sql.ts): to the last bit.
      // Microseconds stay below 2^53, exact as doubles.
      out[name] = (fraction === 0 ? a : a * (1 - fraction) + b * fraction) / DAY_US;
    }
    result.set(g, out);
  }
  return result;
}

/** Step 2: each group's closed cases per close_cb, for these buckets only (sorted by bucket). */
async function fineHistograms(
  run: Run,
  where: Where,
  groupCode: RawBuilder<number>,
  buckets: readonly number[],
): Promise<Map<number, { b: number; n: number }[]>> {
  const out = new Map<number, { b: number; n: number }[]>();
  if (buckets.length === 0) return out;
  const byGroup = new Map<number, BucketCount[]>();
  for (const r of await run(closeFineHistogram(where, groupCode, buckets)))
    byGroup.set(Number(r.g), [...(byGroup.get(Number(r.g)) ?? []), { b: Number(r.b), n: Number(r.n) }]);
  for (const [g, counts] of byGroup) out.set(g, sortedCounts(counts));
  return out;
}

/** Step 3: the value at each asked (group, bucket, place), keyed `${g}/${b}/${o}`. */
async function rankValues(run: Run, where: Where, groupCode: RawBuilder<number>, ranks: readonly RankAt[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (ranks.length === 0) return out;
  for (const r of await run(closeRankValues(where, groupCode, ranks)))
    out.set(`${Number(r.g)}/${Number(r.b)}/${Number(r.o)}`, Number(r.us));
  return out;
}
