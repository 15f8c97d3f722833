-- complaint_facts.x_overdue: open cases past their stage deadline at this snapshot's instant.
-- Deadlines pass with time, so every run re-judges every open case, changed or not; only flags
-- that flip are written, and their number tells whether any figure changed.
-- x_bits keeps x_overdue as its bit 14 (value 16384), and the flag class carries it: the case
-- moves to its class's twin (flag_classes.x_twin).
UPDATE complaint_facts f
SET x_overdue = 1 - f.x_overdue, x_bits = CASE WHEN f.x_overdue = 1 THEN f.x_bits - 16384 ELSE f.x_bits + 16384 END, x_class = c.x_twin
FROM flag_classes c
WHERE c.x_class = f.x_class
  AND (f.status = 'open' OR f.x_overdue = 1)
  AND f.x_overdue <> coalesce(f.status = 'open' AND f.due_at < $as_of::TIMESTAMP, false)::UTINYINT;
