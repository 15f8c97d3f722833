SELECT id FROM adr_bodies ORDER BY id
-- parameters: []
