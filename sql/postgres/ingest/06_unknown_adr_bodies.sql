-- Lines naming an ADR body the store does not know (register it with PUT /adr-bodies/{id}).
SELECT s.line, s.adr_body_id
FROM staging_chunk s
WHERE s.adr_body_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM adr_bodies b WHERE b.id = s.adr_body_id)
ORDER BY s.line
LIMIT 1000
