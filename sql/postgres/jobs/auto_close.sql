-- AUTO_CLOSE_DAYS (deployments that are themselves the platform): an open case with no ADR body
-- agreed $1 days after filing gets `closed_no_agreement`, dated when the period ran out (or at its
-- latest event, if later). At most $2 cases per run; the job repeats until none is left.
WITH due AS (
  SELECT c.id, greatest(c.filed_at + make_interval(days => $1::int), coalesce(c.last_event_at, c.filed_at)) AS at
  FROM complaints c
  WHERE c.status = 'open'
    AND c.stage IN ('filed', 'with_trader', 'trader_replied')
    AND c.filed_at <= now() - make_interval(days => $1::int)
  ORDER BY c.filed_at
  LIMIT $2::int
  FOR UPDATE SKIP LOCKED
), events AS (
  INSERT INTO complaint_events (complaint_id, seq, type, at, data)
  SELECT d.id, (SELECT coalesce(max(e.seq), 0) + 1 FROM complaint_events e WHERE e.complaint_id = d.id),
         'closed_no_agreement', d.at, '{"auto": true}'::jsonb
  FROM due d
)
UPDATE complaints c
SET stage = 'closed', status = 'closed', closure = 'closed_no_agreement', closed_at = d.at,
    last_event_at = d.at, event_count = c.event_count + 1, due_at = NULL, updated_at = now()
FROM due d
WHERE c.id = d.id
