/**
 * trader_years: the benchmark's measures per trader and year, recomputed for the (trader, year)
 * pairs whose complaints this run extracted (touched_trader_years: old and new rows), or for all
 * of them (`all`: a full run, or the traders' registered sectors, the tie-break, changed). An
 * increment joins on filed_year so that DuckDB's join filter skips, by the row groups' min/max,
 * the years nothing touched (complaint_facts is ordered by filing). The measures and the median
 * are the analytics' own definitions (core/analytics/measures-sql.ts).
 */
import { sql } from '../../core/duckdb/duck-sql.js';
import { CLOSE_QUANTILE_AGGREGATES, flagCounts, MEASURES, selected } from '../../core/analytics/measures-sql.js';
import { EVERY_RUN, type Step } from '../step.js';

/**
 * Two deletes rather than `all OR EXISTS (…)`: with the OR, DuckDB probes every row of
 * trader_years on every increment, even when nothing was touched; the join reads only the
 * pairs. units: one row is a flag group of one (the measures sum flag groups; grouping the
 * trader-years by their flags first would not shrink them), so measures and median take one
 * pass, grouped by the integer trader_key (the text id is joined to the few result rows). picks:
 * the sector as text, so that ties go alphabetically (an ENUM sorts in its list's order).
 */
export const traderYears: Step = {
  name: 'trader_years',
  on: EVERY_RUN,
  reads: ['complaint_facts', 'touched_trader_years', 'trader_keys', 'traders', 'trader_years'],
  writes: ['trader_years'],
  statements: ({ kind, tradersChanged }) => {
    const all = sql.lit(kind === 'full' || tradersChanged);
    return [
      sql`DELETE FROM trader_years WHERE ${all}`,
      sql`DELETE FROM trader_years t USING touched_trader_years x
WHERE NOT ${all} AND x.trader_id = t.trader_id AND x.filed_year = t.year`,
      sql`INSERT INTO trader_years
WITH scope AS (
  SELECT f.* FROM complaint_facts f WHERE ${all}
  UNION ALL
  SELECT f.* FROM complaint_facts f JOIN touched_trader_years x ON x.trader_key = f.trader_key AND x.filed_year = f.filed_year
  WHERE NOT ${all}
),
units AS (
  SELECT trader_key, filed_year::INTEGER AS year, sector, close_us, 1 AS n, x_bits,
         adr_us AS adr_us_sum, (adr_us IS NOT NULL)::INTEGER AS adr_n
  FROM scope
),
measured AS (
  SELECT trader_key, year,
  ${selected(MEASURES)},
  ${selected(CLOSE_QUANTILE_AGGREGATES)}
  FROM (SELECT trader_key, year, close_us, n, ${flagCounts}, adr_us_sum, adr_n FROM units)
  GROUP BY trader_key, year
),
picks AS (
  SELECT c.trader_key, c.year, c.sector,
         row_number() OVER (PARTITION BY c.trader_key, c.year
                            ORDER BY c.n DESC, coalesce(c.sector = t.sector, false) DESC, c.sector) AS pick
  FROM (SELECT trader_key, year, sector::VARCHAR AS sector, n FROM (SELECT trader_key, year, sector, count(*) AS n FROM units GROUP BY ALL)) c
  JOIN trader_keys k USING (trader_key)
  LEFT JOIN traders t ON t.id = k.trader_id
)
SELECT k.trader_id, m.year, p.sector, m."complaints", m."closed", m."resolutionRate", m."traderResponseRate", m."medianDaysToClose"
FROM measured m
JOIN picks p ON p.trader_key = m.trader_key AND p.year = m.year AND p.pick = 1
JOIN trader_keys k ON k.trader_key = m.trader_key`,
    ];
  },
};
