CREATE OR REPLACE TABLE "adr_facts" AS
SELECT * FROM complaint_facts WHERE agreed_at IS NOT NULL
-- parameters: []
