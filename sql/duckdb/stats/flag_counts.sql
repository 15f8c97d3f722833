-- The 0/1 flags unpacked from complaint_facts.x_bits (bit k as schema.sql declares them) as
-- counts over a flag group of n rows: each x_… here is how many of the group's rows have the flag.
-- measures.sql and adr_measures.sql sum them as they would sum the flags row by row.
n * (x_bits & 1) AS x_cross_border,
n * ((x_bits >> 1) & 1) AS x_closed,
n * ((x_bits >> 2) & 1) AS x_resolved,
n * ((x_bits >> 3) & 1) AS x_sent,
n * ((x_bits >> 4) & 1) AS x_replied,
n * ((x_bits >> 5) & 1) AS x_timely,
n * ((x_bits >> 6) & 1) AS x_agreed,
n * ((x_bits >> 7) & 1) AS x_accepted,
n * ((x_bits >> 8) & 1) AS x_refused,
n * ((x_bits >> 9) & 1) AS x_outcome,
n * ((x_bits >> 10) & 1) AS x_discontinued,
n * ((x_bits >> 11) & 1) AS x_within_90,
n * ((x_bits >> 12) & 1) AS x_compliance,
n * ((x_bits >> 13) & 1) AS x_complied,
n * ((x_bits >> 14) & 1) AS x_overdue
