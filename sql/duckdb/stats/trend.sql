-- GET /stats/trend: the measures per UTC month, quarter or year of filing: by_dimension.sql
-- grouped by the filed_month, filed_quarter or filed_year column (checked by the API), in time order.
SELECT strftime("key", '%Y-%m-%d') AS "start", * EXCLUDE ("key")
FROM ({{by_dimension}})
ORDER BY 1
