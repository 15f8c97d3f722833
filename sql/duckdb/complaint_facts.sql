-- complaint_facts: replace every extracted complaint (new or changed) by its current row.
-- A full run starts from an empty table, so the same statements rebuild everything.
DELETE FROM complaint_facts WHERE id IN (SELECT id FROM extract_complaints);
INSERT INTO complaint_facts
SELECT
  id, source, filed_at, consumer_country, trader_id, trader_country,
  consumer_country <> trader_country AS cross_border,
  sector, problem, stage, status, closure,
  sent_at, replied_at, trader_decision, adr_body_id, agreed_at, accepted_at, refused_at,
  refusal_ground, closed_at, adr_result, discontinued_reason, complied, due_at,
  CASE WHEN closed_at IS NOT NULL THEN (epoch_us(closed_at) - epoch_us(filed_at)) / 86400e6 END AS days_to_close,
  CASE WHEN replied_at IS NOT NULL AND sent_at IS NOT NULL THEN (epoch_us(replied_at) - epoch_us(sent_at)) / 1e6 END AS reply_seconds,
  CASE WHEN closure IN ('adr_outcome', 'adr_discontinued') AND agreed_at IS NOT NULL
       THEN (epoch_us(closed_at) - epoch_us(agreed_at)) / 86400e6 END AS adr_days
FROM extract_complaints
ORDER BY filed_at, id;
