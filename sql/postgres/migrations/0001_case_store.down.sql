DROP TABLE complaint_events;
DROP FUNCTION complaint_events_append_only();
DROP FUNCTION odr_event_json(text, timestamptz, jsonb);
DROP TABLE complaints;
DROP TABLE ingest_batches;
DROP TABLE adr_bodies;
DROP TABLE traders;
