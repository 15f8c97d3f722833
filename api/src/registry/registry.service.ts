/**
 * The case registry's rules: keyset pages with opaque cursors, the exact total, and which fields
 * `q` may search.
 */
import { badRequest } from '../common/errors.js';
import { toCaseSummary } from '../complaints/case-view.js';
import type { Store } from '../../../core/postgres/store.js';
import { UNRESTRICTED, type Scope } from '../access/scope.js';
import type { CasePage, RegistryFilters, RegistryListQuery, RegistrySort } from './registry.dto.js';
import { RegistryRepository, type FilterContext, type Keyset, type PageRow } from './registry.repository.js';
import type { AnalyticsRepository } from '../analytics/analytics.repository.js';

/** With free text (`q`), which no index can count, `total` is exact up to this many matches and a lower bound beyond. */
export const FREE_TEXT_COUNT_CAP = 10_000;

/**
 * Past this many cases changed since the analytics snapshot (a bulk load the ETL has not caught up
 * with), the total is counted in the case store instead.
 */
const MAX_CHANGED_SINCE_SNAPSHOT = 50_000;

export interface RegistryOptions {
  /** `q`: exact count up to this many matches (tests lower it). */
  freeTextCountCap?: number;
  /** false: `q` never searches descriptions (whatever the caller's scope allows). */
  searchDescription?: boolean;
  /**
   * The analytics snapshot: the total counts there the cases unchanged since it, and in the case
   * store only those changed since. Without it every total is counted in the case store (exact too,
   * slower past a few hundred thousand matches).
   */
  snapshot?: AnalyticsRepository;
}

const CURSOR_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const CURSOR_ID = /^[1-9]\d{0,18}$/;

export function encodeCursor(sort: RegistrySort, k: Keyset): string {
  return Buffer.from(JSON.stringify([sort, k.filedAt, k.id])).toString('base64url');
}

/** A cursor of this registry and this sort, else 400. */
export function decodeCursor(cursor: string, sort: RegistrySort): Keyset {
  const invalid = () =>
    badRequest('invalid query parameters: cursor is not a cursor of this registry', [
      { field: 'cursor', message: 'not a cursor of this registry: pass nextCursor from a previous page unchanged' },
    ]);
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (
    !Array.isArray(v) ||
    v.length !== 3 ||
    typeof v[1] !== 'string' ||
    typeof v[2] !== 'string' ||
    !CURSOR_KEY.test(v[1]) ||
    !CURSOR_ID.test(v[2])
  )
    throw invalid();
  if (v[0] !== sort) {
    const msg = `this cursor belongs to sort=${String(v[0])}: a cursor continues the listing it came from`;
    throw badRequest(`invalid query parameters: cursor ${msg}`, [{ field: 'cursor', message: msg }]);
  }
  return { filedAt: v[1], id: v[2] };
}

/** `from` must come before `to`. */
export function checkRange(f: RegistryFilters): void {
  if (f.from !== undefined && f.to !== undefined && Date.parse(f.from) >= Date.parse(f.to)) {
    throw badRequest('invalid query parameters: to must be after from', [{ field: 'to', message: `must be after from (${f.from})` }]);
  }
}

/**
 * The instant and caller rights the filters are judged with, and `q`'s traders looked up. The
 * description is searched only for callers who may read it (a match would reveal its words).
 */
export async function filterContext(
  repo: RegistryRepository,
  f: RegistryFilters,
  now: Date,
  searchDescription: boolean,
  scope: Scope,
): Promise<FilterContext> {
  return {
    now,
    scope,
    searchDescription: searchDescription && scope.personalData,
    qTraderIds: f.q !== undefined ? await repo.traderIdsNamed(f.q) : undefined,
  };
}

export class RegistryService {
  private readonly cap: number;
  private readonly searchDescription: boolean;
  private readonly snapshot: AnalyticsRepository | undefined;
  private storeId: Promise<string> | undefined;

  constructor(
    private readonly store: Store,
    opts: RegistryOptions = {},
  ) {
    this.cap = opts.freeTextCountCap ?? FREE_TEXT_COUNT_CAP;
    this.searchDescription = opts.searchDescription ?? true;
    this.snapshot = opts.snapshot;
  }

  /** One page of the cases inside `scope` (summaries carry no personal data: nothing to mask). */
  async list(query: RegistryListQuery, now: Date = new Date(), scope: Scope = UNRESTRICTED): Promise<CasePage> {
    const { sort, limit, cursor, ...filters } = query;
    checkRange(filters);
    const after = cursor !== undefined ? decodeCursor(cursor, sort) : undefined;
    const repo = new RegistryRepository(this.store.db);
    const ctx = await filterContext(repo, filters, now, this.searchDescription, scope);
    const page = (sparse: boolean) => repo.page(filters, ctx, { ascending: sort === 'filedAt', after, limit: limit + 1, sparse });
    let rows: PageRow[];
    let total: { total: number; totalExact: boolean };
    if (filters.q !== undefined) {
      // Free text: count first, then fetch the page the way that suits how many matched.
      total = await this.total(repo, filters, ctx);
      rows = await page(total.totalExact);
    } else {
      [rows, total] = await Promise.all([page(false), this.total(repo, filters, ctx)]);
    }
    const more = rows.length > limit;
    const items = more ? rows.slice(0, limit) : rows;
    const last = items.at(-1);
    return {
      items: items.map((r) => toCaseSummary(r, now)),
      nextCursor: more && last ? encodeCursor(sort, { filedAt: last.filed_key, id: last.id }) : null,
      ...total,
    };
  }

  /**
   * Exact, except with free text past the cap (then `total` is the cap, a lower bound: "more than
   * N"). A look-up by reference matches few cases: counted in the case store. Otherwise the
   * snapshot counts the cases unchanged since it and the case store those changed since.
   */
  private async total(repo: RegistryRepository, f: RegistryFilters, ctx: FilterContext): Promise<{ total: number; totalExact: boolean }> {
    if (f.q !== undefined) {
      const counted = await repo.countUpTo(f, ctx, this.cap + 1);
      return counted <= this.cap ? { total: counted, totalExact: true } : { total: this.cap, totalExact: false };
    }
    if (f.externalRef === undefined && this.snapshot) {
      const { q: _q, externalRef: _ref, ...filters } = f;
      this.storeId ??= repo.storeId();
      const storeId = await this.storeId;
      const n = await this.snapshot.exactMatches(filters, ctx.scope ?? UNRESTRICTED, ctx.now, (watermark) =>
        // A snapshot of another case store (a restored backup, a DATA_DIR moved) counts nothing here.
        watermark.storeId === storeId ? repo.changedSince(watermark.xmin, f, ctx, MAX_CHANGED_SINCE_SNAPSHOT) : Promise.resolve(null),
      );
      if (n !== null) return { total: n, totalExact: true };
    }
    return { total: await repo.count(f, ctx), totalExact: true };
  }
}
