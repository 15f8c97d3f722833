DROP INDEX IF EXISTS complaints_open_filed;
CREATE INDEX complaints_open_filed ON complaints (filed_at, id) INCLUDE (due_at) WHERE status = 'open';
