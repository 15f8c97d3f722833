CREATE TYPE IF NOT EXISTS country_code AS ENUM ('AT', 'BE', 'BG', 'CY', 'CZ', 'DE', 'DK', 'EE', 'ES', 'FI', 'FR', 'GR', 'HR', 'HU', 'IE', 'IT', 'LT', 'LU', 'LV', 'MT', 'NL', 'PL', 'PT', 'RO', 'SE', 'SI', 'SK', 'IS', 'LI', 'NO', 'GB')
-- parameters: []

CREATE TYPE IF NOT EXISTS sector_code AS ENUM ('food', 'non_alcoholic_drinks', 'alcoholic_drinks', 'clothing_footwear', 'furnishings', 'large_appliances', 'small_appliances', 'electronic_goods', 'ict_goods', 'leisure_goods', 'books_media', 'cosmetics', 'jewellery', 'medicines', 'new_cars', 'second_hand_cars', 'vehicle_fuel', 'home_maintenance', 'personal_care_services', 'real_estate', 'vehicle_maintenance', 'legal_services', 'banking', 'payment_services', 'loans_credit', 'investments_pensions', 'insurance', 'postal_services', 'mobile_telephone', 'fixed_telephone', 'internet_services', 'tv_subscriptions', 'online_content', 'airlines', 'railways', 'buses_coaches', 'ferries', 'car_rental', 'urban_transport', 'hotels', 'package_travel', 'holiday_rentals', 'restaurants_bars', 'event_tickets', 'sports_leisure_services', 'gambling', 'electricity', 'gas', 'water', 'health_services', 'education', 'other')
-- parameters: []

CREATE TYPE IF NOT EXISTS problem_code AS ENUM ('quality', 'delivery', 'price', 'billing', 'guarantee', 'redress', 'unfair_practice', 'contract', 'switching', 'safety', 'privacy', 'other')
-- parameters: []

CREATE TYPE IF NOT EXISTS stage_code AS ENUM ('filed', 'with_trader', 'trader_replied', 'at_adr_body', 'adr_in_progress', 'closed')
-- parameters: []

CREATE TYPE IF NOT EXISTS status_code AS ENUM ('open', 'closed')
-- parameters: []

CREATE TYPE IF NOT EXISTS closure_code AS ENUM ('', 'settled_directly', 'closed_no_agreement', 'withdrawn', 'adr_refused', 'adr_outcome', 'adr_discontinued')
-- parameters: []

CREATE TYPE IF NOT EXISTS decision_code AS ENUM ('', 'proposes_adr', 'declines', 'direct_talks')
-- parameters: []

CREATE TYPE IF NOT EXISTS refusal_code AS ENUM ('', 'a', 'b', 'c', 'd', 'e', 'f')
-- parameters: []

CREATE TYPE IF NOT EXISTS adr_result_code AS ENUM ('', 'in_favour_of_consumer', 'in_favour_of_trader', 'amicable')
-- parameters: []

CREATE TYPE IF NOT EXISTS discontinued_code AS ENUM ('', 'consumer_withdrew', 'trader_withdrew', 'settled_in_between', 'consumer_unresponsive', 'other')
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

CREATE TABLE IF NOT EXISTS close_buckets (close_cb USMALLINT NOT NULL, lo_us BIGINT NOT NULL, point_us BIGINT, close_cc USMALLINT NOT NULL)
-- parameters: []

CREATE TABLE IF NOT EXISTS close_bucket_map (by_hour USMALLINT[] NOT NULL, coarse USMALLINT[] NOT NULL)
-- parameters: []

CREATE TABLE IF NOT EXISTS adr_body_keys (adr_body_id VARCHAR NOT NULL, adr_body_key USMALLINT NOT NULL)
-- parameters: []

CREATE TABLE IF NOT EXISTS trader_keys (trader_id VARCHAR NOT NULL, trader_key INTEGER NOT NULL)
-- parameters: []

CREATE TABLE IF NOT EXISTS "trader_years" (
  trader_id            VARCHAR NOT NULL,
  year                 INTEGER NOT NULL,
  sector               VARCHAR NOT NULL,
  "complaints"         INTEGER NOT NULL,
  "closed"             INTEGER NOT NULL,
  "resolutionRate"     DOUBLE,
  "traderResponseRate" DOUBLE,
  "medianDaysToClose"  DOUBLE
)
-- parameters: []

CREATE TABLE IF NOT EXISTS traders (id VARCHAR NOT NULL, name VARCHAR, country VARCHAR, sector VARCHAR)
-- parameters: []

CREATE TABLE IF NOT EXISTS adr_bodies (id VARCHAR NOT NULL, name VARCHAR, country VARCHAR)
-- parameters: []

CREATE TABLE IF NOT EXISTS "snapshot" (
  etl_run_id      BIGINT NOT NULL,
  data_run_id     BIGINT NOT NULL,
  finished_at     TIMESTAMP NOT NULL,
  complaints      INTEGER NOT NULL,
  snapshot_xmin   VARCHAR NOT NULL,
  store_id        VARCHAR NOT NULL,
  schema_version  VARCHAR NOT NULL,
  reply_days      INTEGER NOT NULL,
  snapshot_at     TIMESTAMP NOT NULL
)
-- parameters: []
