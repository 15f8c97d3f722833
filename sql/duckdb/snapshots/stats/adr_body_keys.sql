SELECT "adr_body_id" AS "id", "adr_body_key" AS "key" FROM "adr_body_keys" WHERE "adr_body_id" IN ($1)
-- parameters: ["ADR-1"]
