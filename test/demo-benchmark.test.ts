/**
 * The demo as `npm start` loads it (issue 20, point 6): the start-up seed of the default size on an
 * empty store, an ETL run, then the demo trader's benchmark for the last complete year, read with
 * the demo trader's own token, shows its peers (not withheld), and its peer count is the one the
 * rule of domain.md §4 gives in plain SQL over the case store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../api/src/config/config.js';
import { createLogger } from '../api/src/common/logger.js';
import { seedDemoIfEmpty } from '../api/src/demo/demo-seed.js';
import { DemoTokens } from '../api/src/demo/demo-tokens.js';
import { client, startApp, type RunningApp } from './support/http.js';
import { createTestStore, type TestStore } from './support/store.js';

/** domain.md §4: peers need this many closed complaints in the year, and this many peers are needed. */
const MIN_CLOSED = 10;
const MIN_PEERS = 5;

interface Benchmark {
  year: number;
  traderId: string;
  sector: string | null;
  own: { complaints: number; closed: number };
  peers: { suppressed: boolean; count: number | null };
}

describe('the default demo: the demo trader’s benchmark has peers', () => {
  let t: TestStore;
  let app: RunningApp;
  let dataDir: string;
  let traderId: string;
  let traderToken: string;
  let year: number;

  beforeAll(async () => {
    t = await createTestStore();
    dataDir = mkdtempSync(path.join(tmpdir(), 'odr-demo-benchmark-'));
    const env = { DEMO: 'true', DATA_DIR: dataDir };
    // The start-up path of `npm start`: DEMO_COMPLAINTS unset, so the default size.
    await seedDemoIfEmpty(t.store, loadConfig({ ...env, LOG_LEVEL: 'silent' }), createLogger('silent'));
    app = await startApp({ store: t.store, env });
    const trader = (await app.app.get(DemoTokens).ensure()).find((d) => d.role === 'trader')!;
    traderId = trader.traderId!;
    traderToken = trader.token;
    const run = await client(app.baseUrl).postRaw('/api/v1/etl/runs?wait=true', undefined);
    expect(run.status, run.text).toBe(200);
    year = new Date((run.body as { finishedAt: string }).finishedAt).getUTCFullYear() - 1;
  }, 300_000);

  afterAll(async () => {
    await app?.close();
    await t?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('is not withheld for the last complete year, with the peers the rule gives over raw rows', async () => {
    const r = await client(app.baseUrl, traderToken).get(`/api/v1/stats/traders/${encodeURIComponent(traderId)}/benchmark?year=${year}`);
    expect(r.status, r.text).toBe(200);
    const b = r.body as Benchmark;

    // Each trader's sector in the year: the one most of its complaints name (ties: its registered
    // sector, then alphabetical); its closed complaints in the year.
    const from = `${year}-01-01T00:00:00Z`;
    const to = `${year + 1}-01-01T00:00:00Z`;
    const rows = (
      await sql<{ trader_id: string; sector: string; closed: string }>`
        WITH named AS (
          SELECT trader_id, sector, count(*) AS n FROM complaints
          WHERE filed_at >= ${from}::timestamptz AND filed_at < ${to}::timestamptz
          GROUP BY trader_id, sector),
        ranked AS (
          SELECT n.trader_id, n.sector,
                 row_number() OVER (PARTITION BY n.trader_id
                                    ORDER BY n.n DESC, (n.sector = t.sector) IS TRUE DESC, n.sector) AS rk
          FROM named n LEFT JOIN traders t ON t.id = n.trader_id),
        closed AS (
          SELECT trader_id, count(*) FILTER (WHERE closed_at IS NOT NULL) AS closed FROM complaints
          WHERE filed_at >= ${from}::timestamptz AND filed_at < ${to}::timestamptz
          GROUP BY trader_id)
        SELECT r.trader_id, r.sector, c.closed::text AS closed
        FROM ranked r JOIN closed c ON c.trader_id = r.trader_id WHERE r.rk = 1`.execute(t.store.db)
    ).rows;
    const mine = rows.find((x) => x.trader_id === traderId);
    expect(mine, 'the demo trader has complaints in the last complete year').toBeDefined();
    const peers = rows.filter((x) => x.trader_id !== traderId && x.sector === mine!.sector && Number(x.closed) >= MIN_CLOSED);

    expect(peers.length).toBeGreaterThanOrEqual(MIN_PEERS);
    expect(b).toMatchObject({ year, traderId, sector: mine!.sector, peers: { suppressed: false, count: peers.length } });
  });
});
