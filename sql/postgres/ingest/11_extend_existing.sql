-- Append the new tail of each extended event log and refresh the case's milestones from the
-- staged row (which was replayed over the whole log). $1 = batch id.
WITH appended AS (
  INSERT INTO complaint_events (complaint_id, seq, type, at, data, batch_id)
  SELECT m.complaint_id, m.max_seq + (e.i - m.stored_count), e.event->>'type', (e.event->>'at')::timestamptz,
         -- an erased case takes no new personal data (an event's note)
         CASE WHEN m.erased THEN e.event - 'type' - 'at' - 'note' ELSE e.event - 'type' - 'at' END, $1::uuid
  FROM staging_matches m
  JOIN staging_chunk s ON s.line = m.line
  CROSS JOIN LATERAL jsonb_array_elements(s.events) WITH ORDINALITY AS e(event, i)
  WHERE m.verdict = 'extend' AND e.i > m.stored_count
)
UPDATE complaints c SET
  stage = s.stage, status = s.status, closure = s.closure, sent_at = s.sent_at,
  replied_at = s.replied_at, trader_decision = s.trader_decision, adr_body_id = s.adr_body_id,
  agreed_at = s.agreed_at, accepted_at = s.accepted_at, refused_at = s.refused_at,
  refusal_ground = s.refusal_ground, closed_at = s.closed_at, adr_result = s.adr_result,
  discontinued_reason = s.discontinued_reason, complied = s.complied, compliance_at = s.compliance_at,
  event_count = s.event_count, last_event_at = s.last_event_at, due_at = s.due_at, updated_at = now()
FROM staging_matches m
JOIN staging_chunk s ON s.line = m.line
WHERE m.verdict = 'extend' AND c.id = m.complaint_id
