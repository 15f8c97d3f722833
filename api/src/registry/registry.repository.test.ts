/**
 * The registry's SQL, compiled without a database and kept as snapshots in sql/postgres/registry/:
 * a change to a query shows up as a readable SQL diff (and an index-unfriendly one in review).
 */
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { DB } from '../../../core/postgres/schema.js';
import { registryListQuery, type RegistryFilters } from './registry.dto.js';
import { escapeLike, RegistryRepository, type FilterContext } from './registry.repository.js';

function capture(): { db: Kysely<DB>; queries: CompiledQuery[] } {
  const queries: CompiledQuery[] = [];
  const db = new Kysely<DB>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
    log: (e) => {
      if (e.level === 'query') queries.push(e.query);
    },
  });
  return { db, queries };
}

const NOW = new Date('2026-01-15T12:00:00.000Z');
const ctx: FilterContext = { now: NOW, searchDescription: true };
const filters = (q: Record<string, string>) => {
  const { sort: _s, limit: _l, cursor: _c, ...f } = registryListQuery.parse(q);
  return f satisfies RegistryFilters;
};
const ALL = filters({
  status: 'open',
  stage: 'with_trader,trader_replied',
  closure: 'withdrawn',
  overdue: 'false',
  consumerCountry: 'EL,IT',
  traderCountry: 'UK',
  sector: 'airlines',
  problem: 'delivery,quality',
  traderId: 'T-1',
  adrBodyId: 'ADR-1',
  crossBorder: 'true',
  source: 'odr-platform',
  from: '2024-01-01',
  to: '2025-01-01T00:00:00+01:00',
});

const snapshot = (q: CompiledQuery) => `${q.sql}\n-- parameters: ${JSON.stringify(q.parameters)}\n`;
const file = (name: string) => `../../../sql/postgres/registry/${name}.sql`;

async function compile(run: (repo: RegistryRepository) => Promise<unknown>): Promise<CompiledQuery> {
  const { db, queries } = capture();
  await run(new RegistryRepository(db)).catch(() => undefined);
  return queries[0]!;
}

describe('registry SQL', () => {
  it('escapes LIKE wildcards and the escape character', () => {
    expect(escapeLike(String.raw`50%_off\x`)).toBe(String.raw`50\%\_off\\x`);
  });

  it('first page, no filter', async () => {
    await expect(snapshot(await compile((r) => r.page({}, ctx, { ascending: false, limit: 51 })))).toMatchFileSnapshot(file('page'));
  });

  it('a later page with every filter', async () => {
    const q = await compile((r) =>
      r.page(ALL, ctx, { ascending: true, limit: 11, after: { filedAt: '2024-06-01T10:00:00.000000Z', id: '42' } }),
    );
    expect(q.parameters).toContain('GR');
    expect(q.parameters).toContain('GB');
    await expect(snapshot(q)).toMatchFileSnapshot(file('page_filtered'));
  });

  it('free text, few matches (collected, then sorted)', async () => {
    const q = await compile((r) =>
      r.page(filters({ q: "O'Brien 50%" }), { ...ctx, qTraderIds: ['T-7', 'T-9'] }, { ascending: false, limit: 51, sparse: true }),
    );
    expect(q.sql).not.toContain("O'Brien");
    await expect(snapshot(q)).toMatchFileSnapshot(file('page_search'));
  });

  it('counts: capped (free text), whole, and the cases changed since a snapshot', async () => {
    await expect(
      snapshot(await compile((r) => r.countUpTo(filters({ stage: 'closed', sector: 'hotels' }), ctx, 10_001))),
    ).toMatchFileSnapshot(file('count'));
    await expect(snapshot(await compile((r) => r.count(filters({ overdue: 'true' }), ctx)))).toMatchFileSnapshot(file('count_all'));
    await expect(
      snapshot(await compile((r) => r.changedSince('1234', filters({ overdue: 'true', sector: 'hotels' }), ctx, 50_000))),
    ).toMatchFileSnapshot(file('changed_since'));
  });

  it('export page and its events', async () => {
    await expect(
      snapshot(
        await compile((r) =>
          r.exportPage(filters({ consumerCountry: 'DE' }), ctx, {
            limit: 1000,
            after: { filedAt: '2024-06-01T10:00:00.000000Z', id: '42' },
          }),
        ),
      ),
    ).toMatchFileSnapshot(file('export_page'));
    await expect(snapshot(await compile((r) => r.events(['1', '2', '3'])))).toMatchFileSnapshot(file('export_events'));
  });
});
