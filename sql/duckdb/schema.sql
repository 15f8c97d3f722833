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
  closure             VARCHAR NOT NULL,    -- '' when none (see below)
  sent_at             TIMESTAMP,
  replied_at          TIMESTAMP,
  trader_decision     VARCHAR NOT NULL,    -- '' when none (see below)
  adr_body_id         VARCHAR NOT NULL,    -- '' when none (see below)
  agreed_at           TIMESTAMP,
  accepted_at         TIMESTAMP,
  refused_at          TIMESTAMP,
  refusal_ground      VARCHAR NOT NULL,    -- '' when none (see below)
  closed_at           TIMESTAMP,
  adr_result          VARCHAR NOT NULL,    -- '' when none (see below)
  discontinued_reason VARCHAR NOT NULL,    -- '' when none (see below)
  complied            BOOLEAN,
  due_at              TIMESTAMP,
  -- The optional codes above hold '' rather than NULL: one NULL in a text column makes DuckDB
  -- group and filter it 5–8× slower (closure at 10 M rows: 155 ms to group with NULLs, 20 without,
  -- filtering on closure 105 ms against 19). Filters never ask for '': a code is never empty.
  -- Derived once here so that every query reads the same numbers (domain.md §4).
  -- Microseconds from filing to the closing event (days: / 86 400 000 000). An integer: DuckDB's
  -- quantile_cont gathers and sorts it ~2× faster than the same durations as DOUBLE days (by
  -- sector at 10 M rows: 240 → 134 ms, by month 299 → 148 ms, measured).
  close_us            BIGINT,
  reply_seconds       DOUBLE,                  -- trader_replied − sent_to_trader, in seconds
  adr_days            DOUBLE,                  -- ADR conclusion − receipt, in days
  -- 0/1 flags: measures are sums of small integers, the fastest aggregate DuckDB has.
  x_cross_border      UTINYINT NOT NULL,
  x_closed            UTINYINT NOT NULL,
  x_resolved          UTINYINT NOT NULL,       -- settled_directly or adr_outcome
  x_sent              UTINYINT NOT NULL,
  x_replied           UTINYINT NOT NULL,
  x_timely            UTINYINT NOT NULL,       -- replied within TRADER_REPLY_DAYS (snapshot.reply_days)
  x_agreed            UTINYINT NOT NULL,       -- an ADR body received it
  x_accepted          UTINYINT NOT NULL,
  x_refused           UTINYINT NOT NULL,
  x_outcome           UTINYINT NOT NULL,
  x_discontinued      UTINYINT NOT NULL,
  x_within_90         UTINYINT NOT NULL,       -- ADR concluded within 90 days of receipt
  x_compliance        UTINYINT NOT NULL,       -- a compliance report exists
  x_complied          UTINYINT NOT NULL,       -- the latest report says complied
  x_overdue           UTINYINT NOT NULL,       -- open and past its deadline at snapshot.finished_at (reset every run)
  -- The UTC period of filing, derived once: the trend groups by them (date_trunc per row and
  -- request cost more than the measures).
  filed_month         DATE NOT NULL,
  filed_quarter       DATE NOT NULL,
  filed_year          DATE NOT NULL,
  -- close_us by the hour, for quantiles without sorting (api/src/analytics/close-quantiles.ts):
  -- 2h when the case closed exactly h hours after filing (the automatic closure at 30 days is
  -- one value shared by most cases), 2h + 1 when between h and h + 1 hours. Null when open.
  close_bucket        INTEGER,
  -- trader_keys' integer for trader_id: a filter or a grouping on an integer costs ~6 ms where
  -- trader_id's text costs ~60 ms at 10 M rows (50 000 distinct values compress poorly).
  trader_key          INTEGER NOT NULL,
  -- The 0/1 flags above packed in one integer, bit k = flag k in the order they are declared
  -- (x_cross_border bit 0 … x_overdue bit 14; complaint_facts.sql packs, stats/measures.sql and
  -- stats/adr_measures.sql unpack). A set of rows shares a few dozen values: the measures count
  -- rows per value first and sum those few groups (stats/flag_groups.sql), 2–4× faster than
  -- summing fifteen flag columns over every row (the summary's measures at 10 M rows 97 → 34 ms,
  -- by month 200 → 43 ms, measured).
  x_bits              USMALLINT NOT NULL
);

-- A stable integer per trader (trader_keys.sql): given once, never changed or reused in a store.
CREATE TABLE IF NOT EXISTS trader_keys (trader_id VARCHAR NOT NULL, trader_key INTEGER NOT NULL);

-- The trader benchmark's inputs per trader and year of filing (domain.md §4), kept by the ETL
-- (trader_years.sql) so that a request reads one sector's rows instead of aggregating the year.
CREATE TABLE IF NOT EXISTS trader_years (
  trader_id            VARCHAR NOT NULL,
  year                 INTEGER NOT NULL,
  sector               VARCHAR NOT NULL,       -- the sector most of its complaints that year name (ties: registered, then alphabetical)
  "complaints"         INTEGER NOT NULL,
  "closed"             INTEGER NOT NULL,
  "resolutionRate"     DOUBLE,
  "traderResponseRate" DOUBLE,
  "medianDaysToClose"  DOUBLE
);

CREATE TABLE IF NOT EXISTS traders (id VARCHAR NOT NULL, name VARCHAR, country VARCHAR, sector VARCHAR);
CREATE TABLE IF NOT EXISTS adr_bodies (id VARCHAR NOT NULL, name VARCHAR, country VARCHAR);

-- One row: what the published snapshot is. Read in the same transaction as the figures.
CREATE TABLE IF NOT EXISTS snapshot (
  etl_run_id      BIGINT NOT NULL,
  data_run_id     BIGINT NOT NULL,             -- the last run that changed any figure (answers are kept per data_run_id)
  finished_at     TIMESTAMP NOT NULL,          -- UTC; overdue is judged at this instant
  complaints      INTEGER NOT NULL,
  snapshot_xmin   VARCHAR NOT NULL,            -- watermark for the next incremental run
  store_id        VARCHAR NOT NULL,
  schema_version  INTEGER NOT NULL,
  reply_days      INTEGER NOT NULL             -- TRADER_REPLY_DAYS the x_timely flags were computed with
);
