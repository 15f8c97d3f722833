-- complaint_facts (incremental runs only): remove the previous rows of the extracted complaints;
-- complaint_facts.sql inserts their current ones. A full run starts from an empty table.
-- Their (trader, year) pairs, old and new, are noted first: trader_years.sql recomputes them.
INSERT INTO touched_trader_years
SELECT trader_id, filed_year FROM complaint_facts WHERE id IN (SELECT id FROM extract_complaints)
UNION
SELECT trader_id, date_trunc('year', filed_at)::DATE FROM extract_complaints;
DELETE FROM complaint_facts WHERE id IN (SELECT id FROM extract_complaints);
