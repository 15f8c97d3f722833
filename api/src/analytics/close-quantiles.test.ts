/**
 * closeQuantiles against DuckDB's own quantile_cont over the same rows: ties on whole hours (the
 * automatic closure at 30 days), many values inside one hour, ranks that straddle two buckets,
 * single-case and empty groups, and a filter.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { query, type Params } from '../../../etl/analytics-db.js';
import { closeQuantiles, HISTOGRAM_FROM, summaryQuantiles } from './close-quantiles.js';

const HOUR_US = 3_600_000_000;
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

/** The bucket as schema.sql documents it, computed here independently of the ETL's SQL. */
function bucketOf(us: number): number {
  const h = Math.floor(us / HOUR_US);
  return 2 * h + (us - h * HOUR_US === 0 ? 0 : 1);
}

describe('closeQuantiles', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  const q = (text: string, params?: Params) => query(conn, text, params);

  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    conn = await instance.connect();
    await conn.run('CREATE TABLE complaint_facts (g VARCHAR, k INTEGER, close_us BIGINT, close_bucket INTEGER)');
    const next = random(20261125);
    const rows: [string, number, number | null][] = [];
    const add = (g: string, us: number | null) => rows.push([g, Math.floor(next() * 4), us]);
    for (let i = 0; i < 20_000; i++) {
      const r = next();
      // 60 %: exactly 30 days; 10 %: other whole hours; 15 %: inside the hour after 30 days;
      // 10 %: anywhere within 120 days, to the microsecond; 5 %: still open.
      const us =
        r < 0.6 ? 30 * DAY_US
        : r < 0.7 ? Math.floor(next() * 2_000) * HOUR_US
        : r < 0.85 ? 30 * DAY_US + 1 + Math.floor(next() * (HOUR_US - 1))
        : r < 0.95 ? Math.floor(next() * 120 * DAY_US)
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
      appender.appendInteger(k);
      if (us === null) {
        appender.appendNull();
        appender.appendNull();
      } else {
        appender.appendBigInt(BigInt(us));
        appender.appendInteger(bucketOf(us));
      }
      appender.endRow();
    }
    appender.closeSync();
  });

  afterAll(() => {
    conn?.closeSync();
    instance?.closeSync();
  });

  async function expected(where: string, params: Record<string, string | number>, grouped: boolean) {
    const rows = await q(
      `SELECT ${grouped ? 'g' : `''`} AS g, list_transform(quantile_cont(close_us, [0.5, 0.9]), x -> x / 86400e6) AS qs
       FROM complaint_facts WHERE (${where}) AND close_us IS NOT NULL GROUP BY ALL`,
      params,
    );
    return new Map(rows.map((r) => {
      const [median, p90] = r.qs as number[];
      return [String(r.g), { medianDaysToClose: median!, p90DaysToClose: p90! }];
    }));
  }

  it('gives quantile_cont exactly, per group, with ties, dense buckets and straddled ranks', async () => {
    const got = await closeQuantiles(q, { where: 'true', params: {} }, 'g');
    const want = await expected('true', {}, true);
    expect([...got.keys()].sort()).toEqual(['a', 'b', 'c', 'dense', 'pair', 'single']);
    for (const [g, v] of want) expect(got.get(g), g).toEqual(v);
    // The straddled pair: halfway between 2 hours and 7 days + 0.123456 s.
    expect(got.get('pair')!.medianDaysToClose).toBeCloseTo((2 / 24 + 7 + 123_456 / DAY_US) / 2, 12);
  });

  it('gives quantile_cont exactly without a group and under a filter with parameters', async () => {
    for (const [where, params] of [
      ['true', {}],
      ['k = $k', { k: 2 }],
      ['g IN ($g1, $g2) AND k <> $k', { g1: 'a', g2: 'dense', k: 0 }],
    ] as const) {
      const got = await closeQuantiles(q, { where, params }, null);
      expect(got.get(''), where).toEqual((await expected(where, params, false)).get(''));
    }
  });

  it('summaryQuantiles: quantile_cont below HISTOGRAM_FROM closed cases, the histogram from it on, the same figures', async () => {
    for (const [where, params] of [['true', {}], ['k = $k', { k: 1 }]] as const) {
      const want = (await expected(where, params, false)).get('');
      const [{ n }] = (await q(`SELECT count(close_us)::INTEGER AS n FROM complaint_facts WHERE ${where}`, params)) as [{ n: number }];
      expect(n).toBeLessThan(HISTOGRAM_FROM);
      // The histogram as summary.sql counts it, in no particular order.
      const histogram = (await q(`SELECT close_bucket AS b, count(*) AS n FROM complaint_facts WHERE (${where}) AND close_bucket IS NOT NULL GROUP BY 1 ORDER BY random()`, params)) as { b: number; n: number }[];
      expect(await summaryQuantiles(q, { where, params }, n, histogram), where).toEqual(want);
      // Told the set is large, it takes the histogram's way.
      expect(await summaryQuantiles(q, { where, params }, HISTOGRAM_FROM, histogram), where).toEqual(want);
    }
    expect(await summaryQuantiles(q, { where: 'false', params: {} }, 0, [])).toEqual({ medianDaysToClose: null, p90DaysToClose: null });
  });

  it('leaves out groups and sets without a closed case', async () => {
    expect((await closeQuantiles(q, { where: `g = 'open'`, params: {} }, null)).size).toBe(0);
    expect((await closeQuantiles(q, { where: 'false', params: {} }, 'g')).size).toBe(0);
  });
});
