/**
 * histogramQuantiles against DuckDB's own quantile_cont over the same rows: ties (the automatic
 * closure at 30 days, a one-value bucket), many values inside one bucket, ranks that straddle two
 * buckets or two coarse buckets, single-case and empty groups, and a filter.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryOn, type Query } from '../../../core/duckdb/analytics-db.js';
import { sql } from '../../../core/duckdb/duck-sql.js';
import { histogramQuantiles, readCloseBuckets, NO_CLOSED, type CloseQuantiles } from './close-quantiles.js';

const HOUR_US = 3_600_000_000;
const GROUPS = ['a', 'b', 'c', 'dense', 'single', 'pair', 'open'];
const DAY_US = 24 * HOUR_US;

/** A deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Buckets of the test's own (close_buckets.sql picks them from a sample; any ordered ranges give
 * the same figures): 3-day ranges, with one-value buckets for exactly 2 hours and exactly 30 days;
 * coarse buckets of up to four buckets, a one-value bucket alone.
 */
const POINTS = [2 * HOUR_US, 30 * DAY_US];
const BUCKETS: { lo: number; point: number | null }[] = [
  ...Array.from({ length: 45 }, (_, i) => ({ lo: i * 3 * DAY_US, point: null })),
  ...POINTS.flatMap((p) => [
    { lo: p, point: p },
    { lo: p + 1, point: null },
  ]),
].sort((a, b) => a.lo - b.lo);
BUCKETS[0]!.lo = Number.MIN_SAFE_INTEGER;
const COARSE: number[] = [];
for (const [i, b] of BUCKETS.entries()) {
  const prev = BUCKETS[i - 1];
  const run = COARSE.filter((c) => c === COARSE[i - 1]).length;
  COARSE.push(i === 0 ? 0 : COARSE[i - 1]! + (b.point !== null || prev!.point !== null || run === 4 ? 1 : 0));
}
function bucketOf(us: number): number {
  let b = 0;
  while (b + 1 < BUCKETS.length && BUCKETS[b + 1]!.lo <= us) b++;
  return b;
}

