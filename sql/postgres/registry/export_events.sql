select "complaint_id", "type", "at", "data", "voided_at" from "complaint_events" where "complaint_id" = any($1::bigint[]) and "voided_at" is null order by "complaint_id", "seq"
-- parameters: [["1","2","3"]]
