-- A reference already sent on an earlier line of this batch (in this chunk or before) is not
-- merged again: the first line counts, and 12_repeated_refs.sql judges the others at the end
-- (identical → duplicate, different → error).
WITH firsts AS (
  INSERT INTO batch_refs (source, external_ref, line)
  SELECT source, external_ref, line FROM staging_chunk ORDER BY line
  ON CONFLICT (source, external_ref) DO NOTHING
  RETURNING line
)
DELETE FROM staging_chunk c
WHERE NOT EXISTS (SELECT 1 FROM firsts f WHERE f.line = c.line)
