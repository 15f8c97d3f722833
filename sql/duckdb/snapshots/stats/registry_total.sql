SELECT count(*)::INTEGER AS "n"
FROM complaint_facts
ANTI JOIN (SELECT unnest(CAST(string_split($1, ',') AS BIGINT[])) AS id) AS changed USING (id)
WHERE ("sector" = CAST($2 AS sector_code) AND (status = CAST('open' AS status_code) AND due_at IS NOT NULL AND due_at < CAST(CAST($3 AS TIMESTAMPTZ) AS TIMESTAMP)))
-- parameters: ["101,102","hotels","2026-01-15T12:00:00.000Z"]
