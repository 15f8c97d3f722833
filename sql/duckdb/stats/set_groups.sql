-- The whole filtered set as flag_groups.sql counts it, plus the sum and count of adr_days
-- (adrAverageDays, adr_measures.sql) and each class's outcome codes: for the summary,
-- /stats/outcomes and the ADR report. The grouped views leave adr_days out: summing a DOUBLE
-- doubles the cost of their scan.
SELECT n, adr_days_sum, adr_days_n, closure, trader_decision, adr_result, refusal_ground, {{flag_counts}}
FROM (
  SELECT g.n, g.adr_days_sum, g.adr_days_n, (c.x_bits + 16384 * g.x_overdue)::INTEGER AS x_bits,
         c.closure, c.trader_decision, c.adr_result, c.refusal_ground
  FROM (
    SELECT x_class, x_overdue, count(*) AS n, sum(adr_days) AS adr_days_sum, count(adr_days) AS adr_days_n
    FROM complaint_facts
    WHERE {{where}}
    GROUP BY ALL
  ) g
  JOIN flag_classes c USING (x_class)
)
