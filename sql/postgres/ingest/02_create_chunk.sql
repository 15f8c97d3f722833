-- The chunk being merged: the next few thousand validated rows of the batch, COPYed here while
-- the server validates the chunk after it. Emptied (TRUNCATE) before each chunk.
CREATE TEMP TABLE staging_chunk (LIKE staging_complaints) ON COMMIT DROP
