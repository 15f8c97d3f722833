-- ADR measures (domain.md §4), over the cases an ADR body received (adr_body_agreed = receipt),
-- from flag groups as measures.sql, each beside adr_days.sql's one row (adr_us_sum, adr_n).
coalesce(sum(x_agreed), 0)::INTEGER AS "adrReceived",
coalesce(sum(x_accepted), 0)::INTEGER AS "adrAccepted",
coalesce(sum(x_refused), 0)::INTEGER AS "adrRefused",
sum(x_refused) / nullif(sum(x_accepted) + sum(x_refused), 0) AS "adrRefusalRate",
coalesce(sum(x_outcome), 0)::INTEGER AS "adrOutcomes",
coalesce(sum(x_discontinued), 0)::INTEGER AS "adrDiscontinued",
sum(x_discontinued) / nullif(sum(x_accepted), 0) AS "adrDiscontinuedShare",
any_value(adr_us_sum) / 86400e6 / nullif(any_value(adr_n), 0) AS "adrAverageDays",
sum(x_within_90) / nullif(any_value(adr_n), 0) AS "adrWithin90DaysShare",
coalesce(sum(x_compliance), 0)::INTEGER AS "complianceReported",
sum(x_complied) / nullif(sum(x_compliance), 0) AS "complianceRate"
