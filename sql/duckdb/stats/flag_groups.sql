-- The rows of complaint_facts matching the filters, counted per group ({{group}}: the group's
-- value is "key") and flag class (x_class, which carries x_overdue), then unpacked: n rows and
-- the x_… count of each flag (flag_counts.sql). Grouped on small integers only, which DuckDB counts in a perfect
-- hash table: at 10 M rows by sector ~15 ms, against 74 ms per (sector text, x_bits), measured.
-- A set of rows shares a few hundred classes: the measures then sum those few groups. Each
-- class's coarse close bucket (close_cc) gives the histogram of the quantiles from the same groups.
SELECT "key", n, close_cc, {{flag_counts}}
FROM (
  SELECT g."key", g.n, c.close_cc, (c.x_bits + 16384 * c.x_overdue)::INTEGER AS x_bits
  FROM (
    SELECT {{group}} AS "key", x_class, count(*) AS n
    FROM complaint_facts
    WHERE {{where}}
    GROUP BY ALL
  ) g
  JOIN flag_classes c USING (x_class)
)
