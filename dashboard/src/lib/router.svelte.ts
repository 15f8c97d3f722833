/**
 * A small history-API router: the path picks the view, the query holds the filters. State is a
 * rune so every view re-renders (and re-fetches) when the URL changes, including on back/forward.
 */
import type { Lang } from './i18n.js';

class Route {
  path = $state(location.pathname);
  query = $state(new URLSearchParams(location.search));

  constructor() {
    addEventListener('popstate', () => this.sync());
  }

  get lang(): Lang {
    return this.query.get('lang') === 'it' ? 'it' : 'en';
  }

  private sync(): void {
    this.path = location.pathname;
    this.query = new URLSearchParams(location.search);
  }

  /** Goes to `path` (default: stay) with `query`; a new history entry unless `replace`. */
  go(path: string = this.path, query: URLSearchParams = this.query, replace = false): void {
    const qs = query.toString();
    const url = path + (qs ? `?${qs}` : '');
    if (url === location.pathname + location.search) return;
    if (replace) history.replaceState(null, '', url);
    else history.pushState(null, '', url);
    this.sync();
  }

  /** A link's href to another view, keeping the filters and language (not the registry cursor). */
  href(path: string): string {
    // A throw-away copy, not state: nothing renders from it.
    // eslint-disable-next-line svelte/prefer-svelte-reactivity
    const q = new URLSearchParams(this.query);
    q.delete('cursor');
    const qs = q.toString();
    return path + (qs ? `?${qs}` : '');
  }
}

export const route = new Route();

/** Follows in-app links without reloading (plain left clicks on same-origin <a>). */
export function interceptLinks(event: MouseEvent): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = (event.target as Element | null)?.closest('a');
  if (!a || a.target || a.hasAttribute('download') || a.origin !== location.origin || a.pathname.startsWith('/api/')) return;
  event.preventDefault();
  // eslint-disable-next-line svelte/prefer-svelte-reactivity -- handed to route.go, which copies it
  route.go(a.pathname, new URLSearchParams(a.search));
  if (a.hash) {
    // An in-page entry (a chart's info link to "About these figures"): keep the hash and scroll
    // to it once the view has rendered.
    history.replaceState(null, '', location.pathname + location.search + a.hash);
    const id = decodeURIComponent(a.hash.slice(1));
    requestAnimationFrame(() => document.getElementById(id)?.scrollIntoView());
  } else {
    scrollTo(0, 0);
  }
}
