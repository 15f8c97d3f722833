-- GET /stats/trend: the measures per UTC month, quarter or year of filing: by_dimension.sql
-- grouped by the filed_month, filed_quarter or filed_year column (checked by the API), in time
-- order. A period's number times {{months}} (its months: 1, 3 or 12) is its first month's,
-- year · 12 + month − 1 (schema.sql).
SELECT strftime(make_date(CAST(("key" * {{months}}) // 12 AS INTEGER), CAST(("key" * {{months}}) % 12 + 1 AS INTEGER), 1), '%Y-%m-%d') AS "start",
       *
FROM ({{by_dimension}})
ORDER BY 1
