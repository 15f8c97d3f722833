-- Stages the extract files (CSV written by PostgreSQL's COPY) as temporary tables.
-- The runner fills in the quoted file paths: a list of the complaints' parts, one file each for
-- the traders and the ADR bodies.
-- {{complaints_relation}}: VIEW on a full run (the INSERT reads the file once, no temporary copy
-- of ten million rows: −7 s measured), TABLE on an increment (read by both DELETE and INSERT).
CREATE OR REPLACE TEMP {{complaints_relation}} extract_complaints AS
SELECT * FROM read_csv({{complaints}}, header = false, auto_detect = false, nullstr = '', columns = {
  'id': 'BIGINT', 'source': 'VARCHAR', 'filed_at': 'TIMESTAMP', 'consumer_country': 'VARCHAR',
  'trader_id': 'VARCHAR', 'trader_country': 'VARCHAR', 'sector': 'VARCHAR', 'problem': 'VARCHAR',
  'stage': 'VARCHAR', 'status': 'VARCHAR', 'closure': 'VARCHAR', 'sent_at': 'TIMESTAMP',
  'replied_at': 'TIMESTAMP', 'trader_decision': 'VARCHAR', 'adr_body_id': 'VARCHAR',
  'agreed_at': 'TIMESTAMP', 'accepted_at': 'TIMESTAMP', 'refused_at': 'TIMESTAMP',
  'refusal_ground': 'VARCHAR', 'closed_at': 'TIMESTAMP', 'adr_result': 'VARCHAR',
  'discontinued_reason': 'VARCHAR', 'complied': 'BOOLEAN', 'due_at': 'TIMESTAMP'
});
CREATE OR REPLACE TEMP TABLE extract_traders AS
SELECT * FROM read_csv({{traders}}, header = false, auto_detect = false, nullstr = '',
  columns = { 'id': 'VARCHAR', 'name': 'VARCHAR', 'country': 'VARCHAR', 'sector': 'VARCHAR' });
CREATE OR REPLACE TEMP TABLE extract_adr_bodies AS
SELECT * FROM read_csv({{adr_bodies}}, header = false, auto_detect = false, nullstr = '',
  columns = { 'id': 'VARCHAR', 'name': 'VARCHAR', 'country': 'VARCHAR' });
-- The (trader, year) pairs whose benchmark measures this run recomputes (complaint_facts_delete.sql).
CREATE OR REPLACE TEMP TABLE touched_trader_years (trader_id VARCHAR NOT NULL, trader_key INTEGER NOT NULL, filed_year USMALLINT NOT NULL);
