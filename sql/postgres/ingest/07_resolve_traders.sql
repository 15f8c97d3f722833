-- Complaints naming a trader without an id: match a known trader on normalised name + country,
-- else derive a stable id from them so the same name always lands on the same trader.
UPDATE staging_chunk s
SET trader_id = coalesce(
  (SELECT t.id FROM traders t
   WHERE t.name_norm = s.trader_name_norm AND t.country = s.trader_country
   ORDER BY t.created_at, t.id LIMIT 1),
  'N-' || s.trader_country || '-' || left(md5(s.trader_name_norm), 12))
WHERE s.trader_id IS NULL
