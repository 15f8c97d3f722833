/**
 * The registry's reads: one filter expression shared by the page, the counts (exact, or capped
 * for free text) and the export, so every surface matches the same cases. Everything goes through
 * Kysely's builder with bound parameters; the shapes stay index-friendly — equality / IN on an
 * indexed column plus a keyset range on (filed_at, id), the order of every registry index.
 */
import { readFileSync } from 'node:fs';
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { sqlPath } from '../../../core/paths.js';
import type { ComplaintEventRow, DB } from '../../../core/postgres/schema.js';
import type { SummaryRow } from '../complaints/case-view.js';
import { COMPLAINT_JSON_COLUMNS, type ComplaintJsonEvent, type ComplaintJsonRow } from '../complaints/formats/complaint-json.js';
import { normaliseName } from '../complaints/normalize.js';
import type { RegistryFilters } from './registry.dto.js';
import type { Scope } from '../access/scope.js';

/** What the ETL's extract notes of the case store first (its store_id: the store's identity). */
const EXTRACT_SNAPSHOT = readFileSync(sqlPath('postgres', 'etl', 'snapshot.sql'), 'utf8');

/** Position in (filed_at, id) order: `filedAt` is PostgreSQL's own text of it (microseconds kept). */
export interface Keyset {
  filedAt: string;
  id: string;
}

export interface FilterContext {
  /** The instant `overdue` is judged at (the same one the summaries use). */
  now: Date;
  /** `q` also searches the description (callers allowed to read it). */
  searchDescription: boolean;
  /** The caller's scope: ANDed with the filters, so filters only ever narrow it. */
  scope?: Scope;
  /**
   * The traders whose name matches `q`, looked up beforehand (`traderIdsNamed`) so that the
   * search is an OR of indexable conditions; absent: matched by a sub-query instead.
   */
  qTraderIds?: readonly string[] | null;
}

/** More traders than this matching `q` by name: the sub-query form is used. */
const MAX_Q_TRADERS = 500;

type Eb = ExpressionBuilder<DB, 'complaints'>;
type ListColumn =
  'status' | 'stage' | 'closure' | 'consumer_country' | 'trader_country' | 'sector' | 'problem' | 'trader_id' | 'adr_body_id' | 'source';

const SUMMARY_COLUMNS = [
  'id',
  'source',
  'external_ref',
  'filed_at',
  'consumer_country',
  'trader_id',
  'trader_name',
  'trader_country',
  'sector',
  'problem',
  'status',
  'stage',
  'closure',
  'adr_body_id',
  'due_at',
  'closed_at',
] as const satisfies readonly (keyof SummaryRow)[];

