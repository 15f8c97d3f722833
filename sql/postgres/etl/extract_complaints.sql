-- The ETL's extract: one row per complaint, its milestones as kept on write (never the event
-- log), no personal data and no free text. Times as UTC timestamps without zone for DuckDB.
-- The runner appends the incremental condition (changed_xid >= the previous snapshot's xmin).
SELECT
  id,
  source,
  filed_at AT TIME ZONE 'UTC',
  consumer_country,
  trader_id,
  trader_country,
  sector,
  problem,
  stage,
  status,
  closure,
  sent_at AT TIME ZONE 'UTC',
  replied_at AT TIME ZONE 'UTC',
  trader_decision,
  adr_body_id,
  agreed_at AT TIME ZONE 'UTC',
  accepted_at AT TIME ZONE 'UTC',
  refused_at AT TIME ZONE 'UTC',
  refusal_ground,
  closed_at AT TIME ZONE 'UTC',
  adr_result,
  discontinued_reason,
  complied,
  compliance_at AT TIME ZONE 'UTC',
  due_at AT TIME ZONE 'UTC'
FROM complaints
