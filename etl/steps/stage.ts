/**
 * Staging: a full run's fresh complaint_facts and flag_classes, the extract's files as temporary
 * tables, and the number of complaints an increment read.
 */
import { list, sql } from '../../core/duckdb/duck-sql.js';
import { STORE_TABLES } from '../../core/duckdb/store-schema.js';
import { EVERY_RUN, relationOf, type Step, type TempTable } from '../step.js';

/**
 * A full run builds a new complaint_facts rather than deleting ten million rows one by one;
 * readers keep the old one until the commit. Its flag classes are numbered afresh: they carry a
 * coarse close bucket, and the run chooses new close buckets.
 */
export const rebuildFacts: Step = {
  name: 'rebuild_facts',
  on: ['full'],
  reads: [],
  writes: ['complaint_facts', 'flag_classes'],
  statements: () => [
    sql`DROP TABLE complaint_facts`,
    sql`DROP TABLE flag_classes`,
    STORE_TABLES.complaint_facts,
    STORE_TABLES.flag_classes,
  ],
};

/**
 * A view on a full run: the INSERT reads the file once, and writing a temporary copy of every row
 * would cost more than it saves. A table on an increment: read by both the DELETE and the INSERT.
 */
const EXTRACT_COMPLAINTS: TempTable = { name: 'extract_complaints', viewOn: 'full' };
const EXTRACT_TRADERS: TempTable = { name: 'extract_traders' };
const EXTRACT_ADR_BODIES: TempTable = { name: 'extract_adr_bodies' };
/** The (trader, year) pairs whose benchmark measures this run recomputes (complaint_facts_delete notes them). */
const TOUCHED_TRADER_YEARS: TempTable = { name: 'touched_trader_years' };

/**
 * The extract's CSV files (PostgreSQL's COPY) as temporary tables: the complaints' parts as one
 * list, one file each for the traders and the ADR bodies. The paths are the run's own: literals.
 */
export const loadExtract: Step = {
  name: 'load_extract',
  on: EVERY_RUN,
  reads: [],
  writes: [],
  temps: [EXTRACT_COMPLAINTS, EXTRACT_TRADERS, EXTRACT_ADR_BODIES, TOUCHED_TRADER_YEARS],
  statements: ({ kind, files }) => [
    sql`CREATE OR REPLACE TEMP ${sql.raw(relationOf(EXTRACT_COMPLAINTS, kind))} ${sql.id(EXTRACT_COMPLAINTS.name)} AS
SELECT * FROM read_csv([${list(files.complaints.map((f) => sql.lit(f)))}], header = false, auto_detect = false, nullstr = '', columns = {
  'id': 'BIGINT', 'source': 'VARCHAR', 'filed_at': 'TIMESTAMP', 'consumer_country': 'VARCHAR',
  'trader_id': 'VARCHAR', 'trader_country': 'VARCHAR', 'sector': 'VARCHAR', 'problem': 'VARCHAR',
  'stage': 'VARCHAR', 'status': 'VARCHAR', 'closure': 'VARCHAR', 'sent_at': 'TIMESTAMP',
  'replied_at': 'TIMESTAMP', 'trader_decision': 'VARCHAR', 'adr_body_id': 'VARCHAR',
  'agreed_at': 'TIMESTAMP', 'accepted_at': 'TIMESTAMP', 'refused_at': 'TIMESTAMP',
  'refusal_ground': 'VARCHAR', 'closed_at': 'TIMESTAMP', 'adr_result': 'VARCHAR',
  'discontinued_reason': 'VARCHAR', 'complied': 'BOOLEAN', 'compliance_at': 'TIMESTAMP', 'due_at': 'TIMESTAMP'
})`,
    sql`CREATE OR REPLACE TEMP TABLE ${sql.id(EXTRACT_TRADERS.name)} AS
SELECT * FROM read_csv(${sql.lit(files.traders)}, header = false, auto_detect = false, nullstr = '',
  columns = { 'id': 'VARCHAR', 'name': 'VARCHAR', 'country': 'VARCHAR', 'sector': 'VARCHAR' })`,
    sql`CREATE OR REPLACE TEMP TABLE ${sql.id(EXTRACT_ADR_BODIES.name)} AS
SELECT * FROM read_csv(${sql.lit(files.adrBodies)}, header = false, auto_detect = false, nullstr = '',
  columns = { 'id': 'VARCHAR', 'name': 'VARCHAR', 'country': 'VARCHAR' })`,
    sql`CREATE OR REPLACE TEMP TABLE ${sql.id(TOUCHED_TRADER_YEARS.name)} (trader_id VARCHAR NOT NULL, trader_key INTEGER NOT NULL, filed_year USMALLINT NOT NULL)`,
  ],
};

/** An increment's complaints read (a full run counts them in complaint_facts: count_facts). */
export const countExtract: Step = {
  name: 'count_extract',
  on: ['incremental'],
  reads: ['extract_complaints'],
  writes: [],
  statements: () => [sql<{ n: number }>`SELECT count(*)::INTEGER AS n FROM extract_complaints`],
  finds: (row) => ({ rowsRead: Number(row?.n ?? 0) }),
};
