/**
 * DuckDB statements composed in typed code: Kysely as a compiler only. DuckDB reads PostgreSQL's
 * `$1` placeholders and double-quoted identifiers, so Kysely's PostgreSQL compiler writes what
 * DuckDB runs; the statements run on the analytics store's own connections (analytics-db.ts),
 * never through a Kysely driver. Values are bound parameters; constants of our own (flag bits,
 * code lists, file paths we chose) are written inline with `sql.lit`, so a statement's snapshot
 * (sql/duckdb/snapshots/) shows them.
 */
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  type Compilable,
  type CompiledQuery,
  type RawBuilder,
} from 'kysely';

export { sql, type RawBuilder };

export type Row = Record<string, unknown>;

/** A statement whose rows are R: `sql<R>\`…\`` or a query built on `duck`. */
export type Statement<R = Row> = RawBuilder<R> | Compilable<R>;

/** Compiles only: `duck.selectFrom(…)` and `sql\`…\`` (compiled against it) give the text DuckDB runs. */
export const duck = new Kysely<Record<string, Record<string, unknown>>>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/** The text and parameters of a statement. */
export function compiled<R>(statement: Statement<R>): CompiledQuery<R> {
  return 'isRawBuilder' in statement ? statement.compile(duck) : statement.compile();
}

/** A list joined by `, ` (or another separator): Kysely's `sql.join` with a name that reads. */
export const list = (items: readonly RawBuilder<unknown>[], separator: RawBuilder<unknown> = sql`, `) => sql.join(items, separator);

/** A statement's snapshot: the exact text, then its parameters (sql/duckdb/snapshots/). */
export function snapshotText(statement: Statement<unknown>): string {
  const q = compiled(statement);
  return `${q.sql}\n-- parameters: ${JSON.stringify(q.parameters)}\n`;
}
