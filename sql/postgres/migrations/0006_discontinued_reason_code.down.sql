-- Back to a free-text reason: the note (where there is one) becomes the reason again.
ALTER TABLE complaints DROP CONSTRAINT IF EXISTS complaints_discontinued_reason_code;

UPDATE complaints c
SET discontinued_reason = e.data->>'note'
FROM complaint_events e
WHERE e.complaint_id = c.id AND e.type = 'adr_discontinued' AND e.voided_at IS NULL AND e.data ? 'note'
  AND c.closure = 'adr_discontinued';

ALTER TABLE complaint_events DISABLE TRIGGER complaint_events_append_only;

UPDATE complaint_events
SET data = jsonb_build_object('reason', data->>'note')
WHERE type = 'adr_discontinued' AND data ? 'note';

ALTER TABLE complaint_events ENABLE TRIGGER complaint_events_append_only;

CREATE OR REPLACE FUNCTION complaint_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'complaint events are append-only: void an event instead of deleting it';
  END IF;
  IF (NEW.complaint_id, NEW.seq, NEW.type, NEW.at, NEW.data) IS DISTINCT FROM (OLD.complaint_id, OLD.seq, OLD.type, OLD.at, OLD.data) THEN
    RAISE EXCEPTION 'complaint events are append-only: only voiding is allowed';
  END IF;
  RETURN NEW;
END $$;
