select complaints.id::text as "id", (("sector" = $1 and ("status" = $2 and "due_at" < $3))) as "matches" from "complaints" where complaints.changed_xid >= $4::xid8 limit $5
-- parameters: ["hotels","open","2026-01-15T12:00:00.000Z","1234",50001]
