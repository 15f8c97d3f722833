-- traders: the reference copy (name for the regulators' table, sector for the benchmark
-- tie-break), replaced when anything in it differs; the last statement says how many rows did.
CREATE OR REPLACE TEMP TABLE traders_changed AS
(SELECT * FROM extract_traders EXCEPT ALL SELECT * FROM traders)
UNION ALL
(SELECT * FROM traders EXCEPT ALL SELECT * FROM extract_traders);
DELETE FROM traders WHERE (SELECT count(*) FROM traders_changed) > 0;
INSERT INTO traders SELECT id, name, country, sector FROM extract_traders WHERE (SELECT count(*) FROM traders_changed) > 0;
SELECT count(*)::INTEGER AS changed FROM traders_changed;
