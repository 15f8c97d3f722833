-- The whole filtered set as flag_groups.sql counts it, plus the sum and count of adr_us
-- (adrAverageDays, adr_measures.sql) and each class's outcome codes and coarse close bucket: for the summary,
-- /stats/outcomes and the ADR report. The grouped views leave adr_us out: summing a column
-- doubles the cost of their scan.
SELECT n, adr_us_sum, adr_n, closure, trader_decision, adr_result, refusal_ground, close_cc, {{flag_counts}}
FROM (
  SELECT g.n, g.adr_us_sum, g.adr_n, (c.x_bits + 16384 * c.x_overdue)::INTEGER AS x_bits,
         c.closure, c.trader_decision, c.adr_result, c.refusal_ground, c.close_cc
  FROM (
    SELECT x_class, count(*) AS n, sum(adr_us) AS adr_us_sum, count(adr_us) AS adr_n
    FROM complaint_facts
    WHERE {{where}}
    GROUP BY ALL
  ) g
  JOIN flag_classes c USING (x_class)
)
