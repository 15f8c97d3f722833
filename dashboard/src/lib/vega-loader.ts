/**
 * vega-embed (with vega and vega-lite, ~300 KB gzipped) and vega-interpreter as one lazily
 * imported chunk, kept out of the main bundle; the first caller starts the download and every
 * chart awaits the same promise.
 *
 * The interpreter: by default vega compiles its expressions with `new Function`, which the
 * server's Content-Security-Policy (no 'unsafe-eval') forbids. With `ast: true` the parser keeps
 * each expression's syntax tree and `expr` evaluates it without generating code.
 */
export interface VegaRuntime {
  embed: (typeof import('vega-embed'))['default'];
  /** the options every chart passes to embed so it runs under the CSP */
  cspOptions: { ast: true; expr: (typeof import('vega-interpreter'))['expressionInterpreter'] };
}

let pending: Promise<VegaRuntime> | undefined;

export function loadVegaEmbed(): Promise<VegaRuntime> {
  if (!pending) {
    pending = Promise.all([import('vega-embed'), import('vega-interpreter')]).then(([embedModule, interpreter]) => ({
      embed: embedModule.default,
      cspOptions: { ast: true, expr: interpreter.expressionInterpreter },
    }));
    // A failed download may be tried again (a card's retry) instead of failing for good.
    pending.catch(() => {
      pending = undefined;
    });
  }
  return pending;
}
