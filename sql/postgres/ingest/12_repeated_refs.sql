-- References that occur more than once in the batch, with a digest of each line's content in
-- line order: the first line counts, identical repeats are duplicates, different ones are
-- errors. Amounts compare as numbers ("59.9" = "59.90"), as the store compares them. The digest
-- is computed only for repeated references, which are rare.
WITH repeated AS (
  SELECT source, external_ref
  FROM staging_complaints
  GROUP BY source, external_ref
  HAVING count(*) > 1
)
SELECT s.source, s.external_ref,
       array_agg(s.line ORDER BY s.line) AS lines,
       array_agg(md5(row(
         s.filed_at, s.complainant, s.consumer_country, s.consumer_language, s.consumer_name,
         s.consumer_email, s.consumer_address, s.description, s.trader_id, s.trader_name,
         s.trader_name_norm, s.trader_country, s.trader_website, s.sector, s.problem,
         s.problem_detail, s.ordered_online, trim_scale(s.price_amount), s.price_currency,
         s.purchased_at, s.contacted_trader, s.language, s.events)::text) ORDER BY s.line) AS hashes
FROM staging_complaints s
JOIN repeated r ON r.source = s.source AND r.external_ref = s.external_ref
GROUP BY s.source, s.external_ref
