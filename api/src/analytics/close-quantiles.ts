/**
 * medianDaysToClose and p90DaysToClose (domain.md §4: percentile_cont over the closed complaints,
 * linearly interpolated) without gathering and sorting every value as quantile_cont does (~250 ms
 * at 10 M closed complaints, most of a request's time).
 *
 * complaint_facts.close_bucket orders close_us (microseconds to close) by the hour: bucket 2h
 * holds exactly h hours (one value: the automatic closure at 30 days is most cases' value), bucket
 * 2h + 1 the values strictly between h and h + 1 hours. Step 1 counts the closed complaints per
 * bucket and group (close_histogram.sql; the summary counts them in its own scan, summary.sql);
 * a running sum then tells which bucket holds each rank percentile_cont
 * needs. A rank in an even bucket is that bucket's value. Only a rank in an odd bucket needs
 * step 2, which reads the values of those (group, bucket) pairs alone (close_values.sql): a few
 * thousand rows at most at 10 M complaints.
 *
 * The summary uses it for large sets (10 M complaints: 403 → 150 ms unfiltered, 187 → 145 ms for
 * one sector, before its histogram came with its measures); a set of fewer closed cases than
 * HISTOGRAM_FROM costs less with quantile_cont in one scan (summaryQuantiles). Grouped views keep quantile_cont
 * (stats/close_quantiles.sql): a histogram per group multiplies the buckets and measured slower.
 * The results equal quantile_cont's to the last bit (close-quantiles.test.ts).
 */
import { duckdbSql, type Params, type Row } from '../../../etl/analytics-db.js';
import type { SqlWhere } from './analytics-filters.js';

/** The quantiles of the days to close the measures report, by name. */
export const CLOSE_QUANTILES = { medianDaysToClose: 0.5, p90DaysToClose: 0.9 } as const;
export type CloseQuantiles = Record<keyof typeof CLOSE_QUANTILES, number | null>;
export const NO_CLOSED: CloseQuantiles = { medianDaysToClose: null, p90DaysToClose: null };

type Q = (text: string, params?: Params) => Promise<Row[]>;

const HISTOGRAM = duckdbSql('stats/close_histogram.sql');
const VALUES = duckdbSql('stats/close_values.sql');
const QUANTILE_CONT = duckdbSql('stats/close_quantiles_small.sql').replaceAll('{{quantiles}}', duckdbSql('stats/close_quantiles.sql'));

/**
 * From this many closed cases on, the histogram. Below it, sorting the values costs less than the
 * histogram's extra scans of the filter (10 M rows: one ADR body's 35 000 cases 133 → 93 ms, and
 * 162 000 ADR outcomes 110 → 85 ms with quantile_cont; the largest trader's 630 000 were faster
 * with the histogram, 79 against 106 ms).
 */
export const HISTOGRAM_FROM = 200_000;

/** A histogram's bucket: close_bucket `b` holds `n` closed cases. */
export interface BucketCount {
  b: number | bigint;
  n: number | bigint;
}

/**
 * The quantiles of the cases matching `w`, `closed` of them closed, `histogram` their count per
 * close_bucket (both from the summary's own scan, summary.sql).
 */
export async function summaryQuantiles(q: Q, w: SqlWhere, closed: number, histogram: readonly BucketCount[]): Promise<CloseQuantiles> {
  if (closed === 0) return { ...NO_CLOSED };
  if (closed < HISTOGRAM_FROM) {
    const [row] = await q(QUANTILE_CONT.replaceAll('{{where}}', w.where), w.params);
    return { medianDaysToClose: (row?.medianDaysToClose as number | null) ?? null, p90DaysToClose: (row?.p90DaysToClose as number | null) ?? null };
  }
  return (await fromHistogram(q, w, `''`, histogram.map(({ b, n }) => ({ g: '', b, n })))).get('') ?? { ...NO_CLOSED };
}

/** One rank (0-based, in ascending order of close_us) located in the histogram. */
interface Located {
  bucket: number;
  /** The rank's place among the bucket's values, 0-based. */
  offset: number;
}

const HOUR_US = 3_600_000_000;
const DAY_US = 86_400_000_000;
/** The value every case of an even bucket has: exactly h hours, in microseconds. */
const evenBucketValue = (bucket: number) => (bucket / 2) * HOUR_US;
const isEven = (bucket: number) => bucket % 2 === 0;

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

interface GroupPlan {
  /** Per quantile: the two ranks to interpolate between and the fraction. */
  picks: { name: keyof CloseQuantiles; lo: Located; hi: Located; fraction: number }[];
}

