INSERT INTO adr_body_keys
SELECT id, ((SELECT coalesce(max(adr_body_key), 0) FROM adr_body_keys) + row_number() OVER (ORDER BY id))::USMALLINT
FROM (SELECT id FROM extract_adr_bodies EXCEPT SELECT adr_body_id FROM adr_body_keys)
-- parameters: []
