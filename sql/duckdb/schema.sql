-- The analytics store (DuckDB). Bump SCHEMA_VERSION in etl/analytics-db.ts when this changes:
-- the next run then rebuilds everything (a change of the code lists below rebuilds it too).
--
-- The coded columns are ENUMs of domain.md's code lists (api/src/domain/codes.ts fills in the
-- {{…}} lists; '' stands for "none" in the optional ones). DuckDB stores an ENUM as a one-byte
-- integer: grouping and filtering on it beat the same text column (at 10 M rows: grouping by
-- sector 74 → 42 ms, a filter on one sector 32 → 17 ms; writing four such columns 3.6 → 1.9 s,
-- measured), and a small integer range lets DuckDB aggregate into a perfect hash table.
-- The free-form code (source) stays text; the ADR body is a key (adr_body_keys). No free text
-- ever comes here (the discontinuation's note is personal data: only its reason code does).
CREATE TYPE IF NOT EXISTS country_code AS ENUM ({{countries}});
CREATE TYPE IF NOT EXISTS sector_code AS ENUM ({{sectors}});
CREATE TYPE IF NOT EXISTS problem_code AS ENUM ({{problems}});
CREATE TYPE IF NOT EXISTS stage_code AS ENUM ({{stages}});
CREATE TYPE IF NOT EXISTS status_code AS ENUM ({{statuses}});
CREATE TYPE IF NOT EXISTS closure_code AS ENUM ('', {{closures}});
CREATE TYPE IF NOT EXISTS decision_code AS ENUM ('', {{trader_decisions}});
CREATE TYPE IF NOT EXISTS refusal_code AS ENUM ('', {{refusal_grounds}});
CREATE TYPE IF NOT EXISTS adr_result_code AS ENUM ('', {{adr_results}});
CREATE TYPE IF NOT EXISTS discontinued_code AS ENUM ('', {{discontinued_reasons}});
CREATE TABLE IF NOT EXISTS complaint_facts (
  -- Only what the analytics read: every column costs the full run its compression (the raw
  -- milestones the flags below are derived from are not kept: 13.1 → 10.5 s to sort and store
  -- ten million rows without 21 such columns, measured).
  id                  BIGINT NOT NULL,
  source              VARCHAR NOT NULL,
  filed_at            TIMESTAMP NOT NULL,      -- UTC
  consumer_country    country_code NOT NULL,
  trader_country      country_code NOT NULL,
  sector              sector_code NOT NULL,
  problem             problem_code NOT NULL,
  stage               stage_code NOT NULL,
  status              status_code NOT NULL,
  closure             closure_code NOT NULL,    -- '' when none (see below)
  trader_decision     decision_code NOT NULL,    -- '' when none (see below)
  adr_body_key        USMALLINT NOT NULL,  -- adr_body_keys' integer for the ADR body; 0 when none
  agreed_at           TIMESTAMP,           -- the ADR report's year is the year of receipt
  refusal_ground      refusal_code NOT NULL,    -- '' when none (see below)
  adr_result          adr_result_code NOT NULL,    -- '' when none (see below)
  discontinued_reason discontinued_code NOT NULL,    -- '' when none (see below)
  due_at              TIMESTAMP,           -- x_overdue is judged against it on every run
  -- The optional codes above hold '' rather than NULL: one NULL in a text column makes DuckDB
  -- group and filter it 5–8× slower (closure at 10 M rows: 155 ms to group with NULLs, 20 without,
  -- filtering on closure 105 ms against 19). Filters never ask for '': a code is never empty.
  -- Derived once here so that every query reads the same numbers (domain.md §4).
  -- Microseconds from filing to the closing event (days: / 86 400 000 000); null while open. An
  -- integer: DuckDB's quantile_cont gathers and sorts it ~2× faster than the same durations as
  -- DOUBLE days (by sector at 10 M rows: 240 → 134 ms, by month 299 → 148 ms, measured).
  close_us            BIGINT,
  -- ADR conclusion − receipt in integer microseconds: summed exactly, so an average is the same
  -- whatever order rows and groups are added in (a full run and increments number classes apart).
  adr_us              BIGINT,
  -- The two 0/1 flags the filters read (crossBorder, overdue): their own columns for the
  -- row groups' min/max. Every flag the measures read is in x_bits.
  x_cross_border      UTINYINT NOT NULL,
  x_overdue           UTINYINT NOT NULL,       -- open and past its deadline at snapshot.finished_at (reset every run)
  -- The UTC period of filing, derived once, numbered: the year, year·4 + quarter − 1 and
  -- year·12 + month − 1 (its first month is filed_… · months per period). The trend groups by
  -- them: integers of a small range go to a perfect hash table (by month at 10 M rows 67 → 23 ms
  -- against DATE columns, measured), and date_trunc per row and request cost more still.
  filed_month         USMALLINT NOT NULL,
  filed_quarter       USMALLINT NOT NULL,
  filed_year          USMALLINT NOT NULL,
  -- close_us's bucket in close_buckets (about two hundred ranges of close_us, each holding a
  -- similar share of the closed cases), which the quantiles locate their ranks in
  -- (api/src/analytics/close-quantiles.ts, over closed_facts). Null when open.
  close_cb            USMALLINT,
  -- The row's flag class (flag_classes): its flags (x_bits), its four outcome codes and its
  -- coarse close bucket, numbered densely (about a thousand). The measures and the outcomes group by
  -- (group, x_class): small integer ranges, which DuckDB counts in a perfect hash
  -- table (an array indexed by the values) instead of hashing each row (stats/flag_groups.sql).
  -- DuckDB sizes that table by each column's type for an ENUM (a byte each), so four ENUM
  -- columns in one key no longer fit it: the class carries them. The coarse close bucket makes
  -- the same count the quantiles' histogram as well (close-quantiles.ts): one scan, not two.
  x_class             USMALLINT NOT NULL,
  -- The trader, as trader_keys' integer for its id: a filter or a grouping on an integer costs
  -- ~6 ms where the id's text costs ~60 ms at 10 M rows (50 000 distinct values compress poorly),
  -- and the text is not stored here at all (storing it cost a full run 1.8 s, measured); queries
  -- join trader_keys for the ids of the few traders they list.
  trader_key          INTEGER NOT NULL,
  -- The measures' 0/1 flags (complaint_facts.sql derives them) packed in one integer, bit k =
  -- flag k: 0 cross_border, 1 closed, 2 resolved (settled_directly or adr_outcome), 3 sent to
  -- the trader, 4 trader replied, 5 replied within TRADER_REPLY_DAYS (snapshot.reply_days),
  -- 6 an ADR body received it, 7 accepted, 8 refused, 9 ADR outcome, 10 ADR discontinued,
  -- 11 ADR concluded within 90 days of receipt, 12 a compliance report exists, 13 the latest
  -- report says complied, 14 overdue (as x_overdue). stats/flag_counts.sql unpacks them. A set
  -- of rows shares a few dozen values: the measures count rows per value first and sum those
  -- few groups (stats/flag_groups.sql), 2–4× faster than summing fifteen flag columns over
  -- every row (the summary's measures at 10 M rows 97 → 34 ms, by month 200 → 43 ms, measured).
  x_bits              USMALLINT NOT NULL
);

-- complaint_facts.x_class: the flag classes seen so far (complaint_facts.sql adds new ones; a
-- number is never reused in a snapshot's store). x_bits: the flags but overdue (bit 14 clear),
-- which is x_overdue. close_cc: the class's coarse close
-- bucket (close_buckets), null for open cases. x_twin: for an open case's class, the class that
-- differs in x_overdue alone (complaint_facts_overdue.sql). A full run numbers the classes afresh
-- (its close buckets are new); an increment adds the new ones.
CREATE TABLE IF NOT EXISTS flag_classes (
  x_class USMALLINT NOT NULL, x_bits USMALLINT NOT NULL, closure closure_code NOT NULL,
  trader_decision decision_code NOT NULL, adr_result adr_result_code NOT NULL, refusal_ground refusal_code NOT NULL,
  close_cc USMALLINT, x_overdue UTINYINT NOT NULL, x_twin USMALLINT
);
-- complaint_facts.close_cb: the buckets of close_us, chosen by a full run (close_buckets.sql).
-- A bucket holds close_us from lo_us (inclusive) to the next bucket's lo_us; point_us is set
-- when it holds one value only (an exact number of hours that many cases share, such as an
-- automatic closure's): the quantiles read it without looking at any row. close_cc is its
-- coarse bucket: a run of consecutive buckets (a one-value bucket is one alone), which the flag
-- classes carry (x_class).
CREATE TABLE IF NOT EXISTS close_buckets (close_cb USMALLINT NOT NULL, lo_us BIGINT NOT NULL, point_us BIGINT, close_cc USMALLINT NOT NULL);
-- close_buckets as lists (see close_buckets.sql) which complaint_facts.sql looks up by index per
-- row, where a join cost ~0.5 s per full run: close_cb by hour_bucket(close_us) + 1, close_cc
-- by close_cb + 1.
CREATE TABLE IF NOT EXISTS close_bucket_map (by_hour USMALLINT[] NOT NULL, coarse USMALLINT[] NOT NULL);
-- A stable integer per ADR body (adr_body_keys.sql), from 1, as trader_keys.
CREATE TABLE IF NOT EXISTS adr_body_keys (adr_body_id VARCHAR NOT NULL, adr_body_key USMALLINT NOT NULL);
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
  schema_version  VARCHAR NOT NULL,
  reply_days      INTEGER NOT NULL             -- TRADER_REPLY_DAYS the x_timely flags were computed with
);
