INSERT INTO trader_keys
SELECT id, (SELECT coalesce(max(trader_key), 0) FROM trader_keys) + row_number() OVER (ORDER BY id)
FROM (SELECT id FROM extract_traders EXCEPT SELECT trader_id FROM trader_keys)
-- parameters: []
