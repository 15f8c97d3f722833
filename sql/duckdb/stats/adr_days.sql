-- The days from receipt to conclusion at the ADR body (adrAverageDays, adrWithin90DaysShare:
-- adr_measures.sql) of the filtered set: one row, read from adr_facts, where every concluded
-- ADR case is. Integer microseconds, summed exactly.
SELECT sum(adr_us) AS adr_us_sum, count(adr_us) AS adr_n
FROM adr_facts
WHERE {{where}}
