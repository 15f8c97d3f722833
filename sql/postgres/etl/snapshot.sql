-- Taken first in the extract's REPEATABLE READ transaction, so it describes exactly what the
-- extract reads. Its xmin is the next run's watermark; the database identity guards against
-- applying an increment to a snapshot built from another database.
SELECT
  pg_snapshot_xmin(pg_current_snapshot())::text AS xmin,
  now() AS at,
  (SELECT system_identifier::text FROM pg_control_system()) || '/' || current_database() AS store_id
