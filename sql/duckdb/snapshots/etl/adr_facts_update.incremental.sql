DELETE FROM "adr_facts" WHERE id IN (SELECT id FROM extract_complaints)
-- parameters: []

INSERT INTO "adr_facts"
SELECT * FROM complaint_facts
WHERE agreed_at IS NOT NULL AND id IN (SELECT id FROM extract_complaints WHERE agreed_at IS NOT NULL)
-- parameters: []

UPDATE "adr_facts" f
SET x_overdue = 1 - f.x_overdue, x_bits = CASE WHEN f.x_overdue = 1 THEN f.x_bits - 16384 ELSE f.x_bits + 16384 END, x_class = c.x_twin
FROM flag_classes c
WHERE c.x_class = f.x_class
  AND (f.status = 'open' OR f.x_overdue = 1)
  AND f.x_overdue <> coalesce(f.status = 'open' AND f.due_at < $1::TIMESTAMP, false)::UTINYINT
-- parameters: ["2026-01-15 12:00:00.000"]
