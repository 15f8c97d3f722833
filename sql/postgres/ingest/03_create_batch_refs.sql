-- Each reference of the batch with the first line that sent it; its key finds a repeat in one
-- index probe however large the batch grows (04_set_aside_repeats.sql).
CREATE TEMP TABLE batch_refs (
  source       text NOT NULL,
  external_ref text NOT NULL,
  line         integer NOT NULL,
  PRIMARY KEY (source, external_ref)
) ON COMMIT DROP
