/**
 * Reference data: the copies of the traders and ADR bodies, and a stable integer key for each.
 */
import { list, sql } from '../../core/duckdb/duck-sql.js';
import { EVERY_RUN, type Step } from '../step.js';

/**
 * A reference copy replaced whole when anything in it differs from the extract; the last
 * statement says how many rows did (the figures that name them changed).
 */
function referenceCopy(table: 'traders' | 'adr_bodies', columns: readonly string[]): Step {
  const extract = sql.id(`extract_${table}`);
  const changed = sql.id(`${table}_changed`);
  const t = sql.id(table);
  return {
    name: table,
    on: EVERY_RUN,
    reads: [`extract_${table}`, table],
    writes: [table],
    temps: [{ name: `${table}_changed` }],
    sideChanges: true,
    statements: () => [
      sql`CREATE OR REPLACE TEMP TABLE ${changed} AS
(SELECT * FROM ${extract} EXCEPT ALL SELECT * FROM ${t})
UNION ALL
(SELECT * FROM ${t} EXCEPT ALL SELECT * FROM ${extract})`,
      sql`DELETE FROM ${t} WHERE (SELECT count(*) FROM ${changed}) > 0`,
      sql`INSERT INTO ${t} SELECT ${list(columns.map((c) => sql.id(c)))} FROM ${extract} WHERE (SELECT count(*) FROM ${changed}) > 0`,
      sql<{ changed: number }>`SELECT count(*)::INTEGER AS changed FROM ${changed}`,
    ],
  };
}

/** Name for the regulators' table, sector for the benchmark's tie-break (trader_years reads whether it changed). */
export const traders: Step = {
  ...referenceCopy('traders', ['id', 'name', 'country', 'sector']),
  finds: (row) => ({ tradersChanged: Number(row?.changed ?? 0) > 0 }),
};

/** Name and country for the ADR activity report. */
export const adrBodies: Step = referenceCopy('adr_bodies', ['id', 'name', 'country']);

/**
 * A key for each trader the store has not seen yet. The traders' extract holds every trader
 * complaints can name (complaints.trader_id references traders, both read in one snapshot), so
 * complaint_facts finds every key here; reading the complaints' extract for its trader ids would
 * read a full run's ten million rows once more.
 */
export const traderKeys: Step = {
  name: 'trader_keys',
  on: EVERY_RUN,
  reads: ['extract_traders', 'trader_keys'],
  writes: ['trader_keys'],
  statements: () => [
    sql`INSERT INTO trader_keys
SELECT id, (SELECT coalesce(max(trader_key), 0) FROM trader_keys) + row_number() OVER (ORDER BY id)
FROM (SELECT id FROM extract_traders EXCEPT SELECT trader_id FROM trader_keys)`,
  ],
};

/**
 * A key for each ADR body the store has not seen yet (as trader_keys). complaint_facts keeps the
 * key: a filter on a small integer costs a fraction of one on the id's text.
 */
export const adrBodyKeys: Step = {
  name: 'adr_body_keys',
  on: EVERY_RUN,
  reads: ['extract_adr_bodies', 'adr_body_keys'],
  writes: ['adr_body_keys'],
  statements: () => [
    sql`INSERT INTO adr_body_keys
SELECT id, ((SELECT coalesce(max(adr_body_key), 0) FROM adr_body_keys) + row_number() OVER (ORDER BY id))::USMALLINT
FROM (SELECT id FROM extract_adr_bodies EXCEPT SELECT adr_body_id FROM adr_body_keys)`,
  ],
};
