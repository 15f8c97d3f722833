-- The analytics store (DuckDB). Bump SCHEMA_VERSION in etl/analytics-db.ts when this changes:
-- the next run then rebuilds everything.
CREATE TABLE IF NOT EXISTS complaint_facts (
  id                  BIGINT NOT NULL,
  source              VARCHAR NOT NULL,
  filed_at            TIMESTAMP NOT NULL,      -- UTC
  consumer_country    VARCHAR NOT NULL,
  trader_id           VARCHAR NOT NULL,
  trader_country      VARCHAR NOT NULL,
  cross_border        BOOLEAN NOT NULL,
  sector              VARCHAR NOT NULL,
  problem             VARCHAR NOT NULL,
  stage               VARCHAR NOT NULL,
  status              VARCHAR NOT NULL,
  closure             VARCHAR,
  sent_at             TIMESTAMP,
  replied_at          TIMESTAMP,
  trader_decision     VARCHAR,
  adr_body_id         VARCHAR,
  agreed_at           TIMESTAMP,
  accepted_at         TIMESTAMP,
  refused_at          TIMESTAMP,
  refusal_ground      VARCHAR,
  closed_at           TIMESTAMP,
  adr_result          VARCHAR,
  discontinued_reason VARCHAR,
  complied            BOOLEAN,
  due_at              TIMESTAMP,
  -- derived once here so that every query reads the same numbers (domain.md §4)
  days_to_close       DOUBLE,                  -- (closing event − filedAt) / 86 400 s
  reply_seconds       DOUBLE,                  -- trader_replied − sent_to_trader, in seconds
  adr_days            DOUBLE                   -- ADR conclusion − receipt, in days
);

CREATE TABLE IF NOT EXISTS traders (id VARCHAR PRIMARY KEY, name VARCHAR, country VARCHAR, sector VARCHAR);
CREATE TABLE IF NOT EXISTS adr_bodies (id VARCHAR PRIMARY KEY, name VARCHAR, country VARCHAR);

-- One row: what the published snapshot is. Read in the same transaction as the figures.
CREATE TABLE IF NOT EXISTS snapshot (
  etl_run_id      BIGINT NOT NULL,
  finished_at     TIMESTAMP NOT NULL,          -- UTC; overdue is judged at this instant
  complaints      INTEGER NOT NULL,
  snapshot_xmin   VARCHAR NOT NULL,            -- watermark for the next incremental run
  store_id        VARCHAR NOT NULL,
  schema_version  INTEGER NOT NULL
);
