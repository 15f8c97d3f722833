/**
 * For the spec tests: compiles a vega-lite spec and fails the test on any warning or error
 * vega-lite logs, so a spec it would reject or silently change fails in `npm test`, not in a browser.
 */
import { expect } from 'vitest';
import { compile } from 'vega-lite';

export function compiles(spec: Parameters<typeof compile>[0]): ReturnType<typeof compile>['spec'] {
  const warnings: string[] = [];
  const logger = {
    level: () => logger,
    error: (...m: unknown[]) => {
      warnings.push(`error ${m.join(' ')}`);
      return logger;
    },
    warn: (...m: unknown[]) => {
      warnings.push(`warn ${m.join(' ')}`);
      return logger;
    },
    info: () => logger,
    debug: () => logger,
  };
  const out = compile(spec, { logger: logger as never });
  expect(warnings).toEqual([]);
  return out.spec;
}
