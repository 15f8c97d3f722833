/**
 * vega-embed (with vega and vega-lite, ~300 KB gzipped) as one lazily imported chunk, kept out of
 * the main bundle; the first caller starts the download and every chart awaits the same promise.
 */
let pending: Promise<typeof import('vega-embed')> | undefined;

export function loadVegaEmbed(): Promise<typeof import('vega-embed')> {
  if (!pending) {
    pending = import('vega-embed');
    // A failed download may be tried again (a card's retry) instead of failing for good.
    pending.catch(() => {
      pending = undefined;
    });
  }
  return pending;
}
