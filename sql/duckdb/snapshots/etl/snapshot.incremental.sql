DELETE FROM snapshot
-- parameters: []

INSERT INTO snapshot
SELECT $1, $2, $3::TIMESTAMP, (SELECT count(*) FROM complaint_facts)::INTEGER, $4, $5, $6, $7
-- parameters: [42,42,"2026-01-15 12:00:00.000","1000","7400000000000000000/odr","SCHEMA_VERSION",10]

SELECT complaints FROM snapshot
-- parameters: []
