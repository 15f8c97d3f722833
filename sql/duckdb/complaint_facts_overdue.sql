-- complaint_facts.x_overdue: open cases past their stage deadline at this snapshot's instant.
-- Deadlines pass with time, so every run re-judges every open case, changed or not; only flags
-- that flip are written, and their number tells whether any figure changed.
-- x_bits keeps x_overdue as its bit 14 (value 16384).
UPDATE complaint_facts
SET x_overdue = 1 - x_overdue, x_bits = CASE WHEN x_overdue = 1 THEN x_bits - 16384 ELSE x_bits + 16384 END
WHERE (status = 'open' OR x_overdue = 1)
  AND x_overdue <> coalesce(status = 'open' AND due_at < $as_of::TIMESTAMP, false)::UTINYINT;
