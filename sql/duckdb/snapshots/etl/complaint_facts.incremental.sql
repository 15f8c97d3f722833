SET disabled_optimizers = 'build_side_probe_side'
-- parameters: []

INSERT INTO complaint_facts BY NAME
WITH derived AS MATERIALIZED (
  SELECT *,
    (SELECT coarse FROM close_bucket_map)[close_cb + 1] AS close_cc
  FROM (
  SELECT
    id, source, filed_at, consumer_country, trader_country,
    sector, problem, stage, status, coalesce(closure, '') AS closure,
    coalesce(trader_decision, '') AS trader_decision, adr_body_key, agreed_at,
    coalesce(refusal_ground, '') AS refusal_ground, coalesce(adr_result, '') AS adr_result,
    coalesce(discontinued_reason, '') AS discontinued_reason, due_at,
    close_us,
    adr_us,
    epoch_us(sent_at) - epoch_us(filed_at) AS sent_us,
    epoch_us(replied_at) - epoch_us(filed_at) AS replied_us,
    epoch_us(accepted_at) - epoch_us(filed_at) AS accepted_us,
    epoch_us(refused_at) - epoch_us(filed_at) AS refused_us,
    epoch_us(compliance_at) - epoch_us(filed_at) AS compliance_us,
    x_cross_border::UTINYINT AS x_cross_border,
    x_overdue::UTINYINT AS x_overdue,
    (year(filed_at) * 12 + month(filed_at) - 1)::USMALLINT AS filed_month,
    (year(filed_at) * 4 + quarter(filed_at) - 1)::USMALLINT AS filed_quarter,
    year(filed_at)::USMALLINT AS filed_year,
    CASE WHEN closed_at IS NOT NULL THEN (SELECT by_hour FROM close_bucket_map)[
      least(greatest(0, 2 * (close_us // 3600000000) + (close_us % 3600000000 <> 0)::BIGINT),
            len((SELECT by_hour FROM close_bucket_map)) - 1) + 1] END AS close_cb,
    trader_key,
    ("x_cross_border" + 2 * "x_closed" + 4 * "x_resolved" + 8 * "x_sent" + 16 * "x_replied" + 32 * "x_timely"
     + 64 * "x_agreed" + 128 * "x_accepted" + 256 * "x_refused" + 512 * "x_outcome" + 1024 * "x_discontinued" + 2048 * "x_within_90"
     + 4096 * "x_compliance" + 8192 * "x_complied")::USMALLINT AS x_flags
  FROM (
    SELECT *,
      cross_border::USMALLINT AS "x_cross_border",
      (status = 'closed')::USMALLINT AS "x_closed",
      coalesce(closure IN ('settled_directly', 'adr_outcome'), false)::USMALLINT AS "x_resolved",
      (sent_at IS NOT NULL)::USMALLINT AS "x_sent",
      (replied_at IS NOT NULL)::USMALLINT AS "x_replied",
      coalesce(reply_seconds <= $1 * 86400, false)::USMALLINT AS "x_timely",
      (agreed_at IS NOT NULL)::USMALLINT AS "x_agreed",
      (accepted_at IS NOT NULL)::USMALLINT AS "x_accepted",
      (refused_at IS NOT NULL)::USMALLINT AS "x_refused",
      coalesce(closure = 'adr_outcome', false)::USMALLINT AS "x_outcome",
      coalesce(closure = 'adr_discontinued', false)::USMALLINT AS "x_discontinued",
      coalesce(adr_us <= 90 * 86400000000, false)::USMALLINT AS "x_within_90",
      (complied IS NOT NULL)::USMALLINT AS "x_compliance",
      coalesce(complied, false)::USMALLINT AS "x_complied",
      coalesce(status = 'open' AND due_at < $2::TIMESTAMP, false)::USMALLINT AS "x_overdue"
    FROM (
      SELECT e.*, k.trader_key, CASE WHEN e.adr_body_id IS NULL THEN 0 ELSE b.adr_body_key END AS adr_body_key,
        epoch_us(closed_at) - epoch_us(filed_at) AS close_us,
        consumer_country <> trader_country AS cross_border,
        CASE WHEN replied_at IS NOT NULL AND sent_at IS NOT NULL THEN (epoch_us(replied_at) - epoch_us(sent_at)) / 1e6 END AS reply_seconds,
        CASE WHEN closure IN ('adr_outcome', 'adr_discontinued') AND agreed_at IS NOT NULL
             THEN epoch_us(closed_at) - epoch_us(agreed_at) END AS adr_us
      FROM extract_complaints e
      LEFT JOIN trader_keys k ON k.trader_id = e.trader_id
      LEFT JOIN adr_body_keys b ON b.adr_body_id = e.adr_body_id
    )
  )
  )
),
new_classes AS (
  SELECT d.*,
         ((SELECT coalesce(max(x_class) + 1, 0) FROM flag_classes)
          + row_number() OVER (ORDER BY x_flags, closure, trader_decision, adr_result, refusal_ground, close_cc, x_overdue) - 1)::USMALLINT AS x_class
  FROM (SELECT DISTINCT x_flags, closure, trader_decision, adr_result, refusal_ground, close_cc, x_overdue FROM derived) d
  ANTI JOIN flag_classes c
    ON c.x_bits = d.x_flags AND c.closure = d.closure AND c.trader_decision = d.trader_decision
   AND c.adr_result = d.adr_result AND c.refusal_ground = d.refusal_ground AND c.close_cc IS NOT DISTINCT FROM d.close_cc
   AND c.x_overdue = d.x_overdue
),
classes AS (
  SELECT x_bits AS x_flags, closure, trader_decision, adr_result, refusal_ground, close_cc, x_overdue, x_class FROM flag_classes
  UNION ALL
  SELECT x_flags, closure, trader_decision, adr_result, refusal_ground, close_cc, x_overdue, x_class FROM new_classes
)
SELECT d.* EXCLUDE (x_flags, close_cc), c.x_class, (d.x_flags + 16384 * d.x_overdue)::USMALLINT AS x_bits
FROM derived d JOIN classes c
  ON c.x_flags = d.x_flags AND c.closure = d.closure AND c.trader_decision = d.trader_decision
 AND c.adr_result = d.adr_result AND c.refusal_ground = d.refusal_ground AND c.close_cc IS NOT DISTINCT FROM d.close_cc
 AND c.x_overdue = d.x_overdue
ORDER BY filed_at, id
-- parameters: [10,"2026-01-15 12:00:00.000"]

RESET disabled_optimizers
-- parameters: []

INSERT INTO flag_classes
SELECT DISTINCT x_class, (x_bits - 16384 * x_overdue)::USMALLINT, closure, trader_decision, adr_result, refusal_ground,
       (SELECT coarse FROM close_bucket_map)[close_cb + 1], x_overdue, NULL::USMALLINT
FROM complaint_facts
WHERE x_class > (SELECT coalesce(max(x_class), -1) FROM flag_classes)
-- parameters: []

INSERT INTO flag_classes
SELECT (SELECT max(x_class) FROM flag_classes) + row_number() OVER (ORDER BY x_class),
       c.x_bits, c.closure, c.trader_decision, c.adr_result, c.refusal_ground, c.close_cc, 1 - c.x_overdue, NULL
FROM flag_classes c
WHERE c.x_bits & 2 = 0
  AND NOT EXISTS (
    SELECT 1 FROM flag_classes t
    WHERE t.x_bits = c.x_bits AND t.closure = c.closure AND t.trader_decision = c.trader_decision
      AND t.adr_result = c.adr_result AND t.refusal_ground = c.refusal_ground
      AND t.close_cc IS NOT DISTINCT FROM c.close_cc AND t.x_overdue <> c.x_overdue)
-- parameters: []

UPDATE flag_classes c
SET x_twin = t.x_class
FROM flag_classes t
WHERE c.x_twin IS NULL AND c.x_bits & 2 = 0
  AND t.x_bits = c.x_bits AND t.closure = c.closure AND t.trader_decision = c.trader_decision
  AND t.adr_result = c.adr_result AND t.refusal_ground = c.refusal_ground
  AND t.close_cc IS NOT DISTINCT FROM c.close_cc AND t.x_overdue <> c.x_overdue
-- parameters: []
