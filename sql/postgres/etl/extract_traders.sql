-- Traders are few next to complaints: copied whole on every run.
SELECT id, name, country, sector FROM traders
