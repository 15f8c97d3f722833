-- Case registry (GET /api/v1/complaints): indexes for the filters 0001 leaves without one, and
-- for the reference part of the free-text search `q`. Every registry index keeps the (filed_at, id) keyset order.

-- closure (a rare closure must not scan the table to be counted) and problem.
CREATE INDEX complaints_closure_filed ON complaints (closure, filed_at, id) WHERE closure IS NOT NULL;
CREATE INDEX complaints_problem_filed ON complaints (problem, filed_at, id);

-- Open cases in filing order, with their deadline: the overdue list (and status=open) walks
-- this small index instead of sorting every overdue case.
CREATE INDEX complaints_open_filed ON complaints (filed_at, id) INCLUDE (due_at) WHERE status = 'open';

-- q, the reference exactly or as a prefix (LIKE 'x%' whatever the database collation).
CREATE INDEX complaints_external_ref_prefix ON complaints (external_ref text_pattern_ops);

-- No trigram index for `q` on the trader's name and the description: measured at 1 M complaints
-- they made bulk ingest ~45 % slower, and ingest speed has a goal where substring search has
-- none. Substring search scans (newest first, stopping at the page); see bench/RESULTS.md.
