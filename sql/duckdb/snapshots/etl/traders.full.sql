CREATE OR REPLACE TEMP TABLE "traders_changed" AS
(SELECT * FROM "extract_traders" EXCEPT ALL SELECT * FROM "traders")
UNION ALL
(SELECT * FROM "traders" EXCEPT ALL SELECT * FROM "extract_traders")
-- parameters: []

DELETE FROM "traders" WHERE (SELECT count(*) FROM "traders_changed") > 0
-- parameters: []

INSERT INTO "traders" SELECT "id", "name", "country", "sector" FROM "extract_traders" WHERE (SELECT count(*) FROM "traders_changed") > 0
-- parameters: []

SELECT count(*)::INTEGER AS changed FROM "traders_changed"
-- parameters: []
