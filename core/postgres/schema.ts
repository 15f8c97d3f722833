/**
 * Kysely's view of the tables: the types kysely-codegen generates from the migrations
 * (database.generated.ts, kept equal to them by test/db-types.test.ts; `npm run gen:db-types`
 * rewrites it), narrowed below where the application knows more than a column's SQL type says.
 * bigint and numeric come back as strings (exact), timestamptz as Date, date as 'YYYY-MM-DD'.
 */
import type { ColumnType, Insertable, InsertType, Selectable, SelectType, UpdateType } from 'kysely';
import type * as Generated from './database.generated.js';

/**
 * Whether column type `C` narrows `Gen`: what a query may select, insert and update with it is
 * each a subset of what `Gen` allows. (Compared as a tuple: comparing two instantiations of one
 * generic alias would let TypeScript compare the arguments themselves, where a union of column
 * types, as kysely-codegen writes jsonb, fails for no reason.)
 */
type Narrows<Gen, C> = [SelectType<C>, InsertType<C>, UpdateType<C>] extends [SelectType<Gen>, InsertType<Gen>, UpdateType<Gen>]
  ? true
  : false;

/**
 * `Table` with the columns of `N` typed narrower than the database declares them. It compiles only
 * when each of them is a column of `Table` and narrows its generated type: a migration that drops
 * or retypes the column breaks the build here instead of leaving the narrowing to drift.
 */
type Narrow<
  Table,
  N extends { [K in keyof N]: K extends keyof Table ? (Narrows<Table[K], N[K]> extends true ? unknown : never) : never },
> = Replace<Table, N>;

/** `Base` with the members of `R` in place of its own; each must be a member of `Base`. */
type Replace<Base, R extends { [K in keyof R]: K extends keyof Base ? unknown : never }> = {
  [K in keyof Base]: K extends keyof R ? R[K] : Base[K];
};

export type TradersTable = Generated.Traders;
export type AdrBodiesTable = Generated.AdrBodies;
export type SchemaMigrationsTable = Generated.SchemaMigrations;

export type IngestBatchesTable = Narrow<
  Generated.IngestBatches,
  {
    /** CHECK (status IN ('completed', 'rejected')): text in SQL, these two values in fact. */
    status: 'completed' | 'rejected';
  }
>;

export type ComplaintsTable = Narrow<
  Generated.Complaints,
  {
    /**
     * xid8 of the last transaction that wrote the row: the ETL's watermark. Its default and a
     * trigger (0003) set it, never a statement: no insert or update may name it.
     */
    changed_xid: ColumnType<string, never, never>;
  }
>;

export type ComplaintEventsTable = Narrow<
  Generated.ComplaintEvents,
  {
    /**
     * jsonb, always an object: the event's fields beyond type and at. Written as JSON text
     * (JSON.stringify), which pg and PGlite pass on alike.
     */
    data: ColumnType<Generated.JsonObject, string | undefined, string>;
  }
>;

export type EtlRunsTable = Narrow<
  Generated.EtlRuns,
  {
    /** CHECK (kind IN ('full', 'incremental')) */
    kind: 'full' | 'incremental';
    /** CHECK (status IN ('running', 'succeeded', 'failed')) */
    status: 'running' | 'succeeded' | 'failed';
  }
>;

export type ApiTokensTable = Narrow<
  Generated.ApiTokens,
  {
    /** CHECK (role IN (…)): the roles of api/src/access/roles.ts. */
    role: 'admin' | 'regulator' | 'trader' | 'adr_body' | 'ingest';
  }
>;

export type AuditLogTable = Narrow<
  Generated.AuditLog,
  {
    /** jsonb, an object or null (identifiers, counts and codes); written as JSON text. */
    detail: ColumnType<Generated.JsonObject | null, string | null, string | null>;
  }
>;

/** The tables whose columns are narrowed above. */
interface NarrowedTables {
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  complaints: ComplaintsTable;
  complaint_events: ComplaintEventsTable;
  etl_runs: EtlRunsTable;
  ingest_batches: IngestBatchesTable;
}

/** Every table of the migrations (the Kysely database type); the narrowed ones in place of their generated types. */
export type DB = Replace<Generated.DB, NarrowedTables>;

export type ComplaintRow = Selectable<ComplaintsTable>;
export type NewComplaint = Insertable<ComplaintsTable>;
export type ComplaintEventRow = Selectable<ComplaintEventsTable>;
export type TraderRow = Selectable<TradersTable>;
export type AdrBodyRow = Selectable<AdrBodiesTable>;
export type BatchRow = Selectable<IngestBatchesTable>;

export type EtlRunRow = Selectable<EtlRunsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type AuditRow = Selectable<AuditLogTable>;
