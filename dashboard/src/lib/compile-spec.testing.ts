/**
 * For the spec tests: compiles a vega-lite spec and fails the test on any warning or error
 * vega-lite logs, so a spec it would reject or silently change fails in `npm test`, not in a browser.
 * And draws specs with vega (headless, its SVG renderer to a string), to compare a view rebuilt
 * from a spec with one updated in place from another spec of the same shape (specs.ts, "Shape and
 * data"), as ChartCard does.
 */
import { expect } from 'vitest';
import { compile, type TopLevelSpec } from 'vega-lite';
import { View, parse } from 'vega';
import { splitSpec } from './specs.js';

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

/** The rows of one of a spec's datasets. */
export function rowsOf<T>(spec: TopLevelSpec, name: string): T[] {
  const rows = splitSpec(spec).datasets[name];
  if (!rows) throw new Error(`no dataset ${name}`);
  return rows as T[];
}

/**
 * The picture as a sorted list of its SVG elements (each with its attributes and text): an update
 * in place may order a mark's items differently (kept items first, then the new ones), which
 * draws the same picture; the ids of clip paths and gradients left out.
 */
const elements = (svg: string): string[] =>
  svg
    // Clip paths and gradients are numbered per renderer, not per picture.
    .replace(/\b(clip|gradient_?)\d+/g, '$1#')
    .split(/(?=<)/)
    .sort();

async function viewOf(spec: TopLevelSpec): Promise<View> {
  const view = new View(parse(compiles(spec)), { renderer: 'none' });
  await view.runAsync();
  return view;
}

/** What vega draws for a view built from `spec`. */
export async function drawnBuilt(spec: TopLevelSpec): Promise<string[]> {
  const view = await viewOf(structuredClone(spec));
  const svg = await view.toSVG();
  view.finalize();
  return elements(svg);
}

/** What vega draws for a view built from `from`, then given `to`'s datasets (`view.data(name, rows)`). */
export async function drawnInPlace(from: TopLevelSpec, to: TopLevelSpec): Promise<string[]> {
  const view = await viewOf(structuredClone(from));
  // vega annotates the rows it ingests: a copy, as ChartCard hands it.
  for (const [name, rows] of Object.entries(structuredClone(splitSpec(to).datasets))) view.data(name, rows);
  await view.runAsync();
  const svg = await view.toSVG();
  view.finalize();
  return elements(svg);
}

/** Every `values` and every `data: { name }` in a spec, wherever they sit. */
function dataOf(node: unknown, found: { values: number; names: string[] } = { values: 0, names: [] }): { values: number; names: string[] } {
  if (Array.isArray(node)) node.forEach((n) => dataOf(n, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'values') found.values++;
      if (k === 'data' && v && typeof v === 'object' && 'name' in v) found.names.push(String(v.name));
      dataOf(v, found);
    }
  }
  return found;
}

/** The spec's rows are all in its datasets, each drawn by a mark, each a vega dataset of the same name. */
export function splitsCleanly(spec: TopLevelSpec): void {
  const { key, datasets } = splitSpec(spec);
  const found = dataOf(JSON.parse(key));
  expect(found.values, 'rows inline in the shape').toBe(0);
  expect(new Set(found.names)).toEqual(new Set(Object.keys(datasets)));
  const vega = compiles(spec) as { data: { name: string }[] };
  for (const name of Object.keys(datasets)) expect(vega.data.map((d) => d.name)).toContain(name);
}

/** Same shape (key), other rows, and the view updated in place draws what a view rebuilt draws. */
export async function updatesInPlace(from: TopLevelSpec, to: TopLevelSpec): Promise<void> {
  splitsCleanly(from);
  splitsCleanly(to);
  expect(splitSpec(to).key).toBe(splitSpec(from).key);
  const rebuilt = await drawnBuilt(to);
  // The rows really change the picture: the comparison below could fail.
  expect(rebuilt).not.toEqual(await drawnBuilt(from));
  expect(await drawnInPlace(from, to)).toEqual(rebuilt);
}
