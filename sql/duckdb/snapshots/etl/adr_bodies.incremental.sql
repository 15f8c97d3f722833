CREATE OR REPLACE TEMP TABLE "adr_bodies_changed" AS
(SELECT * FROM "extract_adr_bodies" EXCEPT ALL SELECT * FROM "adr_bodies")
UNION ALL
(SELECT * FROM "adr_bodies" EXCEPT ALL SELECT * FROM "extract_adr_bodies")
-- parameters: []

DELETE FROM "adr_bodies" WHERE (SELECT count(*) FROM "adr_bodies_changed") > 0
-- parameters: []

INSERT INTO "adr_bodies" SELECT "id", "name", "country" FROM "extract_adr_bodies" WHERE (SELECT count(*) FROM "adr_bodies_changed") > 0
-- parameters: []

SELECT count(*)::INTEGER AS changed FROM "adr_bodies_changed"
-- parameters: []
