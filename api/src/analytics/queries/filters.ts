/**
 * The registry's filters (without `q`: free text never reaches analytics) as one boolean SQL
 * expression over the facts tables, with every value a bound parameter, except trader and ADR body
 * ids: they are matched by their integer keys (trader_key, adr_body_key: looked up first, see
 * keyedIdsOf and keysOf), written inline, which DuckDB compares much faster than the text.
 *
 * The coded columns are ENUMs (sql/duckdb/schema.sql): a value is cast to the column's type, so
 * DuckDB compares one-byte codes instead of casting every row to text, much faster (see
 * bench/RESULTS.md); several values compare their enum_code, as `IN` over ENUM values casts every
 * row to text too. The edge has checked every code against its list, so the casts cannot fail.
 */
import { list, sql, type RawBuilder, type Statement } from '../../../../core/duckdb/duck-sql.js';
import type { Scope } from '../../access/scope.js';
import type { AnalyticsFilters } from '../analytics.dto.js';

/** A boolean SQL expression over one row of complaint_facts (or of a table with its columns). */
export type Where = RawBuilder<unknown>;

/** No filter. */
export const EVERYTHING: Where = sql`true`;

/** Each list filter's column, and its ENUM type (null: a text column). */
const LIST_COLUMNS = {
  status: ['status', 'status_code'],
  stage: ['stage', 'stage_code'],
  closure: ['closure', 'closure_code'],
  consumerCountry: ['consumer_country', 'country_code'],
  traderCountry: ['trader_country', 'country_code'],
  sector: ['sector', 'sector_code'],
  problem: ['problem', 'problem_code'],
  source: ['source', null],
} as const satisfies Partial<Record<keyof AnalyticsFilters, readonly [string, string | null]>>;

/** The trader and ADR body ids a filter set names (its lists and the caller's scope): their keys are needed. */
export function keyedIdsOf(f: AnalyticsFilters, scope?: Scope): { traders: string[]; adrBodies: string[] } {
  return {
    traders: [...(f.traderId ?? []), ...(scope?.traderId !== undefined ? [scope.traderId] : [])],
    adrBodies: [...(f.adrBodyId ?? []), ...(scope?.adrBodyId !== undefined ? [scope.adrBodyId] : [])],
  };
}

/** The keys of keyedIdsOf's ids in the snapshot read (an id without a key has no case there). */
export interface IdKeys {
  traders: ReadonlyMap<string, number>;
  adrBodies: ReadonlyMap<string, number>;
}

export const NO_KEYS: IdKeys = { traders: new Map(), adrBodies: new Map() };

/** One id and its key. */
export interface KeyRow {
  id: string;
  key: number;
}

const KEY_TABLES = {
  trader: { table: 'trader_keys', id: 'trader_id', key: 'trader_key' },
  adr_body: { table: 'adr_body_keys', id: 'adr_body_id', key: 'adr_body_key' },
} as const;

/** The keys of these trader or ADR body ids (trader_keys, adr_body_keys); ids without one have no row. Ids: at least one. */
export function keysOf(of: keyof typeof KEY_TABLES, ids: readonly string[]): Statement<KeyRow> {
  const t = KEY_TABLES[of];
  return sql<KeyRow>`SELECT ${sql.ref(t.id)} AS "id", ${sql.ref(t.key)} AS "key" FROM ${sql.table(t.table)} WHERE ${sql.ref(t.id)} IN (${list(ids.map((id) => sql`${id}`))})`;
}

/** A key, an integer from the store or -1, written inline. */
export const keyLiteral = (key: number): RawBuilder<unknown> => sql.lit(Math.trunc(key));

/** `column IN (…)` for these ids' keys; no known key matches nothing. */
function keyIn(column: string, ids: readonly string[], keys: ReadonlyMap<string, number>): Where {
  const known = ids.map((id) => keys.get(id)).filter((k): k is number => k !== undefined);
  return known.length ? sql`${sql.ref(column)} IN (${list(known.map(keyLiteral))})` : sql`false`;
}

/** Several expressions ANDed (`true` for none). */
export function allOf(parts: readonly Where[]): Where {
  return parts.length ? list(parts, sql` AND `) : EVERYTHING;
}

/**
 * The filters, ANDed with the caller's scope (so a filter can only narrow the scope).
 * `keys` maps the ids of keyedIdsOf(f, scope) to their keys (required: an id missing from it
 * matches nothing). `overdueAt`: judge `overdue` at this instant from the deadline, as the
 * registry does, instead of at the snapshot's (the registry's exact total).
 */
export function filtersWhere(f: AnalyticsFilters, scope: Scope | undefined, keys: IdKeys, opts: { overdueAt?: Date } = {}): Where {
  const parts: Where[] = [];
  for (const [name, [column, type]] of Object.entries(LIST_COLUMNS) as [keyof typeof LIST_COLUMNS, readonly [string, string | null]][]) {
    const values: readonly string[] | undefined = f[name];
    if (!values?.length) continue;
    const c = sql.ref(column);
    if (type) {
      // The type is one of our own ENUM names (schema.sql), written as such.
      const coded = (v: string) => sql`CAST(${v} AS ${sql.raw(type)})`;
      parts.push(
        values.length === 1
          ? sql`${c} = ${coded(values[0]!)}`
          : sql`enum_code(${c}) IN (${list(values.map((v) => sql`enum_code(${coded(v)})`))})`,
      );
    } else {
      // Several: list_contains, which DuckDB evaluates much faster than `IN (…)` on a text column.
      parts.push(values.length === 1 ? sql`${c} = ${values[0]!}` : sql`list_contains([${list(values.map((v) => sql`${v}`))}], ${c})`);
    }
  }
  if (f.traderId?.length) parts.push(keyIn('trader_key', f.traderId, keys.traders));
  if (f.adrBodyId?.length) parts.push(keyIn('adr_body_key', f.adrBodyId, keys.adrBodies));
  if (f.overdue !== undefined && opts.overdueAt !== undefined) {
    const late = sql`(status = CAST('open' AS status_code) AND due_at IS NOT NULL AND due_at < CAST(CAST(${opts.overdueAt.toISOString()} AS TIMESTAMPTZ) AS TIMESTAMP))`;
    parts.push(f.overdue ? late : sql`NOT ${late}`);
  } else if (f.overdue !== undefined) {
    // x_overdue is judged at the snapshot's instant (domain.md §4: counted at the asOf time).
    parts.push(sql`x_overdue = ${sql.lit(f.overdue ? 1 : 0)}`);
  }
  if (f.crossBorder !== undefined) parts.push(sql`x_cross_border = ${sql.lit(f.crossBorder ? 1 : 0)}`);
  // Boundaries are ISO text with a zone; the connection's TimeZone is UTC, so the cast to
  // TIMESTAMP gives the UTC instant that filed_at holds.
  if (f.from !== undefined) parts.push(sql`filed_at >= CAST(CAST(${f.from} AS TIMESTAMPTZ) AS TIMESTAMP)`);
  if (f.to !== undefined) parts.push(sql`filed_at < CAST(CAST(${f.to} AS TIMESTAMPTZ) AS TIMESTAMP)`);
  if (scope?.traderId !== undefined) parts.push(keyIn('trader_key', [scope.traderId], keys.traders));
  if (scope?.adrBodyId !== undefined) parts.push(keyIn('adr_body_key', [scope.adrBodyId], keys.adrBodies));
  if (scope?.source !== undefined) parts.push(sql`${sql.ref('source')} = ${scope.source}`);
  return allOf(parts);
}
