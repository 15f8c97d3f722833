select count(*)::int as "n" from (select 1 as "one" from "complaints" where ("stage" = $1 and "sector" = $2) limit $3) as "m"
-- parameters: ["closed","hotels",10001]
