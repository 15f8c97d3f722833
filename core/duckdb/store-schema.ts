/**
 * The analytics store's schema (DuckDB): its ENUM types and tables, composed from the code lists
 * (core/codes.ts). AnalyticsDb.open creates what is missing; a full ETL run recreates
 * complaint_facts and flag_classes from the same statements. The ETL derives the store's schema
 * version from these statements (etl/plan.ts): a change here rebuilds the store.
 *
 * The coded columns are ENUMs of domain.md's code lists ('' stands for "none" in the optional
 * ones). DuckDB stores an ENUM as a one-byte integer: grouping, filtering and writing it all beat
 * the same text column (see bench/RESULTS.md), and a small integer range lets DuckDB aggregate
 * into a perfect hash table. The free-form code (source) stays text; the ADR body is a
 * key (adr_body_keys). No free text ever comes here (the discontinuation's note is personal
 * data: only its reason code does).
 */
import {
  ADR_RESULTS,
  CLOSURES,
  COUNTRIES,
  DISCONTINUED_REASON_CODES,
  PROBLEM_CODES,
  REFUSAL_GROUND_CODES,
  SECTOR_CODES,
  STAGES,
  STATUSES,
  TRADER_DECISIONS,
} from '../codes.js';
import { list, sql, type RawBuilder } from './duck-sql.js';

/** The code lists the ENUM types are made of. */
export const ENUM_CODES = {
  countries: COUNTRIES,
  sectors: SECTOR_CODES,
  problems: PROBLEM_CODES,
  stages: STAGES,
  statuses: STATUSES,
  closures: CLOSURES,
  trader_decisions: TRADER_DECISIONS,
  refusal_grounds: REFUSAL_GROUND_CODES,
  adr_results: ADR_RESULTS,
  discontinued_reasons: DISCONTINUED_REASON_CODES,
} as const satisfies Record<string, readonly string[]>;

/** A code list as literals: `'a', 'b', …`. */
const codes = (values: readonly string[]) => list(values.map((v) => sql.lit(v)));

/** The ENUM types; the optional codes' types begin with '' ("none"). */
const TYPES: readonly RawBuilder<unknown>[] = [
  sql`CREATE TYPE IF NOT EXISTS country_code AS ENUM (${codes(ENUM_CODES.countries)})`,
  sql`CREATE TYPE IF NOT EXISTS sector_code AS ENUM (${codes(ENUM_CODES.sectors)})`,
  sql`CREATE TYPE IF NOT EXISTS problem_code AS ENUM (${codes(ENUM_CODES.problems)})`,
  sql`CREATE TYPE IF NOT EXISTS stage_code AS ENUM (${codes(ENUM_CODES.stages)})`,
  sql`CREATE TYPE IF NOT EXISTS status_code AS ENUM (${codes(ENUM_CODES.statuses)})`,
  sql`CREATE TYPE IF NOT EXISTS closure_code AS ENUM ('', ${codes(ENUM_CODES.closures)})`,
  sql`CREATE TYPE IF NOT EXISTS decision_code AS ENUM ('', ${codes(ENUM_CODES.trader_decisions)})`,
  sql`CREATE TYPE IF NOT EXISTS refusal_code AS ENUM ('', ${codes(ENUM_CODES.refusal_grounds)})`,
  sql`CREATE TYPE IF NOT EXISTS adr_result_code AS ENUM ('', ${codes(ENUM_CODES.adr_results)})`,
  sql`CREATE TYPE IF NOT EXISTS discontinued_code AS ENUM ('', ${codes(ENUM_CODES.discontinued_reasons)})`,
];

/** `CREATE TABLE IF NOT EXISTS name (…)`, a column a line. */
const table = (name: string, columns: readonly RawBuilder<unknown>[]) => sql`CREATE TABLE IF NOT EXISTS ${sql.id(name)} (
  ${list(columns, sql`,\n  `)}
)`;

