-- complaint_facts.x_overdue: open cases past their stage deadline at this snapshot's instant.
-- Deadlines pass with time, so every run re-judges every open case, changed or not; only flags
-- that flip are written, and their number tells whether any figure changed.
UPDATE complaint_facts
SET x_overdue = 1 - x_overdue
WHERE (status = 'open' OR x_overdue = 1)
  AND x_overdue <> coalesce(status = 'open' AND due_at < $as_of::TIMESTAMP, false)::UTINYINT;
