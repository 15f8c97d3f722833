-- The whole filtered set as flag_groups.sql counts it, with each class's outcome codes and coarse
-- close bucket: for the summary, /stats/outcomes and the ADR report. {{facts}} is
-- complaint_facts, or adr_facts for the ADR report (the cases an ADR body received are all
-- there; analytics.service.ts fills it in).
SELECT n, closure, trader_decision, adr_result, refusal_ground, close_cc, {{flag_counts}}
FROM (
  SELECT g.n, (c.x_bits + 16384 * c.x_overdue)::INTEGER AS x_bits,
         c.closure, c.trader_decision, c.adr_result, c.refusal_ground, c.close_cc
  FROM (
    SELECT x_class, count(*) AS n
    FROM {{facts}}
    WHERE {{where}}
    GROUP BY ALL
  ) g
  JOIN flag_classes c USING (x_class)
)
