-- snapshot: what this run publishes; written last, in the same transaction as the data.
DELETE FROM snapshot;
INSERT INTO snapshot
SELECT $etl_run_id, $data_run_id, $as_of::TIMESTAMP, (SELECT count(*) FROM complaint_facts)::INTEGER, $snapshot_xmin, $store_id, $schema_version, $reply_days;
