WITH facts AS (
  SELECT
    x_bits, close_us, adr_us, sent_us, replied_us, accepted_us, refused_us, compliance_us,
    epoch_us(agreed_at) - epoch_us(filed_at) AS agreed_us,
    s.cut_us - epoch_us(filed_at) AS age,
    s.reply_days
  FROM complaint_facts, (SELECT epoch_us(snapshot_at) - 2592000000000 AS cut_us, reply_days FROM snapshot) s
  WHERE filed_at >= CAST(CAST($1 AS TIMESTAMPTZ) AS TIMESTAMP) AND filed_at < CAST(CAST($2 AS TIMESTAMPTZ) AS TIMESTAMP)
),
happened AS (
  SELECT *,
    coalesce("close_us" <= age, false) AS closed_by,
    coalesce("sent_us" <= age, false) AS sent_by,
    coalesce("replied_us" <= age, false) AS replied_by,
    coalesce("agreed_us" <= age, false) AS agreed_by,
    coalesce("accepted_us" <= age, false) AS accepted_by,
    coalesce("refused_us" <= age, false) AS refused_by,
    coalesce("compliance_us" <= age, false) AS compliance_by
  FROM facts
),
aged AS (
  SELECT
    ((x_bits & (1 + "closed_by"::INTEGER * 3590 + "sent_by"::INTEGER * 8 + "replied_by"::INTEGER * 48 + "agreed_by"::INTEGER * 64 + "accepted_by"::INTEGER * 128 + "refused_by"::INTEGER * 256 + "compliance_by"::INTEGER * 12288))
      + 16384 * (NOT closed_by AND CASE
      WHEN accepted_by THEN agreed_us + 7776000000000
      WHEN agreed_by THEN agreed_us + 1814400000000
      WHEN sent_by AND NOT replied_by THEN least(sent_us + reply_days * 86400000000, 2592000000000)
      ELSE 2592000000000
    END < age)::INTEGER) AS x_bits,
    CASE WHEN closed_by THEN close_us END AS close_us,
    CASE WHEN closed_by THEN adr_us END AS adr_us
  FROM happened
),
groups AS (
  SELECT n, n * (x_bits & 1) AS "x_cross_border", n * ((x_bits >> 1) & 1) AS "x_closed", n * ((x_bits >> 2) & 1) AS "x_resolved", n * ((x_bits >> 3) & 1) AS "x_sent", n * ((x_bits >> 4) & 1) AS "x_replied", n * ((x_bits >> 5) & 1) AS "x_timely", n * ((x_bits >> 6) & 1) AS "x_agreed", n * ((x_bits >> 7) & 1) AS "x_accepted", n * ((x_bits >> 8) & 1) AS "x_refused", n * ((x_bits >> 9) & 1) AS "x_outcome", n * ((x_bits >> 10) & 1) AS "x_discontinued", n * ((x_bits >> 11) & 1) AS "x_within_90", n * ((x_bits >> 12) & 1) AS "x_compliance", n * ((x_bits >> 13) & 1) AS "x_complied", n * ((x_bits >> 14) & 1) AS "x_overdue"
  FROM (SELECT x_bits, count(*) AS n FROM aged GROUP BY x_bits)
)
SELECT
  coalesce(sum("n"), 0)::INTEGER AS "complaints",
  coalesce(sum("x_cross_border"), 0)::INTEGER AS "crossBorder",
  sum(x_cross_border) / nullif(sum(n), 0) AS "crossBorderShare",
  coalesce(sum("x_closed"), 0)::INTEGER AS "closed",
  coalesce(sum("x_resolved"), 0)::INTEGER AS "resolved",
  sum(x_resolved) / nullif(sum(x_closed), 0) AS "resolutionRate",
  coalesce(sum("x_sent"), 0)::INTEGER AS "sentToTrader",
  coalesce(sum("x_replied"), 0)::INTEGER AS "traderReplied",
  sum(x_replied) / nullif(sum(x_sent), 0) AS "traderResponseRate",
  sum(x_timely) / nullif(sum(x_sent), 0) AS "timelyTraderResponseRate",
  coalesce(sum("x_agreed"), 0)::INTEGER AS "adrAgreed",
  sum(x_agreed) / nullif(sum(n), 0) AS "adrAgreementRate",
  coalesce(sum("x_overdue"), 0)::INTEGER AS "overdue",
  (sum(n) - sum(x_closed)) / nullif(sum(n), 0) AS "openShare",
  coalesce(sum("x_agreed"), 0)::INTEGER AS "adrReceived",
  coalesce(sum("x_accepted"), 0)::INTEGER AS "adrAccepted",
  coalesce(sum("x_refused"), 0)::INTEGER AS "adrRefused",
  sum(x_refused) / nullif(sum(x_accepted) + sum(x_refused), 0) AS "adrRefusalRate",
  coalesce(sum("x_outcome"), 0)::INTEGER AS "adrOutcomes",
  coalesce(sum("x_discontinued"), 0)::INTEGER AS "adrDiscontinued",
  sum(x_discontinued) / nullif(sum(x_accepted), 0) AS "adrDiscontinuedShare",
  any_value(adr_us_sum) / 86400e6 / nullif(any_value(adr_n), 0) AS "adrAverageDays",
  sum(x_within_90) / nullif(any_value(adr_n), 0) AS "adrWithin90DaysShare",
  coalesce(sum("x_compliance"), 0)::INTEGER AS "complianceReported",
  sum(x_complied) / nullif(sum(x_compliance), 0) AS "complianceRate",
  any_value("medianDaysToClose") AS "medianDaysToClose",
  any_value("p90DaysToClose") AS "p90DaysToClose"
FROM groups, (
  SELECT sum(adr_us) AS adr_us_sum, count(adr_us) AS adr_n,
  quantile_cont(close_us, [0.5, 0.9])[1] / 86400e6 AS "medianDaysToClose",
  quantile_cont(close_us, [0.5, 0.9])[2] / 86400e6 AS "p90DaysToClose"
  FROM aged
)
-- parameters: ["2024-05-01T00:00:00Z","2024-06-01T00:00:00Z"]
