-- The rows of complaint_facts matching the filters, counted per group and per packed flags
-- (x_bits): a set of rows shares a few dozen flag values, so the measures then sum a few
-- hundred groups instead of fifteen flag columns over millions of rows (at 10 M rows, the
-- measures of the whole set 97 → 34 ms, by month 200 → 43 ms, with the stage filter 205 → 57 ms,
-- measured). The summary counts the same groups in its own scan (summary.sql).
-- The group's value is "key"; adr_days is carried as its sum and count (adrAverageDays).
SELECT "key", n, {{flag_counts}}, adr_days_sum, adr_days_n
FROM (
  SELECT {{group}} AS "key", x_bits, count(*) AS n, sum(adr_days) AS adr_days_sum, count(adr_days) AS adr_days_n
  FROM complaint_facts
  WHERE {{where}}
  GROUP BY ALL
)
