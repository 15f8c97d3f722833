INSERT INTO touched_trader_years
SELECT k.trader_id, f.trader_key, f.filed_year
FROM complaint_facts f JOIN trader_keys k USING (trader_key)
WHERE f.id IN (SELECT id FROM extract_complaints)
UNION
SELECT e.trader_id, k.trader_key, year(e.filed_at)::USMALLINT
FROM extract_complaints e JOIN trader_keys k ON k.trader_id = e.trader_id
-- parameters: []

DELETE FROM complaint_facts WHERE id IN (SELECT id FROM extract_complaints)
-- parameters: []
