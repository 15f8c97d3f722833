-- adr_bodies: the reference copy (name and country for the activity report).
DELETE FROM adr_bodies;
INSERT INTO adr_bodies SELECT id, name, country FROM extract_adr_bodies;
