-- GET /stats/flows: consumer country × trader country.
SELECT
  consumer_country AS "consumerCountry",
  trader_country AS "traderCountry",
  count(*)::INTEGER AS "complaints"
FROM complaint_facts
WHERE {{where}}
GROUP BY 1, 2
ORDER BY "complaints" DESC, 1, 2
