-- WHAT-IF (bench only, not used by the app): sql/postgres/ingest/05_insert_traders.sql sorting
-- only the rows of traders the store does not know yet (usually none), instead of every staged
-- row. Run by bench/merge-explain.mjs --override 05_insert_traders.sql=bench/sql/whatif/05_insert_traders_unknown_only.sql
-- Traders first seen in this batch; known traders keep their reference data.
INSERT INTO traders (id, name, name_norm, country, website)
SELECT DISTINCT ON (s.trader_id)
       s.trader_id, coalesce(s.trader_name, s.trader_id), coalesce(s.trader_name_norm, lower(s.trader_id)),
       s.trader_country, s.trader_website
FROM staging_complaints s
WHERE NOT EXISTS (SELECT 1 FROM traders t WHERE t.id = s.trader_id)
ORDER BY s.trader_id, s.line
ON CONFLICT (id) DO NOTHING