/** LIKE/ILIKE pattern text that matches `s` literally (PostgreSQL's default escape is `\`). */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** filed_at as exact UTC text, the cursor's key. */
const filedKey = sql<string>`to_char(complaints.filed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

function anyOf(eb: Eb, column: ListColumn, values: readonly string[]): Expression<SqlBool> {
  return values.length === 1 ? eb(column, '=', values[0]!) : eb(column, 'in', values);
}

const at = (iso: string) => sql<Date>`cast(${iso} as timestamptz)`;

/** The filters as one boolean expression over `complaints`. */
export function registryWhere(eb: Eb, f: RegistryFilters, ctx: FilterContext): Expression<SqlBool> {
  const all: Expression<SqlBool>[] = [];
  const list = (column: ListColumn, values: readonly string[] | undefined) => {
    if (values?.length) all.push(anyOf(eb, column, values));
  };
  list('status', f.status);
  list('stage', f.stage);
  list('closure', f.closure);
  list('consumer_country', f.consumerCountry);
  list('trader_country', f.traderCountry);
  list('sector', f.sector);
  list('problem', f.problem);
  list('trader_id', f.traderId);
  list('adr_body_id', f.adrBodyId);
  list('source', f.source);
  if (f.overdue === true) {
    // The partial index complaints_open_due answers exactly this.
    all.push(eb.and([eb('status', '=', 'open'), eb('due_at', '<', ctx.now)]));
  } else if (f.overdue === false) {
    all.push(eb.or([eb('status', '<>', 'open'), eb('due_at', 'is', null), eb('due_at', '>=', ctx.now)]));
  }
  if (f.crossBorder !== undefined) all.push(eb('consumer_country', f.crossBorder ? '<>' : '=', eb.ref('trader_country')));
  if (f.from !== undefined) all.push(eb('filed_at', '>=', at(f.from)));
  if (f.to !== undefined) all.push(eb('filed_at', '<', at(f.to)));
  // The unique (source, external_ref) index and the prefix index both answer an equality.
  if (f.externalRef !== undefined) all.push(eb('complaints.external_ref', '=', f.externalRef));
  if (f.q !== undefined) all.push(searchExpression(eb, f.q, ctx));
  const s = ctx.scope;
  if (s?.traderId !== undefined) all.push(eb('trader_id', '=', s.traderId));
  if (s?.adrBodyId !== undefined) all.push(eb('adr_body_id', '=', s.adrBodyId));
  if (s?.source !== undefined) all.push(eb('source', '=', s.source));
  return eb.and(all);
}

/**
 * `q`: the reference exactly or as a prefix, the trader's name (as given in the complaint, or the
 * trader's registered name, accents and punctuation folded), and the description. User text is
 * only ever a bound LIKE pattern with its wildcards escaped.
 */
function searchExpression(eb: Eb, q: string, ctx: FilterContext): Expression<SqlBool> {
  const text = escapeLike(q);
  const any: Expression<SqlBool>[] = [
    eb('complaints.external_ref', 'like', `${text}%`),
    eb('complaints.trader_name', 'ilike', `%${text}%`),
  ];
  const ids = ctx.qTraderIds;
  if (ids) {
    if (ids.length) any.push(anyOf(eb, 'trader_id', ids));
  } else {
    const name = normaliseName(q);
    if (name)
      any.push(
        eb(
          'complaints.trader_id',
          'in',
          eb
            .selectFrom('traders')
            .select('traders.id')
            .where('traders.name_norm', 'like', `%${escapeLike(name)}%`),
        ),
      );
  }
  if (ctx.searchDescription) any.push(eb('complaints.description', 'ilike', `%${text}%`));
  return eb.or(any);
}

function keysetAfter(eb: Eb, after: Keyset, ascending: boolean): Expression<SqlBool> {
  return eb(
    eb.refTuple('complaints.filed_at', 'complaints.id'),
    ascending ? '>' : '<',
    eb.tuple(at(after.filedAt), sql<string>`cast(${after.id} as bigint)`),
  );
}

/** Cases changed since an analytics snapshot: their ids (comma-separated), how many, how many match now. */
export interface ChangedCases {
  ids: string;
  count: number;
  matching: number;
}

export type PageRow = SummaryRow & { filed_key: string };
export type ExportRow = ComplaintJsonRow & { filed_key: string };
export type ExportEvent = ComplaintJsonEvent & Pick<ComplaintEventRow, 'complaint_id'>;

export class RegistryRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /** Ids of the traders whose registered name contains `q` (folded); null when too many match. */
  async traderIdsNamed(q: string): Promise<string[] | null> {
    const name = normaliseName(q);
    if (!name) return [];
    const rows = await this.db
      .selectFrom('traders')
      .select('id')
      .where('name_norm', 'like', `%${escapeLike(name)}%`)
      .limit(MAX_Q_TRADERS + 1)
      .execute();
    return rows.length > MAX_Q_TRADERS ? null : rows.map((r) => r.id);
  }

  /**
   * One page of summaries in (filed_at, id) order, after the keyset when given. The page's ids
   * are chosen first (index-only where an index covers the filters), then only those rows are
   * read whole. `sparse`: the matches are known to be few (counted), so collect them all (bitmap
   * scans), then sort — rather than walk the filing order hoping to meet matches soon, which the
   * planner misjudges for free text.
   */
  page(
    f: RegistryFilters,
    ctx: FilterContext,
    opts: { ascending: boolean; after?: Keyset; limit: number; sparse?: boolean },
  ): Promise<PageRow[]> {
    const dir = opts.ascending ? 'asc' : 'desc';
    const matches = this.db
      .selectFrom('complaints')
      .select(['complaints.id', 'complaints.filed_at'])
      .where((eb) => registryWhere(eb, f, ctx))
      .$if(opts.after !== undefined, (qb) => qb.where((eb) => keysetAfter(eb, opts.after!, opts.ascending)));
    const chosen = opts.sparse
      ? this.db
          .with(
            (cte) => cte('m').materialized(),
            () => matches,
          )
          .selectFrom('m')
          .select('m.id')
          .orderBy('m.filed_at', dir)
          .orderBy('m.id', dir)
          .limit(opts.limit)
      : matches.clearSelect().select('complaints.id').orderBy('complaints.filed_at', dir).orderBy('complaints.id', dir).limit(opts.limit);
    return this.db
      .selectFrom('complaints')
      .innerJoin(chosen.as('page'), 'page.id', 'complaints.id')
      .select(SUMMARY_COLUMNS.map((c) => `complaints.${c}` as const))
      .select(filedKey.as('filed_key'))
      .orderBy('complaints.filed_at', dir)
      .orderBy('complaints.id', dir)
      .execute();
  }

  /** How many cases match, counting no further than `cap` (an index range of at most cap rows). */
  async countUpTo(f: RegistryFilters, ctx: FilterContext, cap: number): Promise<number> {
    const matches = this.db
      .selectFrom('complaints')
      .select(sql.lit(1).as('one'))
      .where((eb) => registryWhere(eb, f, ctx))
      .limit(cap);
    const row = await this.db
      .selectFrom(matches.as('m'))
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow();
    return row.n;
  }

  /** How many cases match, all counted. */
  async count(f: RegistryFilters, ctx: FilterContext): Promise<number> {
    const row = await this.db
      .selectFrom('complaints')
      .select(sql<number>`count(*)::int`.as('n'))
      .where((eb) => registryWhere(eb, f, ctx))
      .executeTakeFirstOrThrow();
    return row.n;
  }

  /**
   * The cases changed since the watermark `xmin` (an analytics snapshot's: changed_xid ≥ it), as
   * comma-separated ids, and how many of them match now, in one row; null when more than `limit`
   * changed.
   */
  async changedSince(xmin: string, f: RegistryFilters, ctx: FilterContext, limit: number): Promise<ChangedCases | null> {
    const changed = this.db
      .selectFrom('complaints')
      .select((eb) => ['complaints.id', sql<boolean>`(${registryWhere(eb, f, ctx)})`.as('matches')])
      .where(sql<boolean>`complaints.changed_xid >= ${xmin}::xid8`)
      .limit(limit + 1);
    const row = await this.db
      .selectFrom(changed.as('c'))
      .select([
        sql<number>`count(*)::int`.as('n'),
        sql<number>`(count(*) FILTER (WHERE c.matches))::int`.as('matching'),
        sql<string>`coalesce(string_agg(c.id::text, ','), '')`.as('ids'),
      ])
      .executeTakeFirstOrThrow();
    return row.n > limit ? null : { ids: row.ids, count: row.n, matching: row.matching };
  }

  /** The case store's identity, as an analytics snapshot records the store it was built from: the extract's own statement. */
  async storeId(): Promise<string> {
    const row = await sql<{ store_id: string }>`${sql.raw(EXTRACT_SNAPSHOT)}`.execute(this.db);
    return row.rows[0]!.store_id;
  }

  /** One page of whole cases for the export, oldest first. */
  exportPage(f: RegistryFilters, ctx: FilterContext, opts: { after?: Keyset; limit: number }): Promise<ExportRow[]> {
    return this.db
      .selectFrom('complaints')
      .select(COMPLAINT_JSON_COLUMNS)
      .select(filedKey.as('filed_key'))
      .where((eb) => registryWhere(eb, f, ctx))
      .$if(opts.after !== undefined, (qb) => qb.where((eb) => keysetAfter(eb, opts.after!, true)))
      .orderBy('complaints.filed_at', 'asc')
      .orderBy('complaints.id', 'asc')
      .limit(opts.limit)
      .execute();
  }

  /** The non-voided events of many cases in one query, by case then arrival order. */
  events(complaintIds: readonly string[]): Promise<ExportEvent[]> {
    if (complaintIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('complaint_events')
      .select(['complaint_id', 'type', 'at', 'data', 'voided_at'])
      .where('complaint_id', '=', sql<string>`any(${[...complaintIds]}::bigint[])`)
      .where('voided_at', 'is', null)
      .orderBy('complaint_id')
      .orderBy('seq')
      .execute();
  }
}