/** The store's tables, in the order they are created. */
export const STORE_TABLES = {
  complaint_facts: table('complaint_facts', [
    // Only what the analytics read: every column costs the full run its compression (so the 21 raw
    // milestones the flags are derived from are not kept).
    sql`id                  BIGINT NOT NULL`,
    sql`source              VARCHAR NOT NULL`,
    sql`filed_at            TIMESTAMP NOT NULL`, // UTC
    sql`consumer_country    country_code NOT NULL`,
    sql`trader_country      country_code NOT NULL`,
    sql`sector              sector_code NOT NULL`,
    sql`problem             problem_code NOT NULL`,
    sql`stage               stage_code NOT NULL`,
    sql`status              status_code NOT NULL`,
    // The optional codes hold '' rather than NULL: one NULL in a column makes DuckDB group and
    // filter it several times slower. Filters never ask for '': a code is never empty.
    sql`closure             closure_code NOT NULL`,
    sql`trader_decision     decision_code NOT NULL`,
    sql`adr_body_key        USMALLINT NOT NULL`, // adr_body_keys' integer for the ADR body; 0 when none
    sql`agreed_at           TIMESTAMP`, // the ADR report's year is the year of receipt
    sql`refusal_ground      refusal_code NOT NULL`,
    sql`adr_result          adr_result_code NOT NULL`,
    sql`discontinued_reason discontinued_code NOT NULL`,
    sql`due_at              TIMESTAMP`, // x_overdue is judged against it on every run
    // Derived once here so that every query reads the same numbers (domain.md §4).
    // Microseconds from filing to the closing event (days: / 86 400 000 000); null while open. An
    // integer: quantile_cont gathers and sorts it much faster than DOUBLE days.
    sql`close_us            BIGINT`,
    // ADR conclusion − receipt in integer microseconds: summed exactly, so an average is the same
    // whatever order rows and groups are added in (a full run and increments number classes apart).
    sql`adr_us              BIGINT`,
    // The lifecycle's other milestones in microseconds after filing (null: not happened): a
    // like-for-like comparison counts, in an earlier cohort, only what had happened by the same
    // age (queries/aged-summary.ts). agreed_at and close_us give the rest.
    sql`sent_us             BIGINT`,
    sql`replied_us          BIGINT`,
    sql`accepted_us         BIGINT`,
    sql`refused_us          BIGINT`,
    sql`compliance_us       BIGINT`, // the latest compliance report's
    // The two 0/1 flags the filters read (crossBorder, overdue): columns of their own for the row
    // groups' min/max. Every flag the measures read is in x_bits.
    sql`x_cross_border      UTINYINT NOT NULL`,
    sql`x_overdue           UTINYINT NOT NULL`, // open and past its deadline at snapshot.finished_at (reset every run)
    // The UTC period of filing, numbered: year, year·4 + quarter − 1, year·12 + month − 1. The
    // trend groups by them: small integer ranges go to a perfect hash table, which DATE columns
    // do not; date_trunc per row and request cost more still.
    sql`filed_month         USMALLINT NOT NULL`,
    sql`filed_quarter       USMALLINT NOT NULL`,
    sql`filed_year          USMALLINT NOT NULL`,
    // close_us's bucket in close_buckets (about two hundred ranges holding similar shares of the
    // closed cases), where the quantiles locate their ranks (close-quantiles.ts, over
    // closed_facts). Null when open.
    sql`close_cb            USMALLINT`,
    // The row's flag class (flag_classes): its flags, four outcome codes and coarse close bucket,
    // numbered densely (about a thousand). The measures group by (group, x_class): small integer
    // ranges that DuckDB counts in a perfect hash table. It sizes that table by each column's type
    // (a byte per ENUM), so four ENUMs in one key no longer fit: the class carries them. The
    // coarse close bucket makes the same count the quantiles' histogram: one scan, not two.
    sql`x_class             USMALLINT NOT NULL`,
    // trader_keys' integer for the trader: a filter or grouping on it costs a fraction of the
    // id's text, and storing the text would slow the full run; queries join trader_keys for the
    // ids of the few traders they list.
    sql`trader_key          INTEGER NOT NULL`,
    // The measures' 0/1 flags packed in one integer, bit k = flag k of core/flags.ts (overdue, the
    // last, as x_overdue). A set of rows shares a few dozen values: the measures count rows per
    // value first and sum those few groups, several times faster than summing fifteen flag
    // columns over every row.
    sql`x_bits              USMALLINT NOT NULL`,
  ]),
  // complaint_facts.x_class: the flag classes seen so far (the ETL adds new ones; a number is never
  // reused in a snapshot's store). x_bits: the flags but overdue, which is x_overdue. close_cc: the
  // class's coarse close bucket, null for open cases. x_twin: for an open case's class, the class
  // differing in x_overdue alone, where a case moves when its deadline passes. A full run numbers
  // the classes afresh (its close buckets are new); an increment adds the new ones.
  flag_classes: sql`CREATE TABLE IF NOT EXISTS flag_classes (
  x_class USMALLINT NOT NULL, x_bits USMALLINT NOT NULL, closure closure_code NOT NULL,
  trader_decision decision_code NOT NULL, adr_result adr_result_code NOT NULL, refusal_ground refusal_code NOT NULL,
  close_cc USMALLINT, x_overdue UTINYINT NOT NULL, x_twin USMALLINT
)`,
  // complaint_facts.close_cb: the buckets of close_us a full run chooses. A bucket holds close_us
  // from lo_us (inclusive) to the next one's lo_us; point_us is set when it holds one value only
  // (an exact number of hours many cases share, e.g. the automatic closure's): the quantiles read
  // it without looking at any row. close_cc: its coarse bucket (a run of buckets), which the flag
  // classes carry.
  close_buckets: sql`CREATE TABLE IF NOT EXISTS close_buckets (close_cb USMALLINT NOT NULL, lo_us BIGINT NOT NULL, point_us BIGINT, close_cc USMALLINT NOT NULL)`,
  // close_buckets as lists that complaint_facts' insert looks up by index per row, cheaper than a
  // join on every full run: close_cb by hour bucket + 1, close_cc by close_cb + 1.
  close_bucket_map: sql`CREATE TABLE IF NOT EXISTS close_bucket_map (by_hour USMALLINT[] NOT NULL, coarse USMALLINT[] NOT NULL)`,
  // A stable integer per ADR body, from 1, as trader_keys.
  adr_body_keys: sql`CREATE TABLE IF NOT EXISTS adr_body_keys (adr_body_id VARCHAR NOT NULL, adr_body_key USMALLINT NOT NULL)`,
  // A stable integer per trader: given once, never changed or reused in a store.
  trader_keys: sql`CREATE TABLE IF NOT EXISTS trader_keys (trader_id VARCHAR NOT NULL, trader_key INTEGER NOT NULL)`,
  // The trader benchmark's inputs per trader and year of filing (domain.md §4), kept by the ETL so
  // that a request reads one sector's rows instead of aggregating the year.
  trader_years: table('trader_years', [
    sql`trader_id            VARCHAR NOT NULL`,
    sql`year                 INTEGER NOT NULL`,
    sql`sector               VARCHAR NOT NULL`, // most of its complaints that year (ties: registered, then alphabetical)
    sql`"complaints"         INTEGER NOT NULL`,
    sql`"closed"             INTEGER NOT NULL`,
    sql`"resolutionRate"     DOUBLE`,
    sql`"traderResponseRate" DOUBLE`,
    sql`"medianDaysToClose"  DOUBLE`,
  ]),
  traders: sql`CREATE TABLE IF NOT EXISTS traders (id VARCHAR NOT NULL, name VARCHAR, country VARCHAR, sector VARCHAR)`,
  adr_bodies: sql`CREATE TABLE IF NOT EXISTS adr_bodies (id VARCHAR NOT NULL, name VARCHAR, country VARCHAR)`,
  // One row: what the published snapshot is. Read in the same transaction as the figures.
  snapshot: table('snapshot', [
    sql`etl_run_id      BIGINT NOT NULL`,
    sql`data_run_id     BIGINT NOT NULL`, // the last run that changed any figure (answers are kept per data_run_id)
    sql`finished_at     TIMESTAMP NOT NULL`, // UTC; overdue is judged at this instant
    sql`complaints      INTEGER NOT NULL`,
    sql`snapshot_xmin   VARCHAR NOT NULL`, // watermark for the next incremental run
    sql`store_id        VARCHAR NOT NULL`,
    sql`schema_version  VARCHAR NOT NULL`,
    sql`reply_days      INTEGER NOT NULL`, // TRADER_REPLY_DAYS the x_timely flags were computed with
    // UTC; when the data run's extract read the case store (PostgreSQL's now() in its snapshot):
    // open cases are censored at it (medianDaysToCloseKM). Earlier than finished_at.
    sql`snapshot_at     TIMESTAMP NOT NULL`,
  ]),
} as const satisfies Record<string, RawBuilder<unknown>>;

export type StoreTable = keyof typeof STORE_TABLES;

/** Every statement that makes the store, in order: the types, then the tables (each only if missing). */
export const STORE_SCHEMA: readonly RawBuilder<unknown>[] = [...TYPES, ...Object.values(STORE_TABLES)];
