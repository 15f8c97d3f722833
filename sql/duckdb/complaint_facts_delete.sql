-- complaint_facts (incremental runs only): remove the previous rows of the extracted complaints;
-- complaint_facts.sql inserts their current ones. A full run starts from an empty table.
DELETE FROM complaint_facts WHERE id IN (SELECT id FROM extract_complaints);
