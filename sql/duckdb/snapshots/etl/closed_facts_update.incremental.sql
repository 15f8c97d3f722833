DELETE FROM closed_facts WHERE id IN (SELECT id FROM extract_complaints)
-- parameters: []

INSERT INTO closed_facts
FROM closed_fact_rows()
WHERE id IN (SELECT id FROM extract_complaints WHERE closed_at IS NOT NULL)
-- parameters: []
