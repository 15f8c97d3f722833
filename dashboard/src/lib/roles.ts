/**
 * What each role may open in the dashboard (contract "Access"), mirroring the API's rules so the
 * navigation offers only views whose data the role can read: a view the API would answer 403 for
 * is not offered, and says so in words if opened by URL.
 */
import type { components } from './api-types.js';

export type Role = components['schemas']['Session']['role'];
export const ROLES: readonly Role[] = ['admin', 'regulator', 'trader', 'adr_body', 'ingest'];

/** Every view of the navigation, in its order. */
export const VIEW_PATHS = [
  '/',
  '/countries',
  '/cross-border',
  '/resolution',
  '/traders',
  '/adr-bodies',
  '/registry',
  '/etl',
  '/about',
] as const;
export type ViewPath = (typeof VIEW_PATHS)[number];

const EVERYTHING: readonly ViewPath[] = VIEW_PATHS;
const VIEWS: Record<Role, readonly ViewPath[]> = {
  admin: EVERYTHING,
  regulator: EVERYTHING,
  // Its own cases and analytics over them, its own benchmark (/traders shows only that).
  trader: ['/', '/resolution', '/traders', '/registry', '/about'],
  // Cases transmitted to it, analytics over them, its own activity report.
  adr_body: ['/', '/resolution', '/adr-bodies', '/registry', '/about'],
  // Reads nothing but its batches' results: the freshness of the data and the definitions.
  ingest: ['/etl', '/about'],
};

export function viewsOf(role: Role): readonly ViewPath[] {
  return VIEWS[role];
}

/** The view a role lands on (the first it may open). */
export function homeOf(role: Role): ViewPath {
  return VIEWS[role][0]!;
}

/** Whether the role may open a path; a case page goes with the registry. Unknown paths are the not-found page's. */
export function mayOpen(role: Role, path: string): boolean {
  const view = /^\/registry\/[^/]+$/.test(path) ? '/registry' : path;
  return !(VIEW_PATHS as readonly string[]).includes(view) || VIEWS[role].includes(view as ViewPath);
}

/** "Run now" on /etl starts an ETL run: admin only (POST /api/v1/etl/runs). */
export const canRunEtl = (role: Role): boolean => role === 'admin';
/** The list of ETL runs (system-wide counts and errors) is the platform's: admin and regulator (GET /api/v1/etl/runs). */
export const canReadEtlRuns = (role: Role): boolean => role === 'admin' || role === 'regulator';
/** Roles that choose which trader or ADR body to look at; a bound role sees only its own. */
export const picksTraders = (role: Role): boolean => role === 'admin' || role === 'regulator';
export const picksAdrBodies = (role: Role): boolean => role === 'admin' || role === 'regulator';
