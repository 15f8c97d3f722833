-- adr_bodies: the reference copy (name and country for the activity report), replaced when
-- anything in it differs; the last statement says how many rows did.
CREATE OR REPLACE TEMP TABLE adr_bodies_changed AS
(SELECT * FROM extract_adr_bodies EXCEPT ALL SELECT * FROM adr_bodies)
UNION ALL
(SELECT * FROM adr_bodies EXCEPT ALL SELECT * FROM extract_adr_bodies);
DELETE FROM adr_bodies WHERE (SELECT count(*) FROM adr_bodies_changed) > 0;
INSERT INTO adr_bodies SELECT id, name, country FROM extract_adr_bodies WHERE (SELECT count(*) FROM adr_bodies_changed) > 0;
SELECT count(*)::INTEGER AS changed FROM adr_bodies_changed;
