SELECT b.id, b.name, b.country, k.adr_body_key FROM adr_bodies b LEFT JOIN adr_body_keys k ON k.adr_body_id = b.id WHERE b.id = $1
-- parameters: ["ADR-1"]