/**
 * The quantiles per group of the cases matching `w`. `group` is a complaint_facts column; the map
 * is keyed by its value as text (CAST … AS VARCHAR), or by '' when `group` is null. A group with
 * no closed case is absent from the map.
 */
export async function closeQuantiles(q: Q, w: SqlWhere, group: string | null): Promise<Map<string, CloseQuantiles>> {
  const groupSql = group ?? `''`;
  const histogram = await q(HISTOGRAM.replaceAll('{{group}}', groupSql).replaceAll('{{where}}', w.where), w.params);
  return fromHistogram(q, w, groupSql, histogram);
}

/** Steps 1 (the histogram, given) and 2 (the values of the odd buckets that hold a rank). */
async function fromHistogram(q: Q, w: SqlWhere, groupSql: string, histogram: readonly Row[]): Promise<Map<string, CloseQuantiles>> {
  const byGroup = new Map<string, { buckets: number[]; counts: number[] }>();
  for (const r of histogram) {
    const g = String(r.g);
    let h = byGroup.get(g);
    if (!h) byGroup.set(g, (h = { buckets: [], counts: [] }));
    h.buckets.push(Number(r.b));
    h.counts.push(Number(r.n));
  }

  const plans = new Map<string, GroupPlan>();
  const needed = new Map<string, Set<number>>(); // group → odd buckets whose values step 2 reads
  for (const [g, h] of byGroup) {
    const order = h.buckets.map((_, i) => i).sort((a, b) => h.buckets[a]! - h.buckets[b]!);
    const buckets = order.map((i) => h.buckets[i]!);
    const starts: number[] = [];
    let total = 0;
    for (const i of order) {
      starts.push(total);
      total += h.counts[i]!;
    }
    const picks = Object.entries(CLOSE_QUANTILES).map(([name, p]) => {
      // percentile_cont: position (n − 1)·p, between the order statistics floor and ceil of it.
      const position = (total - 1) * p;
      const lo = locate(buckets, starts, Math.floor(position));
      const hi = locate(buckets, starts, Math.ceil(position));
      for (const at of [lo, hi]) {
        if (!isEven(at.bucket)) {
          let set = needed.get(g);
          if (!set) needed.set(g, (set = new Set()));
          set.add(at.bucket);
        }
      }
      return { name: name as keyof CloseQuantiles, lo, hi, fraction: position - Math.floor(position) };
    });
    plans.set(g, { picks });
  }

  const values = await oddBucketValues(q, w, groupSql, needed);

  const result = new Map<string, CloseQuantiles>();
  for (const [g, plan] of plans) {
    const valueAt = (at: Located): number => {
      if (isEven(at.bucket)) return evenBucketValue(at.bucket);
      const sorted = values.get(`${at.bucket}\u0000${g}`);
      const v = sorted?.[at.offset];
      // Both steps read one snapshot, so this only fails on a bug.
      if (v === undefined) throw new Error(`close quantiles: rank ${at.offset} of bucket ${at.bucket} (group "${g}") not found in step 2`);
      return v;
    };
    const out = { ...NO_CLOSED };
    for (const { name, lo, hi, fraction } of plan.picks) {
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

/** Step 2: the sorted values of each needed (group, odd bucket) pair, keyed `bucket\0group`. */
async function oddBucketValues(q: Q, w: SqlWhere, groupSql: string, needed: Map<string, Set<number>>): Promise<Map<string, Float64Array>> {
  const out = new Map<string, Float64Array>();
  if (needed.size === 0) return out;
  const params: Params = { ...w.params };
  const pairs: string[] = [];
  const buckets = new Set<number>();
  let n = 0;
  for (const [g, set] of needed) {
    for (const b of set) {
      const name = `cq${n++}`;
      params[name] = g;
      // Buckets are integers read from the store: written inline, the group as a parameter.
      pairs.push(`($${name}, ${Math.trunc(b)})`);
      buckets.add(Math.trunc(b));
    }
  }
  const text = VALUES.replaceAll('{{group}}', groupSql)
    .replaceAll('{{where}}', w.where)
    .replaceAll('{{buckets}}', [...buckets].join(', '))
    .replaceAll('{{pairs}}', pairs.join(', '));
  const lists = new Map<string, number[]>();
  for (const r of await q(text, params)) {
    const k = `${Number(r.b)}\u0000${String(r.g)}`;
    let list = lists.get(k);
    if (!list) lists.set(k, (list = []));
    list.push(Number(r.us));
  }
  for (const [k, list] of lists) out.set(k, Float64Array.from(list).sort());
  return out;
}
