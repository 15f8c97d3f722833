-- medianDaysToClose and p90DaysToClose as aggregates over the rows of one group, for queries
-- with thousands of groups (the trader table and benchmark); queries with few groups use
-- days_to_close_quantiles.sql (same definition: percentile_cont's interpolation).
-- One aggregate for both quantiles (DuckDB computes an identical aggregate once).
quantile_cont(days_to_close, [0.5, 0.9])[1] AS "medianDaysToClose",
quantile_cont(days_to_close, [0.5, 0.9])[2] AS "p90DaysToClose"
