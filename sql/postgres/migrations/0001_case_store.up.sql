-- The case store: reference data, complaints with their derived milestones, the append-only
-- event log and ingest batches. Runs unchanged on PostgreSQL >= 15 and on PGlite.

CREATE TABLE traders (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  name_norm   text NOT NULL,          -- lower-cased, accents and punctuation folded: matching key
  country     char(2) NOT NULL,
  website     text,
  sector      text,                   -- registered sector (benchmark tie-break)
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX traders_name_norm_country ON traders (name_norm, country);

CREATE TABLE adr_bodies (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  country     char(2) NOT NULL,
  sectors     text[] NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ingest_batches (
  id          uuid PRIMARY KEY,
  source      text,
  caller      text NOT NULL,
  format      text NOT NULL,
  status      text NOT NULL CHECK (status IN ('completed', 'rejected')),
  received    integer NOT NULL DEFAULT 0,
  inserted    integer NOT NULL DEFAULT 0,
  updated     integer NOT NULL DEFAULT 0,
  duplicates  integer NOT NULL DEFAULT 0,
  rejected    integer NOT NULL DEFAULT 0,
  error       text,
  started_at  timestamptz NOT NULL,
  finished_at timestamptz NOT NULL
);

CREATE TABLE complaints (
  id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  source              text NOT NULL,
  external_ref        text NOT NULL,
  filed_at            timestamptz NOT NULL,
  complainant         text NOT NULL CHECK (complainant IN ('consumer', 'trader')),
  consumer_country    char(2) NOT NULL,
  consumer_language   text,
  consumer_name       text,           -- personal data: consumer_name, consumer_email,
  consumer_email      text,           -- consumer_address and description are erased on
  consumer_address    text,           -- request or RETENTION_MONTHS after closing
  description         text,
  personal_data_erased_at timestamptz,
  trader_id           text NOT NULL REFERENCES traders (id),
  trader_name         text,           -- as given in the complaint (the trader row is the reference)
  trader_country      char(2) NOT NULL,
  trader_website      text,
  sector              text NOT NULL,
  problem             text NOT NULL,
  problem_detail      text,
  ordered_online      boolean,
  price_amount        numeric CHECK (price_amount >= 0),
  price_currency      char(3),
  purchased_at        date,
  contacted_trader    boolean,
  language            text,
  -- Milestones derived from the non-voided events, maintained on every write so that reads
  -- (registry filters, the ETL extract) never replay the event log.
  stage               text NOT NULL,
  status              text NOT NULL,
  closure             text,
  sent_at             timestamptz,
  replied_at          timestamptz,
  trader_decision     text,
  adr_body_id         text REFERENCES adr_bodies (id),
  agreed_at           timestamptz,
  accepted_at         timestamptz,
  refused_at          timestamptz,
  refusal_ground      text,
  closed_at           timestamptz,
  adr_result          text,
  discontinued_reason text,
  complied            boolean,
  compliance_at       timestamptz,
  event_count         integer NOT NULL DEFAULT 0,
  last_event_at       timestamptz,
  due_at              timestamptz,    -- the current stage's legal deadline (overdue = open and past it)
  batch_id            uuid,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT complaints_source_ref UNIQUE (source, external_ref)
);

-- Registry: keyset paging on (filed_at, id) overall and under the common filters; each index
-- also answers the capped exact count (up to 10 001 rows) as an index-only range.
CREATE INDEX complaints_filed ON complaints (filed_at, id);
CREATE INDEX complaints_stage_filed ON complaints (stage, filed_at, id);
CREATE INDEX complaints_consumer_country_filed ON complaints (consumer_country, filed_at, id);
CREATE INDEX complaints_trader_country_filed ON complaints (trader_country, filed_at, id);
CREATE INDEX complaints_sector_filed ON complaints (sector, filed_at, id);
CREATE INDEX complaints_trader_filed ON complaints (trader_id, filed_at, id);
CREATE INDEX complaints_adr_body_filed ON complaints (adr_body_id, filed_at, id) WHERE adr_body_id IS NOT NULL;
CREATE INDEX complaints_open_due ON complaints (due_at) WHERE status = 'open';

CREATE TABLE complaint_events (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  complaint_id  bigint NOT NULL REFERENCES complaints (id),
  seq           integer NOT NULL,     -- arrival order within the case (ties in `at` keep it)
  type          text NOT NULL,
  at            timestamptz NOT NULL,
  data          jsonb NOT NULL DEFAULT '{}',
  batch_id      uuid,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  voided_at     timestamptz,
  void_reason   text,
  voided_by     text,
  CONSTRAINT complaint_events_seq UNIQUE (complaint_id, seq)
);

-- Events are append-only: only the void columns may ever change.
CREATE FUNCTION complaint_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'complaint events are append-only: void an event instead of deleting it';
  END IF;
  IF (NEW.complaint_id, NEW.seq, NEW.type, NEW.at, NEW.data) IS DISTINCT FROM (OLD.complaint_id, OLD.seq, OLD.type, OLD.at, OLD.data) THEN
    RAISE EXCEPTION 'complaint events are append-only: only voiding is allowed';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER complaint_events_append_only BEFORE UPDATE OR DELETE ON complaint_events
  FOR EACH ROW EXECUTE FUNCTION complaint_events_append_only();

-- The canonical JSON of an event, as the API reads and writes it: idempotency compares the
-- stored log with a re-sent one through this function.
CREATE FUNCTION odr_event_json(type text, at timestamptz, data jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT jsonb_build_object('type', type, 'at', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) || data
$$;
