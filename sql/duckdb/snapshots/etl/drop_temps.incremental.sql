DROP TABLE "adr_bodies_changed"
-- parameters: []

DROP TABLE "traders_changed"
-- parameters: []

DROP TABLE "touched_trader_years"
-- parameters: []

DROP TABLE "extract_adr_bodies"
-- parameters: []

DROP TABLE "extract_traders"
-- parameters: []

DROP TABLE "extract_complaints"
-- parameters: []
