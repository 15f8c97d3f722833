-- New complaints and their events in one statement. A reference already in the store is skipped
-- here (ON CONFLICT) and judged by 10_match_existing.sql. $1 = batch id.
WITH inserted AS (
  INSERT INTO complaints (
    source, external_ref, filed_at, complainant, consumer_country, consumer_language,
    consumer_name, consumer_email, consumer_address, description, trader_id, trader_name,
    trader_country, trader_website, sector, problem, problem_detail, ordered_online,
    price_amount, price_currency, purchased_at, contacted_trader, language, stage, status,
    closure, sent_at, replied_at, trader_decision, adr_body_id, agreed_at, accepted_at,
    refused_at, refusal_ground, closed_at, adr_result, discontinued_reason, complied,
    compliance_at, event_count, last_event_at, due_at, batch_id)
  SELECT
    source, external_ref, filed_at, complainant, consumer_country, consumer_language,
    consumer_name, consumer_email, consumer_address, description, trader_id, trader_name,
    trader_country, trader_website, sector, problem, problem_detail, ordered_online,
    price_amount, price_currency, purchased_at, contacted_trader, language, stage, status,
    closure, sent_at, replied_at, trader_decision, adr_body_id, agreed_at, accepted_at,
    refused_at, refusal_ground, closed_at, adr_result, discontinued_reason, complied,
    compliance_at, event_count, last_event_at, due_at, $1::uuid
  FROM staging_chunk
  ORDER BY line
  ON CONFLICT (source, external_ref) DO NOTHING
  RETURNING id, source, external_ref
), events AS (
  INSERT INTO complaint_events (complaint_id, seq, type, at, data, batch_id)
  SELECT i.id, e.seq, e.event->>'type', (e.event->>'at')::timestamptz, e.event - 'type' - 'at', $1::uuid
  FROM inserted i
  JOIN staging_chunk s ON s.source = i.source AND s.external_ref = i.external_ref
  CROSS JOIN LATERAL jsonb_array_elements(s.events) WITH ORDINALITY AS e(event, seq)
)
SELECT count(*)::int AS inserted FROM inserted
