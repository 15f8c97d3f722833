DROP TABLE complaint_facts
-- parameters: []

DROP TABLE flag_classes
-- parameters: []

CREATE TABLE IF NOT EXISTS "complaint_facts" (
  id                  BIGINT NOT NULL,
  source              VARCHAR NOT NULL,
  filed_at            TIMESTAMP NOT NULL,
  consumer_country    country_code NOT NULL,
  trader_country      country_code NOT NULL,
  sector              sector_code NOT NULL,
  problem             problem_code NOT NULL,
  stage               stage_code NOT NULL,
  status              status_code NOT NULL,
  closure             closure_code NOT NULL,
  trader_decision     decision_code NOT NULL,
  adr_body_key        USMALLINT NOT NULL,
  agreed_at           TIMESTAMP,
  refusal_ground      refusal_code NOT NULL,
  adr_result          adr_result_code NOT NULL,
  discontinued_reason discontinued_code NOT NULL,
  due_at              TIMESTAMP,
  close_us            BIGINT,
  adr_us              BIGINT,
  sent_us             BIGINT,
  replied_us          BIGINT,
  accepted_us         BIGINT,
  refused_us          BIGINT,
  compliance_us       BIGINT,
  x_cross_border      UTINYINT NOT NULL,
  x_overdue           UTINYINT NOT NULL,
  filed_month         USMALLINT NOT NULL,
  filed_quarter       USMALLINT NOT NULL,
  filed_year          USMALLINT NOT NULL,
  close_cb            USMALLINT,
  x_class             USMALLINT NOT NULL,
  trader_key          INTEGER NOT NULL,
  x_bits              USMALLINT NOT NULL
)
-- parameters: []

CREATE TABLE IF NOT EXISTS flag_classes (
  x_class USMALLINT NOT NULL, x_bits USMALLINT NOT NULL, closure closure_code NOT NULL,
  trader_decision decision_code NOT NULL, adr_result adr_result_code NOT NULL, refusal_ground refusal_code NOT NULL,
  close_cc USMALLINT, x_overdue UTINYINT NOT NULL, x_twin USMALLINT
)
-- parameters: []
