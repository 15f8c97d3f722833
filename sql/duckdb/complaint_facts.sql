-- complaint_facts: insert every extracted complaint (new or changed) as its current row; an
-- increment first deletes their previous rows (complaint_facts_delete.sql). A full run starts
-- from an empty table, so the same statement rebuilds everything.
--
-- The join to trader_keys must hash trader_keys (50 000 rows) and stream the extract through it.
-- DuckDB cannot estimate the CSV's row count and, once trader_keys is a stored table with
-- statistics, turns the join around and hashes the ten million extracted rows instead: 32 s
-- against 18 s for a full run at 10 M, measured. So the build-side optimizer is off for this
-- statement only.
SET disabled_optimizers = 'build_side_probe_side';
INSERT INTO complaint_facts
SELECT
  id, source, filed_at, consumer_country, trader_id, trader_country, cross_border,
  sector, problem, stage, status, coalesce(closure, ''),
  sent_at, replied_at, coalesce(trader_decision, ''), coalesce(adr_body_id, ''), agreed_at, accepted_at, refused_at,
  coalesce(refusal_ground, ''), closed_at, coalesce(adr_result, ''), coalesce(discontinued_reason, ''), complied, due_at,
  close_us,
  reply_seconds,
  adr_days,
  cross_border::UTINYINT,
  (status = 'closed')::UTINYINT,
  coalesce(closure IN ('settled_directly', 'adr_outcome'), false)::UTINYINT,
  (sent_at IS NOT NULL)::UTINYINT,
  (replied_at IS NOT NULL)::UTINYINT,
  coalesce(reply_seconds <= $reply_days * 86400, false)::UTINYINT,
  (agreed_at IS NOT NULL)::UTINYINT,
  (accepted_at IS NOT NULL)::UTINYINT,
  (refused_at IS NOT NULL)::UTINYINT,
  coalesce(closure = 'adr_outcome', false)::UTINYINT,
  coalesce(closure = 'adr_discontinued', false)::UTINYINT,
  coalesce(adr_days <= 90, false)::UTINYINT,
  (complied IS NOT NULL)::UTINYINT,
  coalesce(complied, false)::UTINYINT,
  0,  -- x_overdue: set for open cases by overdue.sql
  date_trunc('month', filed_at)::DATE,
  date_trunc('quarter', filed_at)::DATE,
  date_trunc('year', filed_at)::DATE,
  CASE WHEN closed_at IS NOT NULL
       THEN (2 * floor(close_us / 3600e6) + CASE WHEN close_us % 3600000000 = 0 THEN 0 ELSE 1 END)::INTEGER END,
  trader_key  -- left join: a trader without a key fails the insert (NOT NULL) instead of losing rows
FROM (
  SELECT e.*, k.trader_key,
    epoch_us(closed_at) - epoch_us(filed_at) AS close_us,
    consumer_country <> trader_country AS cross_border,
    CASE WHEN replied_at IS NOT NULL AND sent_at IS NOT NULL THEN (epoch_us(replied_at) - epoch_us(sent_at)) / 1e6 END AS reply_seconds,
    CASE WHEN closure IN ('adr_outcome', 'adr_discontinued') AND agreed_at IS NOT NULL
         THEN (epoch_us(closed_at) - epoch_us(agreed_at)) / 86400e6 END AS adr_days
  FROM extract_complaints e LEFT JOIN trader_keys k ON k.trader_id = e.trader_id
)
ORDER BY filed_at, id;
RESET disabled_optimizers;
