-- closed_facts (incremental runs only): the extracted complaints' rows are replaced by their
-- current ones if closed in a range bucket, in closed_facts.sql's columns, appended after the
-- sorted rows.
DELETE FROM closed_facts WHERE id IN (SELECT id FROM extract_complaints);
INSERT INTO closed_facts BY NAME
SELECT
  id, close_cb, close_us,
  source, filed_at, filed_month, filed_quarter, filed_year,
  consumer_country, trader_country, sector, problem, stage, status, closure,
  trader_key, adr_body_key, x_cross_border, x_overdue
FROM complaint_facts
WHERE close_cb IN (SELECT close_cb FROM close_buckets WHERE point_us IS NULL)
  AND id IN (SELECT id FROM extract_complaints WHERE closed_at IS NOT NULL);
