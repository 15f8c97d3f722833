-- adr_facts (full runs): the cases that reached an ADR body (agreed_at set: 2–3 % of all), so
-- that what concerns them alone reads a small table: the ADR report, which counts the cases a
-- body received, and the ADR durations and discontinuation reasons of the summary and outcomes
-- (stats/adr_days.sql, stats/outcomes.sql), which would otherwise read a mostly empty column of
-- every row (summing adr_us cost the summary's scan 12 of 38 ms at 10 M rows, measured).
CREATE OR REPLACE TABLE adr_facts AS
SELECT * FROM complaint_facts WHERE agreed_at IS NOT NULL;
