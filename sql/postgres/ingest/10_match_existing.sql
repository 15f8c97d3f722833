-- Staged references that were already in the store before this batch ($1 = batch id), judged
-- as the contract says: same content and same events (or the same with only the latest
-- compliance report, as CSV carries it) -> duplicate; same content and the stored
-- (non-voided) events are a prefix of the new ones -> extend; anything else -> conflict.
CREATE TEMP TABLE staging_matches ON COMMIT DROP AS
WITH matched AS (
  SELECT s.line, c.id AS complaint_id, c.personal_data_erased_at IS NOT NULL AS erased,
    -- After erasure the stored events have lost their notes (personal data): the re-sent log is
    -- compared without them, as the personal columns are not compared at all.
    CASE WHEN c.personal_data_erased_at IS NULL THEN s.events
         ELSE (SELECT coalesce(jsonb_agg(x - 'note' ORDER BY i), '[]'::jsonb)
                 FROM jsonb_array_elements(s.events) WITH ORDINALITY AS t(x, i)) END AS events,
    array_remove(ARRAY[
      CASE WHEN s.filed_at IS DISTINCT FROM c.filed_at THEN 'filedAt' END,
      CASE WHEN s.complainant IS DISTINCT FROM c.complainant THEN 'complainant' END,
      CASE WHEN s.consumer_country IS DISTINCT FROM c.consumer_country THEN 'consumer.country' END,
      CASE WHEN s.consumer_language IS DISTINCT FROM c.consumer_language THEN 'consumer.language' END,
      CASE WHEN c.personal_data_erased_at IS NULL AND s.consumer_name IS DISTINCT FROM c.consumer_name THEN 'consumer.name' END,
      CASE WHEN c.personal_data_erased_at IS NULL AND s.consumer_email IS DISTINCT FROM c.consumer_email THEN 'consumer.email' END,
      CASE WHEN c.personal_data_erased_at IS NULL AND s.consumer_address IS DISTINCT FROM c.consumer_address THEN 'consumer.address' END,
      CASE WHEN c.personal_data_erased_at IS NULL AND s.description IS DISTINCT FROM c.description THEN 'description' END,
      CASE WHEN s.trader_id IS DISTINCT FROM c.trader_id THEN 'trader.id' END,
      CASE WHEN s.trader_name IS DISTINCT FROM c.trader_name THEN 'trader.name' END,
      CASE WHEN s.trader_country IS DISTINCT FROM c.trader_country THEN 'trader.country' END,
      CASE WHEN s.trader_website IS DISTINCT FROM c.trader_website THEN 'trader.website' END,
      CASE WHEN s.sector IS DISTINCT FROM c.sector THEN 'sector' END,
      CASE WHEN s.problem IS DISTINCT FROM c.problem THEN 'problem' END,
      CASE WHEN s.problem_detail IS DISTINCT FROM c.problem_detail THEN 'problemDetail' END,
      CASE WHEN s.ordered_online IS DISTINCT FROM c.ordered_online THEN 'orderedOnline' END,
      CASE WHEN s.price_amount IS DISTINCT FROM c.price_amount THEN 'price.amount' END,
      CASE WHEN s.price_currency IS DISTINCT FROM c.price_currency THEN 'price.currency' END,
      CASE WHEN s.purchased_at IS DISTINCT FROM c.purchased_at THEN 'purchasedAt' END,
      CASE WHEN s.contacted_trader IS DISTINCT FROM c.contacted_trader THEN 'contactedTrader' END,
      CASE WHEN s.language IS DISTINCT FROM c.language THEN 'language' END
    ], NULL) AS differing,
    (SELECT coalesce(jsonb_agg(odr_event_json(e.type, e.at, e.data) ORDER BY e.seq), '[]'::jsonb)
       FROM complaint_events e WHERE e.complaint_id = c.id AND e.voided_at IS NULL) AS stored_events,
    -- The same log with only the latest compliance report: what a CSV (one milestone per step)
    -- carries, so a CSV export re-sent to its own store is a duplicate too.
    (SELECT coalesce(jsonb_agg(x.event ORDER BY x.seq), '[]'::jsonb)
       FROM (SELECT odr_event_json(e.type, e.at, e.data) AS event, e.seq,
                    e.type = 'compliance_reported'
                      AND e.seq < max(e.seq) FILTER (WHERE e.type = 'compliance_reported') OVER () AS superseded
               FROM complaint_events e WHERE e.complaint_id = c.id AND e.voided_at IS NULL) x
      WHERE NOT x.superseded) AS stored_latest,
    (SELECT coalesce(max(e.seq), 0) FROM complaint_events e WHERE e.complaint_id = c.id) AS max_seq
  FROM staging_chunk s
  -- One probe of the (source, external_ref) key per staged line. LIMIT 1 (the key is unique)
  -- keeps the planner from turning this into a hash join over the whole store, which it prefers
  -- on fresh statistics and which costs a scan of every complaint per chunk.
  CROSS JOIN LATERAL (
    SELECT * FROM complaints c
    WHERE c.source = s.source AND c.external_ref = s.external_ref AND c.batch_id IS DISTINCT FROM $1::uuid
    LIMIT 1
  ) c
)
SELECT line, complaint_id, erased, differing, max_seq, jsonb_array_length(stored_events) AS stored_count,
  CASE
    WHEN cardinality(differing) > 0 THEN 'conflict'
    WHEN stored_events = events OR stored_latest = events THEN 'duplicate'
    WHEN jsonb_array_length(stored_events) < jsonb_array_length(events)
         AND stored_events = (SELECT coalesce(jsonb_agg(x ORDER BY i), '[]'::jsonb)
                                FROM jsonb_array_elements(events) WITH ORDINALITY AS t(x, i)
                               WHERE i <= jsonb_array_length(stored_events)) THEN 'extend'
    ELSE 'events_differ'
  END AS verdict
FROM matched
