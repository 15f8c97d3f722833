/** The combined state of the answers one chart needs: an error wins, then loading; busy while any is. */
import type { Resource, Status } from './resource.svelte.js';

export const statusOf = (...rs: Resource<unknown>[]): Status =>
  rs.some((r) => r.status === 'error') ? 'error' : rs.some((r) => r.status === 'loading') ? 'loading' : 'ready';
export const errorOf = (...rs: Resource<unknown>[]): string | undefined => rs.find((r) => r.error)?.error;
export const busyOf = (...rs: Resource<unknown>[]): boolean => rs.some((r) => r.busy);
