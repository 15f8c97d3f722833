-- ADR measures (domain.md §4), over the cases an ADR body received (adr_body_agreed = receipt).
count_if(agreed_at IS NOT NULL)::INTEGER AS "adrReceived",
count_if(accepted_at IS NOT NULL)::INTEGER AS "adrAccepted",
count_if(refused_at IS NOT NULL)::INTEGER AS "adrRefused",
count_if(refused_at IS NOT NULL) / nullif(count_if(accepted_at IS NOT NULL) + count_if(refused_at IS NOT NULL), 0) AS "adrRefusalRate",
count_if(closure = 'adr_outcome')::INTEGER AS "adrOutcomes",
count_if(closure = 'adr_discontinued')::INTEGER AS "adrDiscontinued",
count_if(closure = 'adr_discontinued') / nullif(count_if(accepted_at IS NOT NULL), 0) AS "adrDiscontinuedShare",
avg(adr_days) AS "adrAverageDays",
count_if(adr_days <= 90) / nullif(count(adr_days), 0) AS "adrWithin90DaysShare",
count(complied)::INTEGER AS "complianceReported",
count_if(complied) / nullif(count(complied), 0) AS "complianceRate"
