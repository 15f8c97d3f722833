-- trader_keys: a key for each trader the store has not seen yet. The traders' extract holds every
-- trader complaints can name (complaints.trader_id references traders, and both are read in one
-- snapshot), so complaint_facts.sql finds every key here; reading the complaints' extract for
-- its trader ids would read a full run's ten million rows once more.
INSERT INTO trader_keys
SELECT id, (SELECT coalesce(max(trader_key), 0) FROM trader_keys) + row_number() OVER (ORDER BY id)
FROM (SELECT id FROM extract_traders EXCEPT SELECT trader_id FROM trader_keys);
