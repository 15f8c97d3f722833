-- closed_facts (incremental runs only): the extracted complaints' rows are replaced by their
-- current ones if closed in a range bucket (closed_facts.sql's macro), appended after the
-- sorted rows.
DELETE FROM closed_facts WHERE id IN (SELECT id FROM extract_complaints);
INSERT INTO closed_facts
FROM closed_fact_rows()
WHERE id IN (SELECT id FROM extract_complaints WHERE closed_at IS NOT NULL);
