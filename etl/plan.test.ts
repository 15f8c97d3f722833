/**
 * The ETL's plan, without a database: its declarations hold together (every table a step reads
 * is there when it runs, every temporary table has one owner, the declarations name what the SQL
 * touches), and every step's SQL for a full run and an increment, and the store's schema, are
 * kept as snapshots in sql/duckdb/snapshots/etl/: a change to a transform shows up as a readable
 * SQL diff (and changes the schema version, which rebuilds the store).
 */
import { describe, expect, it } from 'vitest';
import { compiled, snapshotText, type Statement } from '../core/duckdb/duck-sql.js';
import { STORE_SCHEMA, STORE_TABLES } from '../core/duckdb/store-schema.js';
import { dropTemps, exampleInput, PLAN, SCHEMA_VERSION, stepsFor, type EtlKind, type Step } from './index.js';

const KINDS: readonly EtlKind[] = ['full', 'incremental'];
const file = (name: string) => `../sql/duckdb/snapshots/etl/${name}.sql`;
const text = (statements: readonly Statement<unknown>[]) => statements.map((s) => snapshotText(s)).join('\n');

const SCHEMA_TABLES = new Set(Object.keys(STORE_TABLES));
const TEMPS = PLAN.flatMap((s) => (s.temps ?? []).map((t) => t.name));
const PERSISTENT = new Set(PLAN.flatMap((s) => s.writes).filter((w) => !TEMPS.includes(w)));
const KNOWN = new Set([...SCHEMA_TABLES, ...TEMPS, ...PERSISTENT]);

/** The store's relations a step's SQL names (after FROM, JOIN, INTO, UPDATE, USING, TABLE, VIEW, MACRO), and those it writes. */
function touched(step: Step, kind: EtlKind): { named: Set<string>; written: Set<string> } {
  const sqlText = step
    .statements(exampleInput(kind))
    .map((s) => compiled(s).sql)
    .join(';\n');
  const names = (re: RegExp) => new Set([...sqlText.matchAll(re)].map((m) => m[1]!).filter((n) => KNOWN.has(n)));
  return {
    named: names(/\b(?:FROM|JOIN|INTO|UPDATE|USING|TABLE|VIEW|MACRO)\s+"?([a-z_]+)"?/g),
    written: names(/\b(?:INSERT INTO|UPDATE|DELETE FROM|TABLE|VIEW|MACRO)\s+"?([a-z_]+)"?/g),
  };
}

describe('the ETL plan', () => {
  it('names each step once; each step runs on some kind of run; the snapshot is written last, once', () => {
    expect(new Set(PLAN.map((s) => s.name)).size).toBe(PLAN.length);
    for (const step of PLAN) expect(step.on.length, step.name).toBeGreaterThan(0);
    for (const kind of KINDS)
      expect(
        stepsFor(kind)
          .filter((s) => s.publishes)
          .map((s) => s.name),
      ).toEqual([stepsFor(kind).at(-1)!.name]);
  });

  it('gives every temporary table exactly one owner, apart from the store tables', () => {
    expect(TEMPS.filter((t, i) => TEMPS.indexOf(t) !== i)).toEqual([]);
    expect(TEMPS.filter((t) => SCHEMA_TABLES.has(t) || PERSISTENT.has(t))).toEqual([]);
  });

  for (const kind of KINDS) {
    it(`on a ${kind} run, every table a step reads or writes is there: the schema's, written before, or a temporary table of an earlier step or its own`, () => {
      // An increment extends a store a full run built: what full runs write is there.
      const persistent = new Set([...SCHEMA_TABLES, ...(kind === 'incremental' ? stepsFor('full').flatMap((s) => s.writes) : [])]);
      const temps = new Set<string>();
      const missing: string[] = [];
      for (const step of stepsFor(kind)) {
        const own = (step.temps ?? []).map((t) => t.name);
        const there = (t: string) => persistent.has(t) || temps.has(t) || own.includes(t);
        for (const t of step.reads) if (!there(t)) missing.push(`${step.name} reads ${t}`);
        for (const t of step.writes) if (TEMPS.includes(t) && !there(t)) missing.push(`${step.name} writes ${t}`);
        for (const t of step.writes) if (!TEMPS.includes(t)) persistent.add(t);
        for (const t of own) temps.add(t);
      }
      expect(missing).toEqual([]);
    });

    it(`on a ${kind} run, a step reads what the run writes only after it is written (or writes it itself)`, () => {
      const steps = stepsFor(kind);
      const early: string[] = [];
      steps.forEach((step, i) => {
        for (const t of step.reads) {
          const writers = steps.flatMap((w, j) => (w.writes.includes(t) ? [j] : []));
          if (writers.some((j) => j !== i) && !writers.some((j) => j <= i))
            early.push(`${step.name} reads ${t} before ${steps[writers[0]!]!.name} writes it`);
        }
      });
      expect(early).toEqual([]);
    });

    it(`on a ${kind} run, each step declares what its SQL reads and writes`, () => {
      for (const step of stepsFor(kind)) {
        const { named, written } = touched(step, kind);
        const own = (step.temps ?? []).map((t) => t.name);
        expect(
          [...named].filter((t) => !step.reads.includes(t) && !step.writes.includes(t) && !own.includes(t)),
          `${step.name}: undeclared`,
        ).toEqual([]);
        expect(
          step.reads.filter((t) => !named.has(t)),
          `${step.name}: declared reads its SQL does not name`,
        ).toEqual([]);
        expect(
          [...written].filter((t) => !step.writes.includes(t) && !own.includes(t)),
          `${step.name}: undeclared writes`,
        ).toEqual([]);
        expect(
          [...step.writes, ...own].filter((t) => !written.has(t)),
          `${step.name}: declared writes its SQL does not make`,
        ).toEqual([]);
      }
    });
  }

  it('derives the schema version from the statements', () => {
    expect(SCHEMA_VERSION).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("the ETL's SQL", () => {
  it('the store schema', async () => {
    await expect(text(STORE_SCHEMA)).toMatchFileSnapshot(file('schema'));
  });

  for (const kind of KINDS) {
    for (const step of stepsFor(kind)) {
      it(`${step.name} (${kind})`, async () => {
        await expect(text(step.statements(exampleInput(kind)))).toMatchFileSnapshot(file(`${step.name}.${kind}`));
      });
    }
    it(`the temporary tables dropped after a ${kind} run`, async () => {
      await expect(text(dropTemps(kind))).toMatchFileSnapshot(file(`drop_temps.${kind}`));
    });
  }

  it("trader_years on an increment after the traders' sectors changed recomputes every pair", async () => {
    await expect(
      text(
        stepsFor('incremental')
          .find((s) => s.name === 'trader_years')!
          .statements({ ...exampleInput('incremental'), tradersChanged: true }),
      ),
    ).toMatchFileSnapshot(file('trader_years.incremental-traders-changed'));
  });
});
