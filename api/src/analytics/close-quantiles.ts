/**
 * medianDaysToClose and p90DaysToClose (domain.md §4: percentile_cont over the closed complaints,
 * linearly interpolated) without gathering and sorting every value as quantile_cont does (90–140 ms
 * by sector at 10 M complaints, most of a request's time).
 *
 * complaint_facts.close_cb puts each closed case's close_us (microseconds to close) in one of a
 * few dozen ordered ranges (close_buckets, chosen by a full run: close_buckets.sql). Step 1 is the
 * histogram of a set, per group: its closed cases per close_cb, which the summary and the grouped
 * views count in the same scan as their measures (by_dimension.sql, summary.sql). A running sum
 * then tells which bucket holds each rank percentile_cont needs. A bucket of one value (point_us:
 * an exact number of hours many cases share, such as the automatic closure's 30 days) gives the
 * value at once. Only a rank in a bucket of many values needs step 2, which sorts the values of
 * those (group, bucket) pairs alone in DuckDB and returns the ones asked for (close_values.sql).
 *
 * The results equal quantile_cont's to the last bit (close-quantiles.test.ts).
 */
import { duckdbSql, type Params, type Row } from '../../../etl/analytics-db.js';
import type { SqlWhere } from './analytics-filters.js';

/** The quantiles of the days to close the measures report, by name. */
export const CLOSE_QUANTILES = { medianDaysToClose: 0.5, p90DaysToClose: 0.9 } as const;
export type CloseQuantiles = Record<keyof typeof CLOSE_QUANTILES, number | null>;
export const NO_CLOSED: CloseQuantiles = { medianDaysToClose: null, p90DaysToClose: null };

type Q = (text: string, params?: Params) => Promise<Row[]>;

const VALUES = duckdbSql('stats/close_values.sql');

/** A histogram's bucket: close_cb `b` holds `n` closed cases. */
export interface BucketCount {
  b: number | bigint;
  n: number | bigint;
}

/** One rank (0-based, in ascending order of close_us) located in the histogram. */
interface Located {
  bucket: number;
  /** The rank's place among the bucket's values, 0-based. */
  offset: number;
}

const DAY_US = 86_400_000_000;

/** Locates 0-based rank `rank` in a histogram sorted by bucket (`starts`: each bucket's first rank). */
function locate(buckets: readonly number[], starts: readonly number[], rank: number): Located {
  let lo = 0;
  let hi = buckets.length - 1;
  // The last bucket whose first rank is ≤ rank.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= rank) lo = mid;
    else hi = mid - 1;
  }
  return { bucket: buckets[lo]!, offset: rank - starts[lo]! };
}

interface Pick {
  name: keyof CloseQuantiles;
  lo: Located;
  hi: Located;
  fraction: number;
}

/**
 * The quantiles of the closed cases matching `w`, per group, from each group's histogram.
 * `groupCode` is SQL giving each row its group as an integer (enum_code(column) for an ENUM
 * column, the column itself for an integer one, 0 for a whole set): step 2 selects the rows of
 * a group by it, with no cast per row. The histograms are keyed by that integer. A group whose
 * histogram is empty gets nulls.
 */
export async function histogramQuantiles(q: Q, w: SqlWhere, groupCode: string, histograms: ReadonlyMap<number, readonly BucketCount[]>): Promise<Map<number, CloseQuantiles>> {
  const points = new Map<number, number>();
  for (const r of await q('SELECT close_cb, point_us FROM close_buckets WHERE point_us IS NOT NULL')) points.set(Number(r.close_cb), Number(r.point_us));

  const plans = new Map<number, Pick[]>();
  const ranks = new Map<string, { g: number; b: number; o: number }>(); // step 2's ranks, by key
  const rankKey = (g: number, at: Located) => `${g}/${at.bucket}/${at.offset}`;
  for (const [g, histogram] of histograms) {
    const sorted = histogram.map(({ b, n }) => ({ b: Number(b), n: Number(n) })).filter((x) => x.n > 0).sort((x, y) => x.b - y.b);
    const buckets = sorted.map((x) => x.b);
    const starts: number[] = [];
    let total = 0;
    for (const x of sorted) {
      starts.push(total);
      total += x.n;
    }
    if (total === 0) {
      plans.set(g, []);
      continue;
    }
    plans.set(
      g,
      Object.entries(CLOSE_QUANTILES).map(([name, p]) => {
        // percentile_cont: position (n − 1)·p, between the order statistics floor and ceil of it.
        const position = (total - 1) * p;
        const lo = locate(buckets, starts, Math.floor(position));
        const hi = locate(buckets, starts, Math.ceil(position));
        for (const at of [lo, hi]) if (!points.has(at.bucket)) ranks.set(rankKey(g, at), { g, b: at.bucket, o: at.offset });
        return { name: name as keyof CloseQuantiles, lo, hi, fraction: position - Math.floor(position) };
      }),
    );
  }

  const values = await rankValues(q, w, groupCode, [...ranks.values()]);

  const result = new Map<number, CloseQuantiles>();
  for (const [g, picks] of plans) {
    const valueAt = (at: Located): number => {
      const point = points.get(at.bucket);
      if (point !== undefined) return point;
      const v = values.get(rankKey(g, at));
      // Both steps read one snapshot, so this only fails on a bug.
      if (v === undefined) throw new Error(`close quantiles: rank ${at.offset} of bucket ${at.bucket} (group "${g}") not found in step 2`);
      return v;
    };
    const out = { ...NO_CLOSED };
    for (const { name, lo, hi, fraction } of picks) {
      const a = valueAt(lo);
      const b = valueAt(hi);
      // As quantile_cont interpolates (a·(1 − f) + b·f in doubles), then days as
      // close_quantiles.sql divides: to the last bit. Microseconds stay below 2^53, exact as doubles.
      out[name] = (fraction === 0 ? a : a * (1 - fraction) + b * fraction) / DAY_US;
    }
    result.set(g, out);
  }
  return result;
}

/** Step 2: the value at each asked (group, bucket, place), keyed as histogramQuantiles keys them. */
async function rankValues(q: Q, w: SqlWhere, groupCode: string, ranks: readonly { g: number; b: number; o: number }[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  if (ranks.length === 0) return out;
  // Groups, buckets and places are integers: written inline.
  const int = (v: number) => String(Math.trunc(v));
  const text = VALUES.replaceAll('{{group_code}}', groupCode)
    .replaceAll('{{where}}', w.where)
    .replaceAll('{{buckets}}', [...new Set(ranks.map((r) => int(r.b)))].join(', '))
    .replaceAll('{{ranks}}', ranks.map(({ g, b, o }) => `(${int(g)}, ${int(b)}, ${int(o)})`).join(', '));
  for (const r of await q(text, w.params)) out.set(`${Number(r.g)}/${Number(r.b)}/${Number(r.o)}`, Number(r.us));
  return out;
}
