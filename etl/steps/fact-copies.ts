/**
 * Copies of some of complaint_facts' rows, so that what concerns them alone reads a small table.
 * A full run builds each copy whole; an increment replaces the extracted complaints' rows with
 * their current ones where they belong (rebuilding from complaint_facts instead would read every
 * row group's every column for a few per cent of the rows).
 */
import { sql, type RawBuilder } from '../../core/duckdb/duck-sql.js';
import type { Step } from '../step.js';
import { overdueTwinMove } from './overdue.js';

/**
 * A copy of complaint_facts' rows matching `where` (in complaint_facts' and the extract's
 * columns alike): built on a full run; on an increment, updated, and its deadline flags
 * re-judged as complaint_facts_overdue judged them (a case moves to its class's twin).
 */
function factCopy(table: 'open_facts' | 'adr_facts', where: RawBuilder<unknown>): [Step, Step] {
  const t = sql.id(table);
  return [
    {
      name: table,
      on: ['full'],
      reads: ['complaint_facts'],
      writes: [table],
      statements: () => [
        sql`CREATE OR REPLACE TABLE ${t} AS
SELECT * FROM complaint_facts WHERE ${where}`,
      ],
    },
    {
      name: `${table}_update`,
      on: ['incremental'],
      reads: ['extract_complaints', 'complaint_facts', 'flag_classes', table],
      writes: [table],
      statements: ({ asOf }) => [
        sql`DELETE FROM ${t} WHERE id IN (SELECT id FROM extract_complaints)`,
        sql`INSERT INTO ${t}
SELECT * FROM complaint_facts
WHERE ${where} AND id IN (SELECT id FROM extract_complaints WHERE ${where})`,
        overdueTwinMove(table, asOf),
      ],
    },
  ];
}

/**
 * open_facts: the open cases alone (a few per cent of all), so the backlog view (/stats/overdue)
 * reads a small table, as PostgreSQL's partial index lets the registry do.
 */
export const [openFacts, openFactsUpdate] = factCopy('open_facts', sql`status = 'open'`);

/**
 * adr_facts: the cases that reached an ADR body (agreed_at set: 2–3 % of all): the ADR report,
 * which counts the cases a body received, and the ADR durations and discontinuation reasons of
 * the summary and outcomes, which would otherwise read a mostly empty column of every row
 * (summing adr_us over every row would be a large share of the summary's scan).
 */
export const [adrFacts, adrFactsUpdate] = factCopy('adr_facts', sql`agreed_at IS NOT NULL`);

/**
 * closed_facts: the closed cases whose time to close lies in a range bucket (not a one-value
 * bucket: those need no row read), in the columns the filters and the grouped views read,
 * sorted by close_cb. The days-to-close quantiles read the buckets their ranks fall in here: a
 * sorted table lets a bucket's rows be read from the few row groups that hold it (their min/max
 * tell DuckDB which) instead of from every row of complaint_facts, several times faster. Leaving
 * out the one-value buckets (e.g. the automatic closure at 30 days, most of the closed cases)
 * keeps the copy small, cheap to write. The rows are a macro of the store that the increment
 * reuses (closed_facts_update); it appends them at the end, unsorted, and the next full run sorts
 * them in.
 */
export const closedFacts: Step = {
  name: 'closed_facts',
  on: ['full'],
  reads: ['complaint_facts', 'close_buckets'],
  writes: ['closed_fact_rows', 'closed_facts'],
  statements: () => [
    sql`CREATE OR REPLACE MACRO closed_fact_rows() AS TABLE
SELECT
  id, close_cb, close_us,
  source, filed_at, filed_month, filed_quarter, filed_year,
  consumer_country, trader_country, sector, problem, stage, status, closure,
  trader_key, adr_body_key, x_cross_border, x_overdue
FROM complaint_facts
WHERE close_cb IN (SELECT close_cb FROM close_buckets WHERE point_us IS NULL)`,
    sql`CREATE OR REPLACE TABLE closed_facts AS
FROM closed_fact_rows()
ORDER BY close_cb`,
  ],
};

/** The extracted complaints' rows replaced by their current ones if closed in a range bucket (closed_facts' macro). */
export const closedFactsUpdate: Step = {
  name: 'closed_facts_update',
  on: ['incremental'],
  reads: ['extract_complaints', 'closed_fact_rows', 'closed_facts'],
  writes: ['closed_facts'],
  statements: () => [
    sql`DELETE FROM closed_facts WHERE id IN (SELECT id FROM extract_complaints)`,
    sql`INSERT INTO closed_facts
FROM closed_fact_rows()
WHERE id IN (SELECT id FROM extract_complaints WHERE closed_at IS NOT NULL)`,
  ],
};