describe('histogramQuantiles', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  let q: Query;
  /** A filter written with named parameters, composed as the analytics compose theirs (values bound). */
  const composed = (where: string, params: Readonly<Record<string, unknown>>) =>
    sql.join(
      where.split(/\$(\w+)/).map((part, i) => (i % 2 === 1 ? sql`${params[part]}` : sql.raw(part))),
      sql``,
    );

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    conn = await instance.connect();
    q = queryOn(conn);
    await conn.run('CREATE TABLE complaint_facts (g VARCHAR, gk INTEGER, k INTEGER, close_us BIGINT, close_cb USMALLINT)');
    await conn.run('CREATE TABLE close_buckets (close_cb USMALLINT, lo_us BIGINT, point_us BIGINT, close_cc USMALLINT)');
    for (const [i, b] of BUCKETS.entries())
      await q('INSERT INTO close_buckets VALUES ($i, $lo, $point, $cc)', {
        i,
        lo: BigInt(b.lo),
        point: b.point === null ? null : BigInt(b.point),
        cc: COARSE[i]!,
      });
    const next = random(20261125);
    const rows: [string, number, number | null][] = [];
    const add = (g: string, us: number | null) => rows.push([g, Math.floor(next() * 4), us]);
    for (let i = 0; i < 20_000; i++) {
      const r = next();
      // 60 %: exactly 30 days; 10 %: other whole hours; 15 %: inside the hour after 30 days;
      // 10 %: anywhere within 120 days, to the microsecond; 5 %: still open.
      const us =
        r < 0.6
          ? 30 * DAY_US
          : r < 0.7
            ? Math.floor(next() * 2_000) * HOUR_US
            : r < 0.85
              ? 30 * DAY_US + 1 + Math.floor(next() * (HOUR_US - 1))
              : r < 0.95
                ? Math.floor(next() * 120 * DAY_US)
                : null;
      add(['a', 'b', 'c'][i % 3]!, us);
    }
    // A group whose every rank falls in one dense odd bucket; one of one case; one of two cases
    // in different buckets (interpolation across buckets); one with open cases only.
    for (let i = 0; i < 500; i++) add('dense', 5 * DAY_US + 1 + Math.floor(next() * (HOUR_US - 2)));
    add('single', 3 * DAY_US + 17);
    add('pair', 2 * HOUR_US);
    add('pair', 7 * DAY_US + 123_456);
    add('open', null);
    const appender = await conn.createAppender('complaint_facts');
    for (const [g, k, us] of rows) {
      appender.appendVarchar(g);
      appender.appendInteger(GROUPS.indexOf(g));
      appender.appendInteger(k);
      if (us === null) {
        appender.appendNull();
        appender.appendNull();
      } else {
        appender.appendBigInt(BigInt(us));
        appender.appendUSmallInt(bucketOf(us));
      }
      appender.endRow();
    }
    appender.closeSync();
    // Steps 2 and 3 read the closed cases' copy (closed_facts.sql), sorted by bucket.
    await conn.run('CREATE TABLE closed_facts AS SELECT * FROM complaint_facts WHERE close_cb IS NOT NULL ORDER BY close_cb');
  });

  afterAll(() => {
    conn?.closeSync();
    instance?.closeSync();
  });

  /** Step 1 as queries/by-dimension.ts and queries/summary.ts count it (per coarse bucket), per group code (gk, or 0 for the whole set). */
  async function quantiles(where: string, params: Record<string, string | number>, grouped: boolean): Promise<Map<string, CloseQuantiles>> {
    const code = grouped ? 'gk' : '0';
    const groupCode = grouped ? sql<number>`gk` : sql<number>`0`;
    const rows = await q(
      `SELECT ${code} AS code, b.close_cc AS b, count(*) AS n FROM complaint_facts f JOIN close_buckets b USING (close_cb) WHERE (${where}) GROUP BY ALL ORDER BY random()`,
      params,
    );
    const histograms = new Map<number, { b: number; n: number }[]>();
    for (const r of rows) {
      const list = histograms.get(Number(r.code)) ?? [];
      list.push({ b: Number(r.b), n: Number(r.n) });
      histograms.set(Number(r.code), list);
    }
    const got = await histogramQuantiles(q, await readCloseBuckets(q), composed(where, params), groupCode, histograms);
    return new Map([...got].map(([c, v]) => [grouped ? GROUPS[c]! : '', v]));
  }

  async function expected(where: string, params: Record<string, string | number>, grouped: boolean) {
    const rows = await q(
      `SELECT ${grouped ? 'g' : `''`} AS g, list_transform(quantile_cont(close_us, [0.5, 0.9]), x -> x / 86400e6) AS qs
       FROM complaint_facts WHERE (${where}) AND close_us IS NOT NULL GROUP BY ALL`,
      params,
    );
    return new Map(
      rows.map((r) => {
        const [median, p90] = r.qs as number[];
        return [String(r.g), { medianDaysToClose: median!, p90DaysToClose: p90! }];
      }),
    );
  }

  it('gives quantile_cont exactly, per group, with ties, dense buckets and straddled ranks', async () => {
    const got = await quantiles('true', {}, true);
    const want = await expected('true', {}, true);
    expect([...got.keys()].sort()).toEqual(['a', 'b', 'c', 'dense', 'pair', 'single']);
    for (const [g, v] of want) expect(got.get(g), g).toEqual(v);
    // The straddled pair: halfway between 2 hours (a one-value bucket) and 7 days + 0.123456 s.
    expect(got.get('pair')!.medianDaysToClose).toBeCloseTo((2 / 24 + 7 + 123_456 / DAY_US) / 2, 12);
  });

  it('gives quantile_cont exactly without a group and under a filter with parameters', async () => {
    for (const [where, params] of [
      ['true', {}],
      ['k = $k', { k: 2 }],
      ['g IN ($g1, $g2) AND k <> $k', { g1: 'a', g2: 'dense', k: 0 }],
      [`g = 'dense'`, {}],
    ] as const) {
      const got = await quantiles(where, params, false);
      expect(got.get(''), where).toEqual((await expected(where, params, false)).get(''));
    }
  });

  it('gives nulls for a group or a set without a closed case', async () => {
    const q0 = await histogramQuantiles(q, await readCloseBuckets(q), sql`g = 'open'`, sql<number>`0`, new Map([[0, []]]));
    expect(q0.get(0)).toEqual(NO_CLOSED);
    expect((await quantiles('false', {}, true)).size).toBe(0);
  });
});
