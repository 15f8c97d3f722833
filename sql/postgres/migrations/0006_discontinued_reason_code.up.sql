-- Issue 17: the reason an ADR procedure was discontinued becomes a code (domain.md §1), and its
-- free text moves to the event's optional `note`, which is personal data (masked for regulators,
-- erased with the consumer's other personal data, never extracted to analytics).
--   - a stored reason equal to a code stays; any other text becomes `other` with the text as the
--     note, except on cases whose personal data was already erased: there the text is dropped;
--   - the admins' reasons for voiding an event of an erased case are dropped too (free text);
--   - events stay append-only, but erasure may now remove an event's `note`.

CREATE OR REPLACE FUNCTION complaint_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'complaint events are append-only: void an event instead of deleting it';
  END IF;
  -- Besides voiding, the one change allowed is erasure removing the free-text note.
  IF (NEW.complaint_id, NEW.seq, NEW.type, NEW.at) IS DISTINCT FROM (OLD.complaint_id, OLD.seq, OLD.type, OLD.at)
     OR (NEW.data IS DISTINCT FROM OLD.data AND NEW.data IS DISTINCT FROM OLD.data - 'note') THEN
    RAISE EXCEPTION 'complaint events are append-only: only voiding is allowed';
  END IF;
  RETURN NEW;
END $$;

-- Rewriting the reason is a change the trigger refuses: off for this transaction's rewrite only.
ALTER TABLE complaint_events DISABLE TRIGGER complaint_events_append_only;

UPDATE complaint_events e
SET data = CASE WHEN c.personal_data_erased_at IS NULL
                THEN jsonb_build_object('reason', 'other', 'note', e.data->>'reason')
                ELSE jsonb_build_object('reason', 'other') END
FROM complaints c
WHERE c.id = e.complaint_id
  AND e.type = 'adr_discontinued'
  AND e.data->>'reason' NOT IN ('consumer_withdrew', 'trader_withdrew', 'settled_in_between', 'consumer_unresponsive', 'other');

ALTER TABLE complaint_events ENABLE TRIGGER complaint_events_append_only;

UPDATE complaint_events e
SET void_reason = NULL
FROM complaints c
WHERE c.id = e.complaint_id AND c.personal_data_erased_at IS NOT NULL AND e.void_reason IS NOT NULL;

UPDATE complaints
SET discontinued_reason = 'other'
WHERE discontinued_reason NOT IN ('consumer_withdrew', 'trader_withdrew', 'settled_in_between', 'consumer_unresponsive', 'other');

ALTER TABLE complaints ADD CONSTRAINT complaints_discontinued_reason_code
  CHECK (discontinued_reason IN ('consumer_withdrew', 'trader_withdrew', 'settled_in_between', 'consumer_unresponsive', 'other'));
