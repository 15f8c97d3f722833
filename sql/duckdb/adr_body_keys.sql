-- adr_body_keys: a key for each ADR body the store has not seen yet (as trader_keys.sql: the ADR
-- bodies' extract holds every body complaints can name). complaint_facts keeps the key: a filter
-- on a small integer costs a few ms where the id's text costs ~20 ms per scan at 10 M rows.
INSERT INTO adr_body_keys
SELECT id, ((SELECT coalesce(max(adr_body_key), 0) FROM adr_body_keys) + row_number() OVER (ORDER BY id))::USMALLINT
FROM (SELECT id FROM extract_adr_bodies EXCEPT SELECT adr_body_id FROM adr_body_keys);
