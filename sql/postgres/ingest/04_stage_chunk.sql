-- The chunk joins the batch's rows, before its repeats are set aside and before trader ids are
-- resolved: 12_repeated_refs.sql compares lines as they were sent.
INSERT INTO staging_complaints SELECT * FROM staging_chunk
