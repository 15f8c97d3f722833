/**
 * Kysely's view of the tables in sql/postgres/migrations, written once beside them. bigint and
 * numeric come back as strings (exact), timestamptz as Date, date as 'YYYY-MM-DD'.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface TradersTable {
  id: string;
  name: string;
  name_norm: string;
  country: string;
  website: string | null;
  sector: string | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface AdrBodiesTable {
  id: string;
  name: string;
  country: string;
  sectors: ColumnType<string[], string[] | undefined, string[]>;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}

export interface IngestBatchesTable {
  id: string;
  source: string | null;
  caller: string;
  format: string;
  status: 'completed' | 'rejected';
  received: number;
  inserted: number;
  updated: number;
  duplicates: number;
  rejected: number;
  error: string | null;
  started_at: Timestamp;
  finished_at: Timestamp;
}

export interface ComplaintsTable {
  id: Generated<string>;
  source: string;
  external_ref: string;
  filed_at: Timestamp;
  complainant: string;
  consumer_country: string;
  consumer_language: string | null;
  consumer_name: string | null;
  consumer_email: string | null;
  consumer_address: string | null;
  description: string | null;
  personal_data_erased_at: Timestamp | null;
  trader_id: string;
  trader_name: string | null;
  trader_country: string;
  trader_website: string | null;
  sector: string;
  problem: string;
  problem_detail: string | null;
  ordered_online: boolean | null;
  price_amount: string | null;
  price_currency: string | null;
  purchased_at: string | null;
  contacted_trader: boolean | null;
  language: string | null;
  stage: string;
  status: string;
  closure: string | null;
  sent_at: Timestamp | null;
  replied_at: Timestamp | null;
  trader_decision: string | null;
  adr_body_id: string | null;
  agreed_at: Timestamp | null;
  accepted_at: Timestamp | null;
  refused_at: Timestamp | null;
  refusal_ground: string | null;
  closed_at: Timestamp | null;
  adr_result: string | null;
  discontinued_reason: string | null;
  complied: boolean | null;
  compliance_at: Timestamp | null;
  event_count: number;
  last_event_at: Timestamp | null;
  due_at: Timestamp | null;
  batch_id: string | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
  /** xid8 of the last transaction that wrote the row (set by default and trigger): the ETL's watermark. */
  changed_xid: ColumnType<string, never, never>;
}

export interface ComplaintEventsTable {
  id: Generated<string>;
  complaint_id: string;
  seq: number;
  type: string;
  at: Timestamp;
  data: ColumnType<Record<string, unknown>, string | undefined, string>;
  batch_id: string | null;
  recorded_at: DefaultedTimestamp;
  voided_at: Timestamp | null;
  void_reason: string | null;
  voided_by: string | null;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: DefaultedTimestamp;
}

export interface EtlRunsTable {
  id: Generated<string>;
  kind: 'full' | 'incremental';
  status: 'running' | 'succeeded' | 'failed';
  trigger: string;
  started_at: DefaultedTimestamp;
  finished_at: Timestamp | null;
  rows_read: number | null;
  complaints: number | null;
  snapshot_xmin: string | null;
  snapshot_at: Timestamp | null;
  error: string | null;
}

export interface ApiTokensTable {
  id: string;
  role: 'admin' | 'regulator' | 'trader' | 'adr_body' | 'ingest';
  trader_id: string | null;
  adr_body_id: string | null;
  source: string | null;
  label: string;
  token_hash: string;
  created_at: DefaultedTimestamp;
  created_by: string;
  revoked_at: Timestamp | null;
  /** Null: never expires. */
  expires_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: DefaultedTimestamp;
  token_id: string | null;
  role: string | null;
  actor: string;
  action: string;
  target: string | null;
  rows: ColumnType<string | null, number | string | null | undefined, number | string | null>;
  detail: ColumnType<unknown, string | null | undefined, string | null>;
  outcome: ColumnType<string, string | undefined, string>;
  status: number | null;
}

export interface DB {
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  traders: TradersTable;
  adr_bodies: AdrBodiesTable;
  ingest_batches: IngestBatchesTable;
  complaints: ComplaintsTable;
  complaint_events: ComplaintEventsTable;
  schema_migrations: SchemaMigrationsTable;
  etl_runs: EtlRunsTable;
}

export type ComplaintRow = Selectable<ComplaintsTable>;
export type NewComplaint = Insertable<ComplaintsTable>;
export type ComplaintEventRow = Selectable<ComplaintEventsTable>;
export type TraderRow = Selectable<TradersTable>;
export type AdrBodyRow = Selectable<AdrBodiesTable>;
export type BatchRow = Selectable<IngestBatchesTable>;

export type EtlRunRow = Selectable<EtlRunsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type AuditRow = Selectable<AuditLogTable>;
