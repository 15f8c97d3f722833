-- ADR measures (domain.md §4), over the cases an ADR body received (adr_body_agreed = receipt).
count(*) FILTER (WHERE agreed_at IS NOT NULL)::INTEGER AS "adrReceived",
count(*) FILTER (WHERE accepted_at IS NOT NULL)::INTEGER AS "adrAccepted",
count(*) FILTER (WHERE refused_at IS NOT NULL)::INTEGER AS "adrRefused",
count(*) FILTER (WHERE refused_at IS NOT NULL) / nullif(count(*) FILTER (WHERE accepted_at IS NOT NULL) + count(*) FILTER (WHERE refused_at IS NOT NULL), 0) AS "adrRefusalRate",
count(*) FILTER (WHERE closure = 'adr_outcome')::INTEGER AS "adrOutcomes",
count(*) FILTER (WHERE closure = 'adr_discontinued')::INTEGER AS "adrDiscontinued",
count(*) FILTER (WHERE closure = 'adr_discontinued') / nullif(count(*) FILTER (WHERE accepted_at IS NOT NULL), 0) AS "adrDiscontinuedShare",
avg(adr_days) AS "adrAverageDays",
count(*) FILTER (WHERE adr_days <= 90) / nullif(count(adr_days), 0) AS "adrWithin90DaysShare",
count(complied)::INTEGER AS "complianceReported",
count(*) FILTER (WHERE complied) / nullif(count(complied), 0) AS "complianceRate"
