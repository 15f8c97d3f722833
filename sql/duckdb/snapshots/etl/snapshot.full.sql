INSERT INTO snapshot
SELECT $1, $2, $3::TIMESTAMP, (SELECT count(*) FROM complaint_facts)::INTEGER, $4, $5, $6, $7,
       CASE WHEN $8 = $9 THEN $10::TIMESTAMP ELSE (SELECT max(snapshot_at) FROM snapshot) END
-- parameters: [42,42,"2026-01-15 12:00:00.000","1000","7400000000000000000/odr","SCHEMA_VERSION",10,42,42,"2026-01-15 11:59:58.500"]

DELETE FROM snapshot WHERE etl_run_id <> $1
-- parameters: [42]

SELECT complaints FROM snapshot
-- parameters: []
