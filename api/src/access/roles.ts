/**
 * Who calls (contract "Access"): five roles, the last three bound to the one trader, ADR body or
 * ingest source they act for. Every request past the guard carries its Caller.
 */
export const ROLES = ['admin', 'regulator', 'trader', 'adr_body', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  /** the token's id ('admin-token' for ADMIN_TOKEN) */
  tokenId: string;
  role: Role;
  label: string;
  traderId?: string;
  adrBodyId?: string;
  source?: string;
}

/** How a caller is named in the audit log and in batch records ("trader:T-1 (Shop GmbH desk)"). */
export function actorOf(c: Caller): string {
  const bound = c.traderId ?? c.adrBodyId ?? c.source;
  return `${c.role}${bound ? `:${bound}` : ''} (${c.label})`;
}
