select count(*)::int as "n" from "complaints" where ("status" = $1 and "due_at" < $2)
-- parameters: ["open","2026-01-15T12:00:00.000Z"]
