-- Open cases (a few per cent of the store) are what case handlers filter most, usually with a
-- second filter ("open, traders in Germany"). Carrying the registry's filter columns in the
-- small open-cases index lets both the page and the capped count answer from the index alone
-- (measured at 1 M complaints: status=open & traderCountry=DE count 22 ms → 2 ms), at the cost of
-- a wider entry for open cases only.
DROP INDEX IF EXISTS complaints_open_filed;
CREATE INDEX complaints_open_filed ON complaints (filed_at, id)
  INCLUDE (due_at, stage, consumer_country, trader_country, sector, problem, trader_id, adr_body_id)
  WHERE status = 'open';
