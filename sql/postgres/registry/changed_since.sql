select count(*)::int as "n", (count(*) FILTER (WHERE c.matches))::int as "matching", coalesce(string_agg(c.id::text, ','), '') as "ids" from (select "complaints"."id", (("sector" = $1 and ("status" = $2 and "due_at" < $3))) as "matches" from "complaints" where complaints.changed_xid >= $4::xid8 limit $5) as "c"
-- parameters: ["hotels","open","2026-01-15T12:00:00.000Z","1234",50001]
