/**
 * The registry's filters (without `q`: free text never reaches analytics) as one boolean SQL
 * expression over `complaint_facts`, with every value a bound parameter.
 */
import type { DuckDBValue } from '@duckdb/node-api';
import type { AnalyticsFilters } from './analytics.dto.js';
import type { Scope } from '../access/scope.js';

export interface SqlWhere {
  where: string;
  params: Record<string, DuckDBValue>;
}

const LIST_COLUMNS = {
  status: 'status',
  stage: 'stage',
  closure: 'closure',
  consumerCountry: 'consumer_country',
  traderCountry: 'trader_country',
  sector: 'sector',
  problem: 'problem',
  traderId: 'trader_id',
  adrBodyId: 'adr_body_id',
  source: 'source',
} as const satisfies Partial<Record<keyof AnalyticsFilters, string>>;


/** The filters, ANDed with the caller's scope (so a filter can only narrow the scope). */
export function filtersWhere(f: AnalyticsFilters, prefix = 'f', scope?: Scope): SqlWhere {
  const parts: string[] = [];
  const params: Record<string, DuckDBValue> = {};
  let n = 0;
  const bind = (v: DuckDBValue) => {
    const name = `${prefix}${n++}`;
    params[name] = v;
    return `$${name}`;
  };
  for (const [key, column] of Object.entries(LIST_COLUMNS) as [keyof typeof LIST_COLUMNS, string][]) {
    const values = f[key];
    if (values?.length) parts.push(`${column} IN (${values.map((v) => bind(v)).join(', ')})`);
  }
  // x_overdue is judged at the snapshot's instant (domain.md §4: counted at the asOf time).
  if (f.overdue !== undefined) parts.push(`x_overdue = ${f.overdue ? 1 : 0}`);
  if (f.crossBorder !== undefined) parts.push(`x_cross_border = ${f.crossBorder ? 1 : 0}`);
  // Boundaries are ISO text with a zone; the connection's TimeZone is UTC, so the cast to
  // TIMESTAMP gives the UTC instant that filed_at holds.
  if (f.from !== undefined) parts.push(`filed_at >= CAST(CAST(${bind(f.from)} AS TIMESTAMPTZ) AS TIMESTAMP)`);
  if (f.to !== undefined) parts.push(`filed_at < CAST(CAST(${bind(f.to)} AS TIMESTAMPTZ) AS TIMESTAMP)`);
  if (scope?.traderId !== undefined) parts.push(`trader_id = ${bind(scope.traderId)}`);
  if (scope?.adrBodyId !== undefined) parts.push(`adr_body_id = ${bind(scope.adrBodyId)}`);
  if (scope?.source !== undefined) parts.push(`source = ${bind(scope.source)}`);
  return { where: parts.length ? parts.join(' AND ') : 'true', params };
}
