/** GET /stats/flows: consumer country × trader country. */
import { sql, type Statement } from '../../../../core/duckdb/duck-sql.js';
import type { Where } from './filters.js';

export interface FlowRow {
  consumerCountry: string;
  traderCountry: string;
  complaints: number;
}

export function flows(where: Where): Statement<FlowRow> {
  return sql<FlowRow>`SELECT
  consumer_country::VARCHAR AS "consumerCountry",
  trader_country::VARCHAR AS "traderCountry",
  count(*)::INTEGER AS "complaints"
FROM complaint_facts
WHERE ${where}
GROUP BY consumer_country, trader_country
ORDER BY "complaints" DESC, 1, 2`;
}
