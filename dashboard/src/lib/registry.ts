/**
 * The registry's own URL state on top of the global filters: free text, a reference, status, stage or
 * closure, overdue and the sort, under the API's parameter names (contract "Case registry"), so a
 * registry view is a shareable link too. Unknown values are dropped, not sent to the API.
 */
import { CLOSURES, STAGES, STATUSES } from '../../../core/codes.js';

export const REGISTRY_KEYS = ['q', 'externalRef', 'status', 'stage', 'closure', 'overdue', 'sort'] as const;
export type RegistryKey = (typeof REGISTRY_KEYS)[number];

export interface RegistryParams {
  q?: string;
  /** exactly this reference: an index lookup, where `q` reads the whole registry */
  externalRef?: string;
  status?: (typeof STATUSES)[number];
  stage?: (typeof STAGES)[number];
  closure?: (typeof CLOSURES)[number];
  overdue?: 'true';
  /** newest first is the API's default, so only the oldest-first order is written */
  sort?: 'filedAt';
}

const oneOf = <T extends string>(list: readonly T[], v: string | undefined): T | undefined =>
  v !== undefined && (list as readonly string[]).includes(v) ? (v as T) : undefined;

export function registryParamsFromQuery(query: URLSearchParams): RegistryParams {
  const p: RegistryParams = {};
  const q = query.get('q')?.trim();
  if (q) p.q = q.slice(0, 200);
  const ref = query.get('externalRef')?.trim();
  if (ref) p.externalRef = ref.slice(0, 200);
  const status = oneOf(STATUSES, query.get('status') ?? undefined);
  if (status) p.status = status;
  const stage = oneOf(STAGES, query.get('stage') ?? undefined);
  if (stage) p.stage = stage;
  const closure = oneOf(CLOSURES, query.get('closure') ?? undefined);
  if (closure) p.closure = closure;
  if (query.get('overdue') === 'true') p.overdue = 'true';
  if (query.get('sort') === 'filedAt') p.sort = 'filedAt';
  return p;
}

/** The export link for the same cases (the API streams the file; it ingests back unchanged). */
export function exportHref(filters: Record<string, string | undefined>, format: 'csv' | 'ndjson' | 'parquet'): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(filters)) if (v !== undefined && k !== 'sort') q.set(k, v);
  q.set('format', format);
  return `/api/v1/complaints/export?${q.toString()}`;
}
