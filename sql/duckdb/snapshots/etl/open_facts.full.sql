CREATE OR REPLACE TABLE "open_facts" AS
SELECT * FROM complaint_facts WHERE status = 'open'
-- parameters: []
