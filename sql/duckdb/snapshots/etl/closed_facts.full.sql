CREATE OR REPLACE MACRO closed_fact_rows() AS TABLE
SELECT
  id, close_cb, close_us,
  source, filed_at, filed_month, filed_quarter, filed_year,
  consumer_country, trader_country, sector, problem, stage, status, closure,
  trader_key, adr_body_key, x_cross_border, x_overdue
FROM complaint_facts
WHERE close_cb IN (SELECT close_cb FROM close_buckets WHERE point_us IS NULL)
-- parameters: []

CREATE OR REPLACE TABLE closed_facts AS
FROM closed_fact_rows()
ORDER BY close_cb
-- parameters: []
