-- Analytics (issue 3): the incremental ETL's change marker and the record of every ETL run.

-- The transaction that last wrote each complaint (insert, new event, void, erasure). The ETL
-- re-extracts rows with changed_xid >= the xmin of the snapshot its previous extract read: every
-- transaction below that xmin had committed (or aborted) before that snapshot, so a transaction
-- that commits late is never skipped, unlike a timestamp or a sequence. A bulk batch writes one
-- xid for all its rows, which the btree's deduplication stores in a few pages.
ALTER TABLE complaints ADD COLUMN changed_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX complaints_changed_xid ON complaints (changed_xid);

CREATE FUNCTION complaints_mark_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.changed_xid := pg_current_xact_id();
  RETURN NEW;
END $$;
CREATE TRIGGER complaints_mark_changed BEFORE UPDATE ON complaints
  FOR EACH ROW EXECUTE FUNCTION complaints_mark_changed();

-- Trader and ADR body names/sectors feed the analytics too (trader table, benchmark sector
-- tie-break, ADR report); they are few, so the ETL copies them whole on every run.

CREATE TABLE etl_runs (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind          text NOT NULL CHECK (kind IN ('full', 'incremental')),
  status        text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
  trigger       text NOT NULL,                 -- schedule, api, cli, start-up
  started_at    timestamptz NOT NULL DEFAULT now(),
  finished_at   timestamptz,
  rows_read     integer,                       -- complaints extracted from PostgreSQL
  complaints    integer,                       -- complaints in the published snapshot
  snapshot_xmin xid8,                          -- the extract snapshot's xmin: the next watermark
  snapshot_at   timestamptz,                   -- when the extract snapshot was taken
  error         text
);
CREATE INDEX etl_runs_started ON etl_runs (started_at DESC);
