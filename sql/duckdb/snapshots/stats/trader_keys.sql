SELECT "trader_id" AS "id", "trader_key" AS "key" FROM "trader_keys" WHERE "trader_id" IN ($1, $2)
-- parameters: ["T-1","T-2"]
