-- RETENTION_MONTHS (Regulation 524/2013 Art. 12(4), GDPR): the consumer's personal data (name,
-- e-mail, address, description, and the events' free text: a discontinuation's note, the reason
-- an event was voided) of cases closed $1 months ago or earlier is erased; everything
-- statistical stays. One batch: at most $3 cases with an id above $2, walked in id order so the
-- job passes over the table once; cases locked by a writer are skipped (the next run gets them).
-- Returns the erased ids; the caller continues after the largest.
WITH due AS (
  SELECT c.id
  FROM complaints c
  WHERE c.id > $2::bigint
    AND c.status = 'closed'
    AND c.personal_data_erased_at IS NULL
    AND c.closed_at <= now() - make_interval(months => $1::int)
  ORDER BY c.id
  LIMIT $3::int
  FOR UPDATE SKIP LOCKED
),
erased_events AS (
  UPDATE complaint_events e
  SET data = e.data - 'note', void_reason = NULL
  FROM due d
  WHERE e.complaint_id = d.id AND (e.data ? 'note' OR e.void_reason IS NOT NULL)
)
UPDATE complaints c
SET consumer_name = NULL, consumer_email = NULL, consumer_address = NULL, description = NULL,
    personal_data_erased_at = now(), updated_at = now()
FROM due d
WHERE c.id = d.id
RETURNING c.id
