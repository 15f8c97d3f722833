-- open_facts: the open cases alone (a few per cent of all), so the backlog view (/stats/overdue)
-- reads a small table, as PostgreSQL's partial index lets the registry do.
CREATE OR REPLACE TABLE open_facts AS
SELECT * FROM complaint_facts WHERE status = 'open';
