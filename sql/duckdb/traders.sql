-- traders: the reference copy (name for the regulators' table, sector for the benchmark tie-break).
DELETE FROM traders;
INSERT INTO traders SELECT id, name, country, sector FROM extract_traders;
