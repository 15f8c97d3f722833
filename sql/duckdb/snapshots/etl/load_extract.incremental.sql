CREATE OR REPLACE TEMP TABLE "extract_complaints" AS
SELECT * FROM read_csv(['/tmp/run/complaints-0.csv'], header = false, auto_detect = false, nullstr = '', columns = {
  'id': 'BIGINT', 'source': 'VARCHAR', 'filed_at': 'TIMESTAMP', 'consumer_country': 'VARCHAR',
  'trader_id': 'VARCHAR', 'trader_country': 'VARCHAR', 'sector': 'VARCHAR', 'problem': 'VARCHAR',
  'stage': 'VARCHAR', 'status': 'VARCHAR', 'closure': 'VARCHAR', 'sent_at': 'TIMESTAMP',
  'replied_at': 'TIMESTAMP', 'trader_decision': 'VARCHAR', 'adr_body_id': 'VARCHAR',
  'agreed_at': 'TIMESTAMP', 'accepted_at': 'TIMESTAMP', 'refused_at': 'TIMESTAMP',
  'refusal_ground': 'VARCHAR', 'closed_at': 'TIMESTAMP', 'adr_result': 'VARCHAR',
  'discontinued_reason': 'VARCHAR', 'complied': 'BOOLEAN', 'compliance_at': 'TIMESTAMP', 'due_at': 'TIMESTAMP'
})
-- parameters: []

CREATE OR REPLACE TEMP TABLE "extract_traders" AS
SELECT * FROM read_csv('/tmp/run/traders.csv', header = false, auto_detect = false, nullstr = '',
  columns = { 'id': 'VARCHAR', 'name': 'VARCHAR', 'country': 'VARCHAR', 'sector': 'VARCHAR' })
-- parameters: []

CREATE OR REPLACE TEMP TABLE "extract_adr_bodies" AS
SELECT * FROM read_csv('/tmp/run/adr_bodies.csv', header = false, auto_detect = false, nullstr = '',
  columns = { 'id': 'VARCHAR', 'name': 'VARCHAR', 'country': 'VARCHAR' })
-- parameters: []

CREATE OR REPLACE TEMP TABLE "touched_trader_years" (trader_id VARCHAR NOT NULL, trader_key INTEGER NOT NULL, filed_year USMALLINT NOT NULL)
-- parameters: []
