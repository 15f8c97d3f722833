/** The trader benchmark's inputs (domain.md §4), from trader_years. */
import { sql, type Statement } from '../../../../core/duckdb/duck-sql.js';

export interface BenchmarkTraderRow {
  traderId: string;
  sector: string;
  complaints: number;
  closed: number;
  resolutionRate: number | null;
  traderResponseRate: number | null;
  medianDaysToClose: number | null;
}

/**
 * The trader and every trader of its sector in the year (its sector: the one most of its
 * complaints name, else its registered one). The service picks the peers and withholds what it must.
 */
export function benchmarkTraders(traderId: string, year: number): Statement<BenchmarkTraderRow> {
  return sql<BenchmarkTraderRow>`SELECT trader_id AS "traderId", sector AS "sector", "complaints", "closed", "resolutionRate", "traderResponseRate", "medianDaysToClose"
FROM trader_years
WHERE year = ${year}
  AND (trader_id = ${traderId}
       OR sector = coalesce((SELECT sector FROM trader_years WHERE trader_id = ${traderId} AND year = ${year}),
                            (SELECT sector FROM traders WHERE id = ${traderId})))`;
}

export interface TraderSectorRow {
  sector: string | null;
}

/** A trader's registered sector: no row for a trader the snapshot does not know. */
export function traderSector(traderId: string): Statement<TraderSectorRow> {
  return sql<TraderSectorRow>`SELECT sector FROM traders WHERE id = ${traderId}`;
}
