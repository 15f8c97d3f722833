-- Traders first seen in this batch; known traders keep their reference data.
INSERT INTO traders (id, name, name_norm, country, website)
SELECT DISTINCT ON (s.trader_id)
       s.trader_id, coalesce(s.trader_name, s.trader_id), coalesce(s.trader_name_norm, lower(s.trader_id)),
       s.trader_country, s.trader_website
FROM staging_chunk s
ORDER BY s.trader_id, s.line
ON CONFLICT (id) DO NOTHING
