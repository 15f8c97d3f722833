-- Access (contract "Access"): bearer tokens, stored only as a SHA-256 hash of the token, bound
-- to a role and, for traders, ADR bodies and ingest feeds, to the one trader, body or source
-- they act for; and the audit log of every write, token change and export.
CREATE TABLE api_tokens (
  id           uuid PRIMARY KEY,
  role         text NOT NULL CHECK (role IN ('admin', 'regulator', 'trader', 'adr_body', 'ingest')),
  trader_id    text REFERENCES traders (id),
  adr_body_id  text REFERENCES adr_bodies (id),
  source       text,
  label        text NOT NULL,
  token_hash   text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  created_by   text NOT NULL,
  revoked_at   timestamptz,
  CHECK ((role = 'trader') = (trader_id IS NOT NULL)),
  CHECK ((role = 'adr_body') = (adr_body_id IS NOT NULL)),
  CHECK ((role = 'ingest') = (source IS NOT NULL))
);

CREATE TABLE audit_log (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  -- who: the token's id and role, and a readable actor ("regulator:Consumer authority IT")
  token_id  text,
  role      text,
  actor     text NOT NULL,
  -- what: e.g. complaints.bulk, events.append, tokens.create, registry.export, retention.erase
  action    text NOT NULL,
  target    text,
  rows      bigint,
  detail    jsonb
);
CREATE INDEX audit_log_at ON audit_log (at DESC, id DESC);
