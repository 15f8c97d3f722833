-- medianDaysToClose and p90DaysToClose (domain.md §4: percentile_cont over closed complaints) as
-- one DuckDB aggregate, for trader_years.sql, which reads each row once anyway (350 000
-- trader-years). The summary, the grouped views and the trader table get the same
-- figures from their flag groups' histogram per close_cb (api/src/analytics/close-quantiles.ts):
-- quantile_cont gathers and sorts every value (90–140 ms by sector at 10 M complaints), the
-- histogram comes with the measures' scan. Over the integer close_us, then divided into days:
-- ~2× faster than over DOUBLE days (by sector at 10 M rows 240 → 134 ms).
quantile_cont(close_us, [0.5, 0.9])[1] / 86400e6 AS "medianDaysToClose",
quantile_cont(close_us, [0.5, 0.9])[2] / 86400e6 AS "p90DaysToClose"
