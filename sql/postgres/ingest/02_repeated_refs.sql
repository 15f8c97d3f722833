-- References that occur more than once in the batch, with each line's content digest in line
-- order: the first line counts, identical repeats are duplicates, different ones are errors.
SELECT source, external_ref,
       array_agg(line ORDER BY line) AS lines,
       array_agg(row_hash ORDER BY line) AS hashes
FROM staging_complaints
GROUP BY source, external_ref
HAVING count(*) > 1
