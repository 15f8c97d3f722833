-- Issue 17: refused writes are audited too. outcome: 'succeeded' (every entry so far), 'denied'
-- (403: the caller may not do this) or 'rejected' (the input was refused: 4xx, nothing stored);
-- status: the HTTP status answered (null for the CLI and the retention job).
ALTER TABLE audit_log
  ADD COLUMN outcome text NOT NULL DEFAULT 'succeeded' CHECK (outcome IN ('succeeded', 'denied', 'rejected')),
  ADD COLUMN status smallint;
-- Admins look for refusals among many successes.
CREATE INDEX audit_log_refused ON audit_log (id DESC) WHERE outcome <> 'succeeded';
