SELECT
  consumer_country::VARCHAR AS "consumerCountry",
  trader_country::VARCHAR AS "traderCountry",
  count(*)::INTEGER AS "complaints"
FROM complaint_facts
WHERE true
GROUP BY consumer_country, trader_country
ORDER BY "complaints" DESC, 1, 2
-- parameters: []
