-- adr_facts (incremental runs only): the extracted complaints' rows are replaced by their
-- current ones if they reached an ADR body, and the deadline flags of the rest are re-judged as
-- complaint_facts_overdue.sql judged them (a case moves to its class's twin), as open_facts_update.sql.
DELETE FROM adr_facts WHERE id IN (SELECT id FROM extract_complaints);
INSERT INTO adr_facts
SELECT * FROM complaint_facts
WHERE agreed_at IS NOT NULL AND id IN (SELECT id FROM extract_complaints WHERE agreed_at IS NOT NULL);
UPDATE adr_facts f
SET x_overdue = 1 - f.x_overdue, x_bits = CASE WHEN f.x_overdue = 1 THEN f.x_bits - 16384 ELSE f.x_bits + 16384 END, x_class = c.x_twin
FROM flag_classes c
WHERE c.x_class = f.x_class
  AND (f.status = 'open' OR f.x_overdue = 1)
  AND f.x_overdue <> coalesce(f.status = 'open' AND f.due_at < $as_of::TIMESTAMP, false)::UTINYINT;
