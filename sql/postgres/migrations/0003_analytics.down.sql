DROP TABLE etl_runs;
DROP TRIGGER complaints_mark_changed ON complaints;
DROP FUNCTION complaints_mark_changed();
DROP INDEX complaints_changed_xid;
ALTER TABLE complaints DROP COLUMN changed_xid;
