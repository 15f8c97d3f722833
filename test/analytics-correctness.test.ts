/**
 * Issue 3's correctness suite. Every measure of domain.md §4 is computed here independently, with
 * plain SQL on PostgreSQL over the same case store — from the event log (non-voided events), not
 * from the milestone columns kept on write, nor the ETL's SQL or extract — and compared with what
 * /api/v1/stats/* answers from the DuckDB snapshot, for many filter combinations built from the
 * data (empty and single-case sets included), plus trader benchmarks and ADR activity reports.
 * Counts must agree exactly, other numbers to a relative 1e-9; every disagreement is listed
 * (endpoint, filter, field, expected, actual) before the suite fails.
 *
 * The data: the deterministic demo dataset, then hand-made edge cases over HTTP (voided events,
 * compliance reported twice, refusals with grounds, discontinued cases, a single-case
 * combination, replies just inside and just outside TRADER_REPLY_DAYS, filing times on either side
 * of a zoned boundary, open cases on both sides of their deadline, benchmark peers and sector ties).
 * A few cases are in the first (full) ETL run and change, or pass their deadline, before the
 * second (incremental) one, which the figures are then checked against.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type RawBuilder } from 'kysely';
import type { z } from 'zod';
import { seedDemo } from '../api/src/demo/demo-seed.js';
import { PROBLEMS, REFUSAL_GROUNDS, SECTORS } from '../core/codes.js';
import { etlRun } from '../api/src/analytics/analytics.dto.js';
import {
  adrReportBody,
  benchmarkBody,
  codeRowsBody,
  countriesBody,
  flowsBody,
  outcomesBody,
  overdueBody,
  summaryBody,
  tradersBody,
  trendBody,
} from '../core/analytics-answers.js';
import { client, putAdrBody, startApp, type Client, type RunningApp } from './support/http.js';
import { ev, ndjson, type TestComplaint, type TestEvent } from './support/complaints.js';

// ───────────────────────────── the definitions (domain.md) ─────────────────────────────

const REPLY_DAYS = 12; // TRADER_REPLY_DAYS, given to the app and to the demo seed (not the default 10, so a hard-coded 10 shows)
const DAY_MS = 86_400_000;
const MIN_CLOSED = 10; // §4: rates from 10 closed complaints; benchmark peers need 10 closed
const MIN_PEERS = 5; // §4: fewer peers and the peer figures are withheld
const SOURCE = 'correctness';
const CLOSING = ['settled_directly', 'closed_no_agreement', 'withdrawn', 'adr_refused', 'adr_outcome', 'adr_discontinued'] as const;
const STAGES = ['filed', 'with_trader', 'trader_replied', 'at_adr_body', 'adr_in_progress', 'closed'] as const;
const OPEN_STAGES = STAGES.slice(0, 5);
const ALIASES: Readonly<Record<string, string>> = { EL: 'GR', UK: 'GB' };
/** domain.md §4, millions. */
const POPULATION: Readonly<Record<string, number>> = {
  AT: 9.16,
  BE: 11.83,
  BG: 6.45,
  CY: 0.93,
  CZ: 10.9,
  DE: 83.45,
  DK: 5.96,
  EE: 1.37,
  ES: 48.62,
  FI: 5.6,
  FR: 68.4,
  GR: 10.4,
  HR: 3.86,
  HU: 9.58,
  IE: 5.27,
  IT: 58.99,
  LT: 2.89,
  LU: 0.67,
  LV: 1.87,
  MT: 0.56,
  NL: 17.94,
  PL: 36.62,
  PT: 10.64,
  RO: 19.06,
  SE: 10.55,
  SI: 2.12,
  SK: 5.42,
  IS: 0.38,
  LI: 0.04,
  NO: 5.55,
  GB: 68.27,
};

// ───────────────────────────── comparing ─────────────────────────────

interface Mismatch {
  endpoint: string;
  filter: string;
  field: string;
  expected: unknown;
  actual: unknown;
}

const REL_TOL = 1e-9;
let totalComparisons = 0;
let totalMismatches = 0;

class Comparer {
  readonly mismatches: Mismatch[] = [];
  comparisons = 0;

  at(endpoint: string, filter: string, prefix = ''): Scope {
    return new Scope(this, endpoint, filter, prefix);
  }

  record(m: Mismatch): void {
    this.mismatches.push(m);
  }

  /** Fails with every mismatch listed. */
  assertNone(): void {
    totalComparisons += this.comparisons;
    totalMismatches += this.mismatches.length;
    const shown = this.mismatches
      .slice(0, 200)
      .map((m) => `${m.endpoint} [${m.filter}] ${m.field}: expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`);
    if (this.mismatches.length > shown.length) shown.push(`… and ${this.mismatches.length - shown.length} more`);
    expect(this.mismatches.length, `${this.mismatches.length} mismatches in ${this.comparisons} comparisons:\n${shown.join('\n')}\n`).toBe(
      0,
    );
    expect(this.comparisons).toBeGreaterThan(0);
  }
}

class Scope {
  constructor(
    private readonly c: Comparer,
    readonly endpoint: string,
    readonly filter: string,
    private readonly prefix: string,
  ) {}

  sub(prefix: string): Scope {
    return new Scope(this.c, this.endpoint, this.filter, `${this.prefix}${prefix}`);
  }

  miss(field: string, expected: unknown, actual: unknown): void {
    this.c.record({ endpoint: this.endpoint, filter: this.filter, field: this.prefix + field, expected, actual });
  }

  /** An integer count, exactly. */
  count(field: string, expected: unknown, actual: unknown): void {
    this.c.comparisons++;
    const e = toNumber(expected);
    if (e === null || typeof actual !== 'number' || !Number.isInteger(actual) || actual !== e) this.miss(field, e, actual);
  }

  /** A number or null (null exactly when expected null), to a relative 1e-9. */
  num(field: string, expected: unknown, actual: unknown): void {
    this.c.comparisons++;
    const e = toNumber(expected);
    if (e === null || actual === null) {
      if (e !== actual) this.miss(field, e, actual);
      return;
    }
    if (typeof actual !== 'number' || !Number.isFinite(actual)) return this.miss(field, e, actual);
    if (actual !== e && Math.abs(actual - e) > REL_TOL * Math.max(Math.abs(actual), Math.abs(e))) this.miss(field, e, actual);
  }

  /** Strings, booleans, nulls: strictly equal. */
  same(field: string, expected: unknown, actual: unknown): void {
    this.c.comparisons++;
    if (expected !== actual) this.miss(field, expected, actual);
  }

  /** Parses an answer with the contract's schema; a bad shape is a mismatch too. */
  parse<S extends z.ZodType>(schema: S, status: number, body: unknown): z.output<S> | null {
    this.c.comparisons++;
    if (status !== 200) {
      this.miss('status', 200, { status, body });
      return null;
    }
    const r = schema.safeParse(body);
    if (!r.success) {
      this.miss('shape', 'the schema of analytics.dto.ts', r.error.issues.slice(0, 3));
      return null;
    }
    return r.data;
  }
}

function toNumber(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' || typeof v === 'bigint') return Number(v);
  throw new Error(`not a number: ${String(v)}`);
}

type Row = Record<string, unknown>;
const field = (o: unknown, k: string): unknown => (o !== null && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined);

/** Rows keyed by `key`: compared one by one; an API row not expected must have count 0. */
function compareKeyed<A>(
  s: Scope,
  expected: readonly Row[],
  expectedKey: (r: Row) => string,
  actual: readonly A[],
  actualKey: (a: A) => string,
  compare: (s: Scope, e: Row, a: A) => void,
  zeroField?: string,
): void {
  const byKey = new Map(actual.map((a) => [actualKey(a), a]));
  if (byKey.size !== actual.length) s.miss('duplicate rows', actual.length, byKey.size);
  for (const e of expected) {
    const k = expectedKey(e);
    const a = byKey.get(k);
    if (a === undefined) s.miss(`[${k}]`, 'a row', 'none');
    else compare(s.sub(`[${k}].`), e, a);
    byKey.delete(k);
  }
  for (const [k, a] of byKey) {
    if (zeroField !== undefined && field(a, zeroField) === 0) continue;
    s.miss(`[${k}]`, 'no row', a);
  }
}

// ───────────────────────────── the independent SQL ─────────────────────────────

const FACTS = 'xc_expected_facts';
const days = (n: number) => `make_interval(secs => ${n * 86_400})`;

/**
 * One row per complaint, derived from its non-voided events (domain.md §1): each milestone is the
 * first event of its type, the closing event the first of the closing types, the compliance the
 * latest report; stage, status and the stage deadline follow from them. With `at`: from the
 * events that had happened by that instant (the case as it stood then).
 */
const buildFacts = (table: string, at?: string) => `
CREATE TABLE ${table} AS
WITH e AS (
  SELECT complaint_id, type, at, data, seq FROM complaint_events WHERE voided_at IS NULL${at === undefined ? '' : ` AND at <= '${at}'::timestamptz`}
),
agg AS (
  SELECT
    c.id, c.source, c.filed_at, c.consumer_country::text AS consumer_country, c.trader_country::text AS trader_country,
    c.trader_id, c.sector, c.problem,
    min(e.at) FILTER (WHERE e.type = 'sent_to_trader') AS sent_at,
    min(e.at) FILTER (WHERE e.type = 'trader_replied') AS replied_at,
    (array_agg(e.data->>'decision' ORDER BY e.at, e.seq) FILTER (WHERE e.type = 'trader_replied'))[1] AS decision,
    min(e.at) FILTER (WHERE e.type = 'adr_body_agreed') AS agreed_at,
    (array_agg(e.data->>'adrBodyId' ORDER BY e.at, e.seq) FILTER (WHERE e.type = 'adr_body_agreed'))[1] AS adr_body_id,
    min(e.at) FILTER (WHERE e.type = 'adr_accepted') AS accepted_at,
    min(e.at) FILTER (WHERE e.type = 'adr_refused') AS refused_at,
    (array_agg(e.data->>'ground' ORDER BY e.at, e.seq) FILTER (WHERE e.type = 'adr_refused'))[1] AS ground,
    (array_agg(e.type ORDER BY e.at, e.seq) FILTER (WHERE e.type IN (${CLOSING.map((t) => `'${t}'`).join(', ')})))[1] AS closure,
    (array_agg(e.at ORDER BY e.at, e.seq) FILTER (WHERE e.type IN (${CLOSING.map((t) => `'${t}'`).join(', ')})))[1] AS closed_at,
    min(e.at) FILTER (WHERE e.type IN ('adr_outcome', 'adr_discontinued')) AS concluded_at,
    (array_agg(e.data->>'result' ORDER BY e.at, e.seq) FILTER (WHERE e.type = 'adr_outcome'))[1] AS adr_result,
    (array_agg(e.data->>'reason' ORDER BY e.at, e.seq) FILTER (WHERE e.type = 'adr_discontinued'))[1] AS discontinued_reason,
    (array_agg((e.data->>'complied')::boolean ORDER BY e.at DESC, e.seq DESC) FILTER (WHERE e.type = 'compliance_reported'))[1] AS complied
  FROM complaints c
  LEFT JOIN e ON e.complaint_id = c.id
  GROUP BY c.id
),
staged AS (
  SELECT agg.*,
    CASE WHEN closure IS NOT NULL THEN 'closed'
         WHEN accepted_at IS NOT NULL THEN 'adr_in_progress'
         WHEN agreed_at IS NOT NULL THEN 'at_adr_body'
         WHEN replied_at IS NOT NULL THEN 'trader_replied'
         WHEN sent_at IS NOT NULL THEN 'with_trader'
         ELSE 'filed' END AS stage
  FROM agg
)
SELECT staged.*,
  CASE WHEN closure IS NULL THEN 'open' ELSE 'closed' END AS status,
  CASE stage
    WHEN 'filed' THEN filed_at + ${days(30)}
    WHEN 'with_trader' THEN least(sent_at + ${days(REPLY_DAYS)}, filed_at + ${days(30)})
    WHEN 'trader_replied' THEN filed_at + ${days(30)}
    WHEN 'at_adr_body' THEN agreed_at + ${days(21)}
    WHEN 'adr_in_progress' THEN agreed_at + ${days(90)}
  END AS due_at,
  ((extract(epoch FROM closed_at) - extract(epoch FROM filed_at)) / 86400)::float8 AS days_to_close,
  (replied_at IS NOT NULL AND sent_at IS NOT NULL AND extract(epoch FROM replied_at) - extract(epoch FROM sent_at) <= ${REPLY_DAYS * 86_400}) AS timely,
  ((extract(epoch FROM concluded_at) - extract(epoch FROM agreed_at)) / 86400)::float8 AS adr_days
FROM staged`;

/** domain.md §4 over a group of facts; `asOf` judges overdue. */
const measuresSql = (asOf: string) => sql`
  count(*)::int AS "complaints",
  (count(*) FILTER (WHERE consumer_country <> trader_country))::int AS "crossBorder",
  (count(*) FILTER (WHERE consumer_country <> trader_country))::float8 / nullif(count(*), 0) AS "crossBorderShare",
  (count(*) FILTER (WHERE closure IS NOT NULL))::int AS "closed",
  (count(*) FILTER (WHERE closure IN ('settled_directly', 'adr_outcome')))::int AS "resolved",
  (count(*) FILTER (WHERE closure IN ('settled_directly', 'adr_outcome')))::float8 / nullif(count(*) FILTER (WHERE closure IS NOT NULL), 0) AS "resolutionRate",
  (count(*) FILTER (WHERE sent_at IS NOT NULL))::int AS "sentToTrader",
  (count(*) FILTER (WHERE replied_at IS NOT NULL))::int AS "traderReplied",
  (count(*) FILTER (WHERE replied_at IS NOT NULL))::float8 / nullif(count(*) FILTER (WHERE sent_at IS NOT NULL), 0) AS "traderResponseRate",
  (count(*) FILTER (WHERE timely))::float8 / nullif(count(*) FILTER (WHERE sent_at IS NOT NULL), 0) AS "timelyTraderResponseRate",
  (count(*) FILTER (WHERE agreed_at IS NOT NULL))::int AS "adrAgreed",
  (count(*) FILTER (WHERE agreed_at IS NOT NULL))::float8 / nullif(count(*), 0) AS "adrAgreementRate",
  percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_close) AS "medianDaysToClose",
  percentile_cont(0.9) WITHIN GROUP (ORDER BY days_to_close) AS "p90DaysToClose",
  (count(*) FILTER (WHERE closure IS NULL AND due_at < ${asOf}::timestamptz))::int AS "overdue"`;

const adrMeasuresSql = sql`
  (count(*) FILTER (WHERE agreed_at IS NOT NULL))::int AS "adrReceived",
  (count(*) FILTER (WHERE accepted_at IS NOT NULL))::int AS "adrAccepted",
  (count(*) FILTER (WHERE refused_at IS NOT NULL))::int AS "adrRefused",
  (count(*) FILTER (WHERE refused_at IS NOT NULL))::float8 / nullif(count(*) FILTER (WHERE accepted_at IS NOT NULL OR refused_at IS NOT NULL), 0) AS "adrRefusalRate",
  (count(*) FILTER (WHERE closure = 'adr_outcome'))::int AS "adrOutcomes",
  (count(*) FILTER (WHERE closure = 'adr_discontinued'))::int AS "adrDiscontinued",
  (count(*) FILTER (WHERE closure = 'adr_discontinued'))::float8 / nullif(count(*) FILTER (WHERE accepted_at IS NOT NULL), 0) AS "adrDiscontinuedShare",
  avg(adr_days) AS "adrAverageDays",
  (count(*) FILTER (WHERE adr_days <= 90))::float8 / nullif(count(adr_days), 0) AS "adrWithin90DaysShare",
  (count(*) FILTER (WHERE complied IS NOT NULL))::int AS "complianceReported",
  (count(*) FILTER (WHERE complied))::float8 / nullif(count(*) FILTER (WHERE complied IS NOT NULL), 0) AS "complianceRate"`;

const MEASURE_COUNTS = [
  'complaints',
  'crossBorder',
  'closed',
  'resolved',
  'sentToTrader',
  'traderReplied',
  'adrAgreed',
  'overdue',
] as const;
const MEASURE_NUMBERS = [
  'crossBorderShare',
  'resolutionRate',
  'traderResponseRate',
  'timelyTraderResponseRate',
  'adrAgreementRate',
  'medianDaysToClose',
  'p90DaysToClose',
] as const;
const ADR_COUNTS = ['adrReceived', 'adrAccepted', 'adrRefused', 'adrOutcomes', 'adrDiscontinued', 'complianceReported'] as const;
const ADR_NUMBERS = ['adrRefusalRate', 'adrDiscontinuedShare', 'adrAverageDays', 'adrWithin90DaysShare', 'complianceRate'] as const;

function compareMeasures(s: Scope, e: Row, a: unknown, opts: { adr?: boolean; ratesShown?: boolean } = {}): void {
  for (const k of MEASURE_COUNTS) s.count(k, e[k], field(a, k));
  for (const k of MEASURE_NUMBERS) s.num(k, opts.ratesShown === false ? null : e[k], field(a, k));
  if (opts.adr) {
    for (const k of ADR_COUNTS) s.count(k, e[k], field(a, k));
    for (const k of ADR_NUMBERS) s.num(k, e[k], field(a, k));
  }
}

/** domain.md §4 "Small numbers": below 30 of the count a ratio rests on, a ratio with a value is marked. */
const SMALL_BELOW = 30;
const RESTS_ON: Readonly<Record<string, 'complaints' | 'closed' | 'sentToTrader'>> = {
  complaintsPerMillion: 'complaints',
  crossBorderShare: 'complaints',
  resolutionRate: 'closed',
  traderResponseRate: 'sentToTrader',
  timelyTraderResponseRate: 'sentToTrader',
  adrAgreementRate: 'complaints',
  medianDaysToClose: 'closed',
  p90DaysToClose: 'closed',
};

/** `lowCount` of an API row against the expected row's values and SQL counts (order aside). */
function compareLowCount(s: Scope, expected: Row, a: unknown): void {
  const low = Object.entries(RESTS_ON)
    .filter(([ratio, on]) => expected[ratio] != null && Number(expected[on]) < SMALL_BELOW)
    .map(([ratio]) => ratio)
    .sort();
  const actual = field(a, 'lowCount');
  s.same('lowCount', JSON.stringify(low), JSON.stringify(Array.isArray(actual) ? [...(actual as string[])].sort() : actual));
}

// ───────────────────────────── filters ─────────────────────────────

interface Filter {
  status?: string[];
  stage?: string[];
  closure?: string[];
  overdue?: boolean;
  consumerCountry?: string[];
  traderCountry?: string[];
  sector?: string[];
  problem?: string[];
  traderId?: string[];
  adrBodyId?: string[];
  crossBorder?: boolean;
  source?: string[];
  from?: string;
  to?: string;
}
const LISTS = [
  'status',
  'stage',
  'closure',
  'consumerCountry',
  'traderCountry',
  'sector',
  'problem',
  'traderId',
  'adrBodyId',
  'source',
] as const;
const COLUMN: Record<(typeof LISTS)[number], string> = {
  status: 'status',
  stage: 'stage',
  closure: 'closure',
  consumerCountry: 'consumer_country',
  traderCountry: 'trader_country',
  sector: 'sector',
  problem: 'problem',
  traderId: 'trader_id',
  adrBodyId: 'adr_body_id',
  source: 'source',
};

function queryOf(f: Filter, extra: Record<string, string> = {}): string {
  const p = new URLSearchParams();
  for (const k of LISTS) if (f[k]) p.set(k, f[k]!.join(','));
  if (f.overdue !== undefined) p.set('overdue', String(f.overdue));
  if (f.crossBorder !== undefined) p.set('crossBorder', String(f.crossBorder));
  if (f.from !== undefined) p.set('from', f.from);
  if (f.to !== undefined) p.set('to', f.to);
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** A filing-time boundary as an instant: a bare date is midnight UTC (domain.md §4). */
const instant = (v: string) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);

/** The filter as a WHERE clause over the facts, every value bound. */
function whereOf(f: Filter, asOf: string): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  for (const k of LISTS) {
    const values = f[k];
    if (!values) continue;
    const resolved = k === 'consumerCountry' || k === 'traderCountry' ? values.map((v) => ALIASES[v] ?? v) : values;
    parts.push(sql`${sql.ref(COLUMN[k])} IN (${sql.join(resolved)})`);
  }
  const overdue = sql`(closure IS NULL AND due_at < ${asOf}::timestamptz)`;
  if (f.overdue === true) parts.push(overdue);
  if (f.overdue === false) parts.push(sql`NOT ${overdue}`);
  if (f.crossBorder === true) parts.push(sql`consumer_country <> trader_country`);
  if (f.crossBorder === false) parts.push(sql`consumer_country = trader_country`);
  if (f.from !== undefined) parts.push(sql`filed_at >= ${instant(f.from)}::timestamptz`);
  if (f.to !== undefined) parts.push(sql`filed_at < ${instant(f.to)}::timestamptz`);
  return parts.length ? sql.join(parts, sql` AND `) : sql`true`;
}

// ───────────────────────────── the data ─────────────────────────────

const NOW = Date.now();
const ago = (d: number) => new Date(NOW - d * DAY_MS).toISOString();
const plus = (iso: string, d: number) => new Date(Date.parse(iso) + d * DAY_MS).toISOString();

interface HandOpts {
  filedAt: string;
  consumer?: string;
  trader?: string;
  traderCountry?: string;
  sector?: string;
  problem?: string;
  events?: TestEvent[];
}
function hand(ref: string, o: HandOpts): TestComplaint {
  return {
    externalRef: `XC-${ref}`,
    source: SOURCE,
    filedAt: o.filedAt,
    complainant: 'consumer',
    consumer: { country: o.consumer ?? 'IT' },
    trader: { id: o.trader ?? 'XC-T1', name: `Trader ${o.trader ?? 'XC-T1'}`, country: o.traderCountry ?? 'DE' },
    sector: o.sector ?? 'ict_goods',
    problem: o.problem ?? 'delivery',
    events: o.events ?? [],
  };
}

const ADR1 = 'ADR-XC-1';
const ADR2 = 'ADR-XC-2';
const VOID_OUTCOME_FILED = '2024-10-01T08:00:00Z';

/** Lifecycle and ADR edge cases (the second load). */
function edgeCases(): TestComplaint[] {
  const out: TestComplaint[] = [];
  const adr = (ref: string, filedAt: string, tail: (agreed: string) => TestEvent[], o: Partial<HandOpts> = {}) => {
    const agreed = plus(filedAt, 3);
    out.push(
      hand(ref, {
        filedAt,
        ...o,
        events: [ev.sent(plus(filedAt, 0.01)), ev.replied(plus(filedAt, 1)), ev.agreed(agreed, ADR1), ...tail(agreed)],
      }),
    );
  };
  // ADR cases received by ADR1 in 2024 and 2025, domestic (IT/IT) and cross-border.
  adr(
    'OUT-CONS-COMPLY2',
    '2024-02-05T09:00:00Z',
    (a) => [
      ev.accepted(plus(a, 2)),
      ev.outcome(plus(a, 40), 'in_favour_of_consumer'),
      ev.compliance(plus(a, 60), false),
      ev.compliance(plus(a, 80), true),
    ],
    { problem: 'quality' },
  );
  adr(
    'OUT-AMIC-COMPLY2',
    '2024-03-11T10:00:00Z',
    (a) => [
      ev.accepted(plus(a, 1)),
      ev.outcome(plus(a, 30), 'amicable'),
      ev.compliance(plus(a, 45), true),
      ev.compliance(plus(a, 70), false),
    ],
    { traderCountry: 'IT', problem: 'quality' },
  );
  adr(
    'OUT-TRADER-VOIDCOMPLY',
    '2024-04-02T11:00:00Z',
    (a) => [
      ev.accepted(plus(a, 3)),
      ev.outcome(plus(a, 50), 'in_favour_of_trader'),
      ev.compliance(plus(a, 70), true),
      ev.compliance(plus(a, 90), false),
    ],
    { problem: 'billing' },
  );
  adr('OUT-90', '2024-05-06T12:00:00Z', (a) => [ev.accepted(plus(a, 5)), ev.outcome(plus(a, 90), 'in_favour_of_consumer')], {
    traderCountry: 'IT',
  });
  adr('OUT-90-PLUS', '2024-06-03T12:00:00Z', (a) => [
    ev.accepted(plus(a, 5)),
    ev.outcome(new Date(Date.parse(plus(a, 90)) + 1).toISOString(), 'amicable'),
  ]);
  adr('OUT-NOCOMPLY', '2024-07-01T08:00:00Z', (a) => [ev.accepted(plus(a, 5)), ev.outcome(plus(a, 20), 'amicable')], {
    problem: 'guarantee',
  });
  adr('REFUSED-A', '2024-07-15T08:00:00Z', (a) => [ev.refused(plus(a, 4), 'a')], { problem: 'quality' });
  adr('REFUSED-E', '2024-08-19T08:00:00Z', (a) => [ev.refused(plus(a, 6), 'e')], { traderCountry: 'IT' });
  adr('REFUSED-E2', '2025-02-03T08:00:00Z', (a) => [ev.refused(plus(a, 2), 'e')]);
  adr(
    'DISC-1',
    '2024-09-02T08:00:00Z',
    (a) => [ev.accepted(plus(a, 2)), ev.discontinued(plus(a, 33), 'consumer_unresponsive', 'stopped answering after the hearing')],
    { problem: 'quality' },
  );
  adr('DISC-2', '2025-03-03T08:00:00Z', (a) => [ev.accepted(plus(a, 2)), ev.discontinued(plus(a, 120), 'other', 'trader insolvent')]);
  adr('VOID-OUTCOME', VOID_OUTCOME_FILED, (a) => [ev.accepted(plus(a, 2)), ev.outcome(plus(a, 25), 'in_favour_of_trader')], {
    problem: 'billing',
  });
  adr('OPEN-AT-BODY', '2024-10-14T08:00:00Z', () => []);
  adr('OPEN-IN-PROGRESS', '2024-11-04T08:00:00Z', (a) => [ev.accepted(plus(a, 3))]);
  adr('SETTLED-AT-BODY', '2024-11-18T08:00:00Z', (a) => [ev.settled(plus(a, 8))], { traderCountry: 'IT' });
  adr('WITHDRAWN-AT-BODY', '2025-01-13T08:00:00Z', (a) => [ev.withdrawn(plus(a, 1))]);
  // Receipt on either side of New Year in UTC, given with offsets.
  out.push(
    hand('AGREED-NYE-UTC2025', {
      filedAt: '2024-12-20T08:00:00Z',
      events: [
        ev.sent('2024-12-20T09:00:00Z'),
        ev.replied('2024-12-22T09:00:00Z'),
        ev.agreed('2024-12-31T23:30:00-02:00', ADR1),
        ev.accepted('2025-01-03T09:00:00Z'),
      ],
    }),
  );
  out.push(
    hand('AGREED-NYE-UTC2024', {
      filedAt: '2024-12-20T08:00:00Z',
      events: [
        ev.sent('2024-12-20T09:00:00Z'),
        ev.replied('2024-12-22T09:00:00Z'),
        ev.agreed('2025-01-01T00:30:00+02:00', ADR1),
        ev.refused('2025-01-05T09:00:00Z', 'c'),
      ],
    }),
  );

  // Voiding and appending (done over HTTP after the load).
  const f0 = '2024-01-08T07:00:00Z';
  out.push(hand('VOID-CLOSE', { filedAt: f0, events: [ev.sent(plus(f0, 0.01)), ev.withdrawn(plus(f0, 2))] }));
  out.push(hand('VOID-REOPEN', { filedAt: f0, events: [ev.sent(plus(f0, 0.01)), ev.withdrawn(plus(f0, 2))] }));
  out.push(hand('VOID-REPLY', { filedAt: f0, events: [ev.sent(plus(f0, 0.01)), ev.replied(plus(f0, 3), 'direct_talks')] }));
  out.push(hand('VOID-AGREED', { filedAt: f0, events: [ev.sent(plus(f0, 0.01)), ev.replied(plus(f0, 1)), ev.agreed(plus(f0, 2), ADR1)] }));
  out.push(hand('APPEND', { filedAt: f0, events: [ev.sent(plus(f0, 0.01))] }));
  // Replies just inside and just outside TRADER_REPLY_DAYS.
  const f1 = '2024-01-22T13:45:10.123Z';
  const sent = plus(f1, 0.5);
  const edge = Date.parse(sent) + REPLY_DAYS * DAY_MS;
  out.push(
    hand('REPLY-EXACT', {
      filedAt: f1,
      events: [ev.sent(sent), ev.replied(new Date(edge).toISOString(), 'declines'), ev.noAgreement(plus(f1, 30))],
    }),
  );
  out.push(
    hand('REPLY-1MS-EARLY', {
      filedAt: f1,
      events: [ev.sent(sent), ev.replied(new Date(edge - 1).toISOString(), 'direct_talks'), ev.settled(plus(f1, 20))],
    }),
  );
  out.push(
    hand('REPLY-1MS-LATE', {
      filedAt: f1,
      events: [ev.sent(sent), ev.replied(new Date(edge + 1).toISOString(), 'direct_talks'), ev.settled(plus(f1, 21))],
    }),
  );
  out.push(hand('REPLY-LATE-OPEN', { filedAt: f1, events: [ev.sent(sent), ev.replied(plus(sent, 15), 'proposes_adr')] }));
  out.push(hand('NO-EVENTS', { filedAt: f1 }));
  out.push(hand('SENT-ONLY', { filedAt: f1, events: [ev.sent(sent)] }));
  // Filing times on either side of 2024-03-01T00:00:00+02:00 (= 2024-02-29T22:00:00Z), and a
  // zoned filing time that is April in UTC.
  out.push(hand('TZ-AT-BOUNDARY', { filedAt: '2024-03-01T00:00:00+02:00', events: [ev.withdrawn('2024-03-02T00:00:00Z')] }));
  out.push(hand('TZ-BEFORE-BOUNDARY', { filedAt: '2024-02-29T21:59:59.999Z', events: [ev.sent('2024-02-29T22:30:00Z')] }));
  out.push(hand('TZ-MIDNIGHT', { filedAt: '2024-07-01T00:00:00Z', events: [ev.sent('2024-07-01T00:00:00Z')] }));
  out.push(
    hand('TZ-APRIL-UTC', {
      filedAt: '2024-03-31T23:30:00-02:00',
      events: [ev.sent('2024-04-01T02:00:00Z'), ev.replied('2024-04-02T02:00:00Z', 'direct_talks'), ev.settled('2024-04-10T02:00:00Z')],
    }),
  );
  // The EU's own country codes, and a combination no other case has.
  out.push(
    hand('ALIASES', {
      filedAt: '2020-05-04T10:00:00Z',
      consumer: 'EL',
      traderCountry: 'UK',
      trader: 'XC-T2',
      events: [ev.sent('2020-05-04T10:05:00Z'), ev.noAgreement('2020-06-03T10:05:00Z')],
    }),
  );
  out.push(
    hand('SINGLE', {
      filedAt: '2023-06-15T10:00:00Z',
      consumer: 'LI',
      traderCountry: 'IS',
      trader: 'XC-SINGLE',
      sector: 'gambling',
      problem: 'privacy',
      events: [ev.sent('2023-06-15T10:00:01Z'), ev.replied('2023-06-20T10:00:00Z', 'direct_talks'), ev.settled('2023-07-01T10:00:00Z')],
    }),
  );
  // Open cases on both sides of their stage deadline at asOf.
  out.push(hand('RECENT-FILED', { filedAt: ago(3) }));
  out.push(hand('RECENT-SENT', { filedAt: ago(1), events: [ev.sent(ago(1))] }));
  out.push(hand('RECENT-SENT-LATE', { filedAt: ago(REPLY_DAYS + 2), events: [ev.sent(ago(REPLY_DAYS + 1))] }));
  out.push(hand('RECENT-REPLIED', { filedAt: ago(20), events: [ev.sent(ago(20)), ev.replied(ago(18))] }));
  out.push(hand('RECENT-REPLIED-LATE', { filedAt: ago(31), events: [ev.sent(ago(31)), ev.replied(ago(29), 'declines')] }));
  out.push(hand('RECENT-AGREED', { filedAt: ago(15), events: [ev.sent(ago(15)), ev.replied(ago(14)), ev.agreed(ago(10), ADR2)] }));
  out.push(hand('RECENT-AGREED-LATE', { filedAt: ago(25), events: [ev.sent(ago(25)), ev.replied(ago(24)), ev.agreed(ago(22), ADR2)] }));
  out.push(
    hand('RECENT-ACCEPTED', {
      filedAt: ago(60),
      events: [ev.sent(ago(60)), ev.replied(ago(58)), ev.agreed(ago(50), ADR2), ev.accepted(ago(45))],
    }),
  );
  out.push(
    hand('RECENT-ACCEPTED-LATE', {
      filedAt: ago(100),
      events: [ev.sent(ago(100)), ev.replied(ago(99)), ev.agreed(ago(95), ADR2), ev.accepted(ago(90))],
    }),
  );
  out.push(hand('RECENT-CLOSED', { filedAt: ago(2), events: [ev.withdrawn(ago(1))] }));
  return out;
}

const BENCH_YEAR = 2023;
/** Hand-made benchmark traders: a peer group in hotels, sector ties, a small trader, an empty one, and a sector with too few peers. */
const BENCH_TRADERS = [
  ...Array.from({ length: 8 }, (_, i) => ({ id: `XB-H${i + 1}`, sector: 'hotels' })),
  { id: 'XB-TIE1', sector: 'hotels' },
  { id: 'XB-TIE2', sector: 'clothing_footwear' },
  { id: 'XB-FEW', sector: 'hotels' },
  { id: 'XB-NONE', sector: 'hotels' },
  { id: 'XB-G1', sector: 'gambling' },
  { id: 'XB-G2', sector: 'gambling' },
] as const;

function benchmarkCases(): TestComplaint[] {
  const out: TestComplaint[] = [];
  const consumers = ['FR', 'DE', 'IT', 'ES', 'AT'];
  const one = (trader: string, i: number, j: number, sector: string, open: boolean) => {
    const filedAt = plus(`${BENCH_YEAR}-01-10T08:00:00Z`, j * 25 + i * 3 + i / 24);
    const k = (i * 7 + j * 3) % 10;
    let events: TestEvent[];
    if (open && k === 9) events = [ev.sent(plus(filedAt, 0.01))];
    else if (k <= 3)
      events = [ev.sent(plus(filedAt, 0.01)), ev.replied(plus(filedAt, 1 + i * 0.3), 'direct_talks'), ev.settled(plus(filedAt, 5 + j + i))];
    else if (k <= 5 || k === 9) events = [ev.sent(plus(filedAt, 0.01)), ev.noAgreement(plus(filedAt, 30))];
    else if (k === 6)
      events = [
        ev.sent(plus(filedAt, 0.01)),
        ev.replied(plus(filedAt, 2)),
        ev.agreed(plus(filedAt, 4), ADR2),
        ev.accepted(plus(filedAt, 6)),
        ev.outcome(plus(filedAt, 40 + i), 'in_favour_of_consumer'),
      ];
    else if (k === 7) events = [ev.withdrawn(plus(filedAt, 3 + i))];
    else events = [ev.sent(plus(filedAt, 0.01)), ev.replied(plus(filedAt, 12), 'declines'), ev.noAgreement(plus(filedAt, 31))];
    out.push(
      hand(`B-${trader}-${j}`, {
        filedAt,
        trader,
        traderCountry: 'AT',
        consumer: consumers[(i + j) % consumers.length],
        sector,
        problem: j % 2 ? 'redress' : 'delivery',
        events,
      }),
    );
  };
  for (let i = 0; i < 7; i++) {
    const pattern = i % 6; // XB-H7 repeats XB-H1: equal values in the percentile
    for (let j = 0; j < 12 + (pattern % 3); j++) one(`XB-H${i + 1}`, pattern, j, 'hotels', true);
  }
  // a peer with no response rate: ten cases withdrawn before reaching the trader
  for (let j = 0; j < 10; j++) {
    const filedAt = plus(`${BENCH_YEAR}-02-01T08:00:00Z`, j * 30);
    out.push(
      hand(`B-XB-H8-${j}`, {
        filedAt,
        trader: 'XB-H8',
        traderCountry: 'AT',
        sector: 'hotels',
        events: [ev.withdrawn(plus(filedAt, 1 + j))],
      }),
    );
  }
  // filed on New Year's Eve in local time, but in the next UTC year
  out.push(
    hand('B-XB-H2-NYE', {
      filedAt: `${BENCH_YEAR}-12-31T23:30:00-02:00`,
      trader: 'XB-H2',
      traderCountry: 'AT',
      sector: 'hotels',
      events: [ev.withdrawn(`${BENCH_YEAR + 1}-01-02T00:00:00Z`)],
    }),
  );
  for (let j = 0; j < 12; j++) one('XB-TIE1', 2, j, j % 2 ? 'airlines' : 'hotels', false); // tie → registered (hotels)
  for (let j = 0; j < 12; j++) one('XB-TIE2', 3, j, j % 2 ? 'hotels' : 'event_tickets', false); // tie, registered neither → alphabetical (event_tickets)
  for (let j = 0; j < 5; j++) one('XB-FEW', 4, j, 'hotels', true);
  for (let j = 0; j < 12; j++) one('XB-G1', 1, j, 'gambling', false);
  for (let j = 0; j < 12; j++) one('XB-G2', 5, j, 'gambling', false);
  return out;
}

// ───────────────────────────── the suite ─────────────────────────────

let app: RunningApp;
let api: Client;
let asOf: string;
let runId: number;
let combos: Combo[] = [];

async function pg<T extends Row = Row>(q: RawBuilder<unknown>): Promise<T[]> {
  return (await q.execute(app.store.db)).rows as T[];
}

/** The API's answer (checked against its schema) and the expected rows, fetched side by side. */
async function both<S extends z.ZodType>(
  s: Scope,
  schema: S,
  path: string,
  expected: RawBuilder<unknown>,
): Promise<[z.output<S> | null, Row[]]> {
  const [a, rows] = await Promise.all([api.get(path), pg(expected)]);
  return [s.parse(schema, a.status, a.body), rows];
}

async function etl(): Promise<z.output<typeof etlRun>> {
  const a = await api.postJson('/api/v1/etl/runs?wait=true', {});
  expect(a.status, a.text).toBe(200);
  const run = etlRun.parse(a.body);
  expect(run.status, a.text).toBe('succeeded');
  return run;
}

async function caseId(ref: string): Promise<string> {
  const r = await app.store.db
    .selectFrom('complaints')
    .select('id')
    .where('source', '=', SOURCE)
    .where('external_ref', '=', `XC-${ref}`)
    .executeTakeFirstOrThrow();
  return String(r.id);
}

/** The id of the latest non-voided event of `type` on a case. */
async function eventId(complaint: string, type: string): Promise<string> {
  const a = await api.complaint(complaint);
  expect(a.status, a.text).toBe(200);
  const events = (a.body as { events: Array<{ id: string; type: string; voided: unknown }> }).events.filter(
    (e) => e.type === type && e.voided === null,
  );
  expect(events.length, `${type} on ${complaint}`).toBeGreaterThan(0);
  return events.at(-1)!.id;
}

async function voidLast(ref: string, type: string): Promise<void> {
  const id = await caseId(ref);
  const a = await api.void(id, await eventId(id, type), 'recorded on the wrong case');
  expect(a.status, a.text).toBe(200);
}

async function append(ref: string, e: TestEvent): Promise<void> {
  const a = await api.event(await caseId(ref), e);
  expect(a.status, a.text).toBe(201);
}

/** The most frequent values of a facts column (ties by value). */
async function top(column: string, n: number, where: RawBuilder<unknown> = sql`true`): Promise<string[]> {
  const rows = await pg<{ v: string }>(
    sql`SELECT ${sql.ref(column)} AS v FROM ${sql.table(FACTS)} WHERE ${sql.ref(column)} IS NOT NULL AND ${where} GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT ${n}`,
  );
  return rows.map((r) => r.v);
}

interface Combo {
  name: string;
  filter: Filter;
  /** Also checked on countries, flows, sectors, problems, trend and the trader table. */
  wide: boolean;
}

async function buildCombos(): Promise<Combo[]> {
  const list: Combo[] = [];
  const add = (wide: boolean, ...filters: Filter[]) => {
    for (const filter of filters) list.push({ name: decodeURIComponent(queryOf(filter)) || '(no filter)', filter, wide });
  };
  const [c1, c2] = await top('consumer_country', 2);
  const [tc1] = await top('trader_country', 1);
  const [s1, s2] = await top('sector', 2);
  const [p1, p2] = await top('problem', 2);
  const traders = await top('trader_id', 3);
  const [demoBody] = await top('adr_body_id', 1, sql`source = 'demo'`);
  const [single] = await pg<{ id: string }>(
    sql`SELECT trader_id AS id FROM ${sql.table(FACTS)} WHERE source = 'demo' GROUP BY 1 HAVING count(*) = 1 ORDER BY 1 LIMIT 1`,
  );
  if (!c1 || !c2 || !tc1 || !s1 || !s2 || !p1 || !p2 || traders.length < 3 || !demoBody || !single)
    throw new Error('the demo data lacks variety');
  // every filter alone, then lists, pairs, triples, empty and single-case sets; `wide` ones go to
  // every endpoint, the others to summary, outcomes and overdue
  add(true, {});
  add(false, { status: ['open'] }, { status: ['closed'] });
  add(true, { status: ['open', 'closed'] });
  add(false, ...STAGES.map((v) => ({ stage: [v] })));
  add(true, { stage: ['with_trader', 'trader_replied'] });
  add(false, ...CLOSING.map((v) => ({ closure: [v] })));
  add(true, { closure: ['settled_directly', 'adr_outcome'] });
  add(true, { overdue: true });
  add(false, { overdue: false });
  add(false, { consumerCountry: [c1] });
  add(true, { consumerCountry: [c1, c2] }, { consumerCountry: ['EL'] });
  add(false, { traderCountry: [tc1] });
  add(true, { traderCountry: ['UK'] });
  add(false, { sector: [s1] });
  add(true, { sector: [s1, s2] }, { problem: [p1] });
  add(false, { problem: [p1, p2] }, { traderId: [traders[0]!] });
  add(true, { traderId: traders });
  add(false, { adrBodyId: [demoBody] });
  add(true, { adrBodyId: [ADR1, ADR2] }, { crossBorder: true });
  add(false, { crossBorder: false }, { source: ['demo'] });
  add(true, { source: [SOURCE] });
  add(false, { source: ['demo', SOURCE] }, { from: '2024-01-01' }, { to: '2024-01-01' });
  add(true, { from: '2024-01-01', to: '2025-01-01' }, { from: '2024-03-01T00:00:00+02:00' });
  add(false, { from: '2024-02-01', to: '2024-03-01T00:00:00+02:00' });
  add(
    true,
    { from: '2024-02-29T21:59:59.999Z', to: '2024-02-29T22:00:00.001Z' },
    { from: '2024-03-31T22:00:00-02:00', to: '2024-05-01T00:00:00Z' },
  );
  add(true, { from: '2024-02-29T21:59:59.9991Z', to: '2024-03-01T00:00:00.000001+02:00' }, { from: '2024-07-01', to: '2024-07-02' });
  // pairs and triples
  add(true, { status: ['open'], overdue: true });
  add(false, { status: ['open'], overdue: false }, { stage: ['at_adr_body', 'adr_in_progress'], overdue: true });
  add(true, { sector: [s1], crossBorder: true }, { consumerCountry: [c1], traderCountry: [tc1] });
  add(false, { closure: ['adr_outcome'], adrBodyId: [demoBody] });
  add(true, { source: [SOURCE], status: ['closed'] }, { problem: [p1], from: '2023-01-01', to: '2024-01-01' });
  add(false, { consumerCountry: [c1], sector: [s1], from: '2022-01-01' });
  add(true, { crossBorder: false, status: ['closed'], to: '2024-06-01' });
  add(false, { traderId: [traders[0]!], problem: [p1], closure: ['closed_no_agreement', 'withdrawn'] });
  add(true, { adrBodyId: [ADR1], from: '2024-01-01', to: '2025-01-01', crossBorder: true });
  // empty sets
  add(true, { from: '2024-05-01', to: '2024-05-01' }, { traderId: ['XB-NONE'] });
  add(false, { traderId: ['NO-SUCH-TRADER'] }, { status: ['closed'], overdue: true });
  // single-case sets
  add(true, { consumerCountry: ['LI'], traderCountry: ['IS'], sector: ['gambling'] }, { traderId: [single.id] });
  add(false, { traderId: ['XC-SINGLE'], status: ['closed'] });
  return list;
}

/** Cases already in the first snapshot that change before the second (incremental) run. */
function changingCases(dueAt: number): TestComplaint[] {
  const f = '2024-01-15T09:00:00Z';
  return [
    // open and overdue at the first run, closed at the second
    hand('CLOSE-LATER', { filedAt: f, events: [ev.sent(plus(f, 0.1))] }),
    // closed at the first run, reopened by voiding its closing event before the second
    hand('REOPEN-LATER', { filedAt: f, events: [ev.sent(plus(f, 0.1)), ev.noAgreement(plus(f, 30))] }),
    // unchanged, but its deadline passes between the runs
    hand('DUE-BETWEEN-RUNS', { filedAt: new Date(dueAt - 30 * DAY_MS).toISOString(), trader: 'XC-DUE' }),
  ];
}

/** The first run's answer for the case whose deadline passes between the runs. */
let dueBetweenRuns: { asOf: string; overdue: number };

beforeAll(async () => {
  app = await startApp({ env: { TRADER_REPLY_DAYS: String(REPLY_DAYS) } });
  api = client(app.baseUrl);
  await seedDemo(app.store, { traderReplyDays: REPLY_DAYS }, { complaints: 3000, seed: 20240301 });
  await putAdrBody(api, ADR1, 'IT');
  await putAdrBody(api, ADR2, 'FR');
  const dueAt = Date.now() + 5_000;
  const first = await api.ndjson(ndjson(changingCases(dueAt)));
  expect(first.status, first.text).toBe(200);
  const run1 = await etl();
  expect(run1.kind).toBe('full');
  const before = await api.get('/api/v1/stats/summary?traderId=XC-DUE');
  const beforeBody = summaryBody.parse(before.body);
  dueBetweenRuns = { asOf: beforeBody.asOf.finishedAt, overdue: beforeBody.overdue };

  for (const t of BENCH_TRADERS) {
    const a = await api.putJson(`/api/v1/traders/${t.id}`, { name: `Benchmark ${t.id}`, country: 'AT', sector: t.sector });
    expect([200, 201], a.text).toContain(a.status);
  }
  const loaded = await api.ndjson(ndjson([...edgeCases(), ...benchmarkCases()]));
  expect(loaded.status, loaded.text).toBe(200);

  await append('CLOSE-LATER', ev.noAgreement('2024-02-14T09:00:00Z'));
  await voidLast('REOPEN-LATER', 'closed_no_agreement');
  await voidLast('VOID-CLOSE', 'withdrawn');
  await voidLast('VOID-REOPEN', 'withdrawn');
  await append('VOID-REOPEN', ev.noAgreement('2024-02-06T07:00:00Z'));
  await voidLast('VOID-REPLY', 'trader_replied');
  await voidLast('VOID-AGREED', 'adr_body_agreed');
  await voidLast('OUT-TRADER-VOIDCOMPLY', 'compliance_reported');
  await voidLast('VOID-OUTCOME', 'adr_outcome');
  await append('VOID-OUTCOME', ev.discontinued(plus(VOID_OUTCOME_FILED, 3 + 40), 'consumer_unresponsive'));
  await append('APPEND', ev.replied('2024-01-10T07:00:00Z', 'direct_talks'));
  await append('APPEND', ev.settled('2024-01-30T07:00:00Z'));

  const wait = dueAt + 100 - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const run = await etl();
  expect(run.kind).toBe('incremental');
  runId = run.id;
  const s = await api.get('/api/v1/stats/summary');
  expect(s.status, s.text).toBe(200);
  asOf = summaryBody.parse(s.body).asOf.finishedAt;
  expect(asOf).toBe(run.finishedAt);

  await sql.raw(buildFacts(FACTS)).execute(app.store.db);
  combos = await buildCombos();
}, 180_000);

afterAll(async () => {
  if (totalComparisons > 0)
    console.info(
      `analytics correctness: ${combos.length} filter combinations, ${totalComparisons} comparisons, ${totalMismatches} mismatches`,
    );
  await app?.close();
});

describe('analytics agree with independent SQL on PostgreSQL (domain.md §4)', () => {
  it('the milestones kept on write agree with the event log', async () => {
    const cmp = new Comparer();
    const pairs = [
      ['stage', 'stage'],
      ['status', 'status'],
      ['closure', 'closure'],
      ['sent_at', 'sent_at'],
      ['replied_at', 'replied_at'],
      ['trader_decision', 'decision'],
      ['adr_body_id', 'adr_body_id'],
      ['agreed_at', 'agreed_at'],
      ['accepted_at', 'accepted_at'],
      ['refused_at', 'refused_at'],
      ['refusal_ground', 'ground'],
      ['closed_at', 'closed_at'],
      ['adr_result', 'adr_result'],
      ['discontinued_reason', 'discontinued_reason'],
      ['complied', 'complied'],
      ['due_at', 'due_at'],
    ] as const;
    const rows = await pg(sql`
      SELECT c.external_ref AS ref, ${sql.join(pairs.map(([c, f]) => sql`c.${sql.ref(c)} IS NOT DISTINCT FROM f.${sql.ref(f)} AS ${sql.ref(`${c}_ok`)}`))}
      FROM complaints c JOIN ${sql.table(FACTS)} f ON f.id = c.id`);
    for (const r of rows) {
      const s = cmp.at('complaints (milestone columns)', String(r.ref));
      for (const [c] of pairs) s.same(c, true, r[`${c}_ok`]);
    }
    cmp.assertNone();
  });

  it('the data holds the edge cases, and the filters include empty and single-case sets', async () => {
    const [c] = await pg(sql`
      SELECT
        (SELECT count(*)::int FROM complaint_events WHERE voided_at IS NOT NULL) AS voided,
        (SELECT count(*)::int FROM (SELECT complaint_id FROM complaint_events WHERE type = 'compliance_reported' AND voided_at IS NULL
                                    GROUP BY 1 HAVING count(DISTINCT data->>'complied') > 1) x) AS compliance_changed,
        (count(*) FILTER (WHERE timely AND extract(epoch FROM replied_at) - extract(epoch FROM sent_at) = ${REPLY_DAYS * 86_400}))::int AS reply_at_limit,
        (count(*) FILTER (WHERE replied_at IS NOT NULL AND NOT timely AND extract(epoch FROM replied_at) - extract(epoch FROM sent_at) < ${REPLY_DAYS * 86_400 + 1}))::int AS reply_just_late,
        (count(*) FILTER (WHERE ground IS NOT NULL))::int AS refusals,
        (count(DISTINCT ground))::int AS grounds,
        (count(*) FILTER (WHERE closure = 'adr_discontinued'))::int AS discontinued,
        (count(*) FILTER (WHERE adr_days = 90))::int AS concluded_on_day_90,
        (count(*) FILTER (WHERE date_trunc('month', filed_at AT TIME ZONE 'UTC') = date_trunc('month', ${asOf}::timestamptz AT TIME ZONE 'UTC')))::int AS in_current_month
      FROM ${sql.table(FACTS)}`);
    for (const [k, v] of Object.entries(c!)) expect(v, k).toBeGreaterThan(0);
    expect(c!.grounds).toBeGreaterThan(2);
    const stages = await pg(sql`
      SELECT stage, (count(*) FILTER (WHERE due_at < ${asOf}::timestamptz))::int AS overdue, (count(*) FILTER (WHERE due_at >= ${asOf}::timestamptz))::int AS not_yet
      FROM ${sql.table(FACTS)} WHERE closure IS NULL GROUP BY 1`);
    for (const stage of OPEN_STAGES) {
      const r = stages.find((x) => x.stage === stage);
      expect(r?.overdue, `${stage} overdue`).toBeGreaterThan(0);
      expect(r?.not_yet, `${stage} not yet overdue`).toBeGreaterThan(0);
    }
    expect(combos.length).toBeGreaterThanOrEqual(40);
    const sizes = await Promise.all(
      combos.map(
        async (x) =>
          (await pg<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${sql.table(FACTS)} WHERE ${whereOf(x.filter, asOf)}`))[0]!.n,
      ),
    );
    expect(sizes.filter((n) => n === 0).length, 'empty sets').toBeGreaterThanOrEqual(3);
    expect(sizes.filter((n) => n === 1).length, 'single-case sets').toBeGreaterThanOrEqual(2);
  });

  it('overdue is judged anew at each run: a deadline that passes between runs counts at the second', async () => {
    const [e] = await pg(sql`
      SELECT (count(*) FILTER (WHERE closure IS NULL AND due_at < ${dueBetweenRuns.asOf}::timestamptz))::int AS first,
             (count(*) FILTER (WHERE closure IS NULL AND due_at < ${asOf}::timestamptz))::int AS second
      FROM ${sql.table(FACTS)} WHERE trader_id = 'XC-DUE'`);
    expect(e).toEqual({ first: 0, second: 1 });
    expect(dueBetweenRuns.overdue, 'overdue at the first run').toBe(0);
    const a = await api.get('/api/v1/stats/summary?traderId=XC-DUE');
    expect(summaryBody.parse(a.body).overdue, 'overdue at the second run').toBe(1);
  });

  it('every answer carries the last run as asOf', async () => {
    const [{ n }] = (await pg<{ n: number }>(sql`SELECT count(*)::int AS n FROM complaints`)) as [{ n: number }];
    for (const path of [
      'summary',
      'countries',
      'flows',
      'trend',
      'sectors',
      'problems',
      'outcomes',
      'overdue',
      'traders',
      'traders/XB-H1/benchmark?year=2023',
      `adr-bodies/${ADR1}/report?year=2024`,
    ]) {
      const a = await api.get(`/api/v1/stats/${path}`);
      expect(a.status, a.text).toBe(200);
      expect(field(a.body, 'asOf'), path).toEqual({ etlRunId: runId, finishedAt: asOf, complaints: n });
    }
  });

  it('summary: every measure, for every filter combination', async () => {
    const cmp = new Comparer();
    for (const { name, filter } of combos) {
      const s = cmp.at('summary', name);
      const [body, [e]] = await both(
        s,
        summaryBody,
        `/api/v1/stats/summary${queryOf(filter)}`,
        sql`SELECT ${measuresSql(asOf)}, ${adrMeasuresSql} FROM ${sql.table(FACTS)} WHERE ${whereOf(filter, asOf)}`,
      );
      if (body) compareMeasures(s, e!, body, { adr: true });
    }
    cmp.assertNone();
  });

  it('summary with compare: the like-for-like window and its measures at the same age, for every filter combination with `from`', async () => {
    const cmp = new Comparer();
    let agedApart = 0;
    // The case store as it stood at an instant, one table per instant.
    const tables = new Map<string, string>();
    const agedFacts = async (at: string): Promise<string> => {
      let table = tables.get(at);
      if (table === undefined) {
        table = `xc_aged_facts_${tables.size}`;
        await sql.raw(buildFacts(table, at)).execute(app.store.db);
        tables.set(at, table);
      }
      return table;
    };
    // Windows computed in SQL with PostgreSQL's calendar arithmetic (a month back clamps the day, a year
    // back takes 29 February to the 28th); boundaries finer than a millisecond are left out (the API's
    // instants are JavaScript dates).
    const ms = (v: string | undefined) => v === undefined || !/\.\d{4,}/.test(v);
    const cases = combos.filter((c) => c.filter.from !== undefined && ms(c.filter.from) && ms(c.filter.to));
    expect(cases.length).toBeGreaterThan(3);
    for (const { name, filter } of cases) {
      for (const kind of ['previous_period', 'previous_year'] as const) {
        const s = cmp.at(`summary?compare=${kind}`, name);
        const utc = (v: string | undefined) =>
          v === undefined ? sql`NULL::timestamp` : sql`(${instant(v)}::timestamptz AT TIME ZONE 'UTC')`;
        const iso = (col: string) => sql`to_char(${sql.ref(col)}, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
        const [w] = await pg(sql`
          WITH b AS (SELECT ${utc(filter.from)} AS f, ${utc(filter.to)} AS t, (${asOf}::timestamptz AT TIME ZONE 'UTC') AS a),
          w AS (
            SELECT f, t, a, t IS NOT NULL AND t <= a AS complete,
              CASE WHEN ${kind} = 'previous_year' THEN f - interval '1 year'
                   WHEN t IS NOT NULL AND f = date_trunc('month', f) AND t = date_trunc('month', t)
                     THEN f - make_interval(months => ((extract(year FROM t) - extract(year FROM f)) * 12
                                                       + extract(month FROM t) - extract(month FROM f))::int)
                   ELSE f - (coalesce(t, a) - f) END AS cf,
              CASE WHEN ${kind} = 'previous_year' THEN coalesce(t, a) - interval '1 year' ELSE f END AS ct
            FROM b),
          c AS (SELECT cf, CASE WHEN complete THEN ct ELSE least(ct, cf + greatest(a - f, interval '0')) END AS ct, complete,
                       (SELECT snapshot_at FROM etl_runs WHERE id = ${runId}) - (f - cf) AS cut FROM w)
          SELECT ${iso('cf')} AS "from", ${iso('ct')} AS "to", complete, ${sql.raw(`to_char(cut AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`)} AS cut FROM c`);
        const window = { from: String(w!.from), to: String(w!.to) };
        // Same age: the comparison's cases (chosen by the filter as they are now) as they stood
        // at the snapshot's instant less the shift between the windows' starts.
        const aged = await agedFacts(String(w!.cut));
        const [body, [e]] = await both(
          s,
          summaryBody,
          `/api/v1/stats/summary${queryOf(filter, { compare: kind })}`,
          sql`SELECT ${measuresSql(String(w!.cut))}, ${adrMeasuresSql} FROM ${sql.table(aged)}
              WHERE id IN (SELECT id FROM ${sql.table(FACTS)} WHERE ${whereOf({ ...filter, ...window }, asOf)})`,
        );
        if (!body) continue;
        const c = body.comparison;
        if (!c) {
          s.miss('comparison', 'an object', c);
          continue;
        }
        s.same('from', Date.parse(window.from), Date.parse(c.from));
        s.same('to', Date.parse(window.to), Date.parse(c.to));
        s.same('complete', w!.complete, c.complete);
        s.same('sameAge', true, c.sameAge);
        const [now] = await pg(sql`SELECT ${measuresSql(asOf)} FROM ${sql.table(FACTS)} WHERE ${whereOf({ ...filter, ...window }, asOf)}`);
        if (now!.closed !== e!.closed || now!.overdue !== e!.overdue) agedApart++;
        compareMeasures(s.sub('comparison.'), e!, c, { adr: true });
      }
    }
    cmp.assertNone();
    // The data make the ageing matter: cases closed or overdue now that were not at the same age.
    expect(agedApart).toBeGreaterThan(3);
    // Without `from` there is nothing to compare with.
    const none = await api.get('/api/v1/stats/summary?compare=previous_year');
    expect(none.body.comparison).toBeNull();
    expect((await api.get('/api/v1/stats/summary?from=2024-01-01&compare=last_week')).status).toBe(400);
  });

  it('countries (both sides), flows, sectors and problems', async () => {
    const cmp = new Comparer();
    for (const { name, filter } of combos.filter((c) => c.wide)) {
      const where = whereOf(filter, asOf);
      for (const side of ['consumer', 'trader'] as const) {
        const s = cmp.at(`countries?side=${side}`, name);
        const col = side === 'consumer' ? 'consumer_country' : 'trader_country';
        const [body, rows] = await both(
          s,
          countriesBody,
          `/api/v1/stats/countries${queryOf(filter, { side })}`,
          sql`SELECT ${sql.ref(col)} AS key, ${measuresSql(asOf)} FROM ${sql.table(FACTS)} WHERE ${where} GROUP BY 1`,
        );
        if (!body) continue;
        s.same('side', side, body.side);
        s.count('minCount', SMALL_BELOW, body.minCount);
        compareKeyed(
          s,
          rows,
          (r) => String(r.key),
          body.items,
          (i) => i.country,
          (s, e, i) => {
            const population = POPULATION[String(e.key)] ?? null;
            const perMillion = population === null ? null : Number(e.complaints) / population;
            s.num('population', population, i.population);
            s.num('complaintsPerMillion', perMillion, i.complaintsPerMillion);
            compareMeasures(s, e, i);
            compareLowCount(s, { ...e, complaintsPerMillion: perMillion }, i);
          },
          'complaints',
        );
      }
      {
        const s = cmp.at('flows', name);
        const [body, rows] = await both(
          s,
          flowsBody,
          `/api/v1/stats/flows${queryOf(filter)}`,
          sql`SELECT consumer_country AS c, trader_country AS t, count(*)::int AS n FROM ${sql.table(FACTS)} WHERE ${where} GROUP BY 1, 2`,
        );
        if (body) {
          compareKeyed(
            s,
            rows,
            (r) => `${r.c}→${r.t}`,
            body.items,
            (i) => `${i.consumerCountry}→${i.traderCountry}`,
            (s, e, i) => {
              s.count('complaints', e.n, i.complaints);
              s.same('crossBorder', e.c !== e.t, i.crossBorder);
            },
            'complaints',
          );
        }
      }
      for (const [path, dim, labels] of [
        ['sectors', 'sector', SECTORS],
        ['problems', 'problem', PROBLEMS],
      ] as const) {
        const s = cmp.at(path, name);
        const [body, rows] = await both(
          s,
          codeRowsBody,
          `/api/v1/stats/${path}${queryOf(filter)}`,
          sql`SELECT ${sql.ref(dim)} AS key, ${measuresSql(asOf)}, count(*)::float8 / sum(count(*)) OVER () AS share FROM ${sql.table(FACTS)} WHERE ${where} GROUP BY 1`,
        );
        const label: Readonly<Record<string, { en: string }>> = labels;
        if (body) {
          s.count('minCount', SMALL_BELOW, body.minCount);
          compareKeyed(
            s,
            rows,
            (r) => String(r.key),
            body.items,
            (i) => i.code,
            (s, e, i) => {
              s.same('label', label[String(e.key)]?.en, i.label);
              s.num('share', e.share, i.share);
              compareMeasures(s, e, i);
              compareLowCount(s, e, i);
            },
            'complaints',
          );
        }
      }
    }
    cmp.assertNone();
  });

  it('trend by month, quarter and year, every period from `from` (or the first complaint) to `to` (or asOf); only the period holding asOf is incomplete', async () => {
    const cmp = new Comparer();
    const formats = { month: 'YYYY-MM', quarter: 'YYYY-"Q"Q', year: 'YYYY' } as const;
    const steps = { month: '1 month', quarter: '3 months', year: '1 year' } as const;
    // A period without complaints: counts 0, rates and durations null.
    const counted = sql.join(MEASURE_COUNTS.map((m) => sql`coalesce(${sql.ref(m)}, 0) AS ${sql.ref(m)}`));
    const rated = sql.join(MEASURE_NUMBERS.map((m) => sql.ref(m)));
    let gaps = 0;
    for (const { name, filter } of combos.filter((c) => c.wide)) {
      for (const interval of ['month', 'quarter', 'year'] as const) {
        const s = cmp.at(`trend?interval=${interval}`, name);
        const trunc = (t: RawBuilder<unknown>) => sql`date_trunc(${sql.lit(interval)}, ${t} AT TIME ZONE 'UTC')`;
        const first = filter.from !== undefined ? trunc(sql`${instant(filter.from)}::timestamptz`) : sql`(SELECT min(b) FROM filed)`;
        const end =
          filter.to !== undefined
            ? sql`least(${instant(filter.to)}::timestamptz - interval '1 microsecond', ${asOf}::timestamptz)`
            : sql`${asOf}::timestamptz`;
        const [body, rows] = await both(
          s,
          trendBody,
          `/api/v1/stats/trend${queryOf(filter, { interval })}`,
          sql`
          WITH filed AS (
            SELECT ${trunc(sql`filed_at`)} AS b, ${measuresSql(asOf)}
            FROM ${sql.table(FACTS)} WHERE ${whereOf(filter, asOf)} GROUP BY 1),
          span AS (SELECT generate_series(${first}, ${trunc(end)}, ${sql.lit(steps[interval])}::interval) AS b
                   UNION SELECT b FROM filed)
          SELECT to_char(b, 'YYYY-MM-DD') AS start, to_char(b, ${sql.lit(formats[interval])}) AS period,
                 b = ${trunc(sql`${asOf}::timestamptz`)} AS incomplete, ${counted}, ${rated}
          FROM span LEFT JOIN filed USING (b)`,
        );
        if (!body) continue;
        s.same('interval', interval, body.interval);
        const starts = body.items.map((i) => i.start);
        s.same('order (by period)', JSON.stringify([...starts].sort()), JSON.stringify(starts));
        compareKeyed(
          s,
          rows,
          (r) => String(r.start),
          body.items,
          (i) => i.start,
          (s, e, i) => {
            s.same('period', e.period, i.period);
            s.same('incomplete', e.incomplete, i.incomplete);
            compareMeasures(s, e, i);
          },
        );
        gaps += body.items.filter((i) => i.complaints === 0).length;
      }
    }
    cmp.assertNone();
    // The combinations include sparse filters: some periods must be empty, or zero-filling went untested.
    expect(gaps).toBeGreaterThan(0);
  });

  it('outcomes (shares of closures, decisions, results, grounds, reasons) and overdue by stage', async () => {
    const cmp = new Comparer();
    // each list: the facts column, the key's name in the answer, and the count the shares are of
    const lists = {
      closures: { column: 'closure', key: 'closure', of: 'closed' },
      traderDecisions: { column: 'decision', key: 'decision', of: 'traderReplied' },
      adrResults: { column: 'adr_result', key: 'result', of: 'adrOutcomes' },
      refusalGrounds: { column: 'ground', key: 'ground', of: 'adrRefused' },
      discontinuedReasons: { column: 'discontinued_reason', key: 'reason', of: 'adrDiscontinued' },
    } as const;
    const names = Object.keys(lists) as Array<keyof typeof lists>;
    for (const { name, filter } of combos) {
      const where = whereOf(filter, asOf);
      {
        const s = cmp.at('outcomes', name);
        const breakdowns = sql.join(
          names.map(
            (list) =>
              sql`SELECT ${list} AS list, ${sql.ref(lists[list].column)} AS key, count(*)::int AS n FROM ${sql.table(FACTS)} WHERE ${where} AND ${sql.ref(lists[list].column)} IS NOT NULL GROUP BY 2`,
          ),
          sql` UNION ALL `,
        );
        const [[body, [e]], rows] = await Promise.all([
          both(
            s,
            outcomesBody,
            `/api/v1/stats/outcomes${queryOf(filter)}`,
            sql`
            SELECT (count(*) FILTER (WHERE closure IS NOT NULL))::int AS closed, (count(*) FILTER (WHERE replied_at IS NOT NULL))::int AS "traderReplied", ${adrMeasuresSql}
            FROM ${sql.table(FACTS)} WHERE ${where}`,
          ),
          pg(breakdowns),
        ]);
        if (body) {
          s.count('closed', e!.closed, body.closed);
          for (const k of ADR_COUNTS) s.count(k, e![k], body[k]);
          for (const k of ADR_NUMBERS) s.num(k, e![k], body[k]);
          for (const list of names) {
            const { key, of } = lists[list];
            const items = body[list] as ReadonlyArray<Record<string, unknown>>;
            const denominator = Number(e![of]);
            compareKeyed(
              s.sub(list),
              rows.filter((r) => r.list === list),
              (r) => String(r.key),
              items,
              (i) => String(i[key]),
              (s, r, i) => {
                s.count('count', r.n, i.count);
                s.num('share', denominator === 0 ? null : Number(r.n) / denominator, i.share);
              },
              'count',
            );
          }
        }
      }
      {
        const s = cmp.at('overdue', name);
        const [body, rows] = await both(
          s,
          overdueBody,
          `/api/v1/stats/overdue${queryOf(filter)}`,
          sql`
          SELECT stage, count(*)::int AS open, (count(*) FILTER (WHERE due_at < ${asOf}::timestamptz))::int AS overdue
          FROM ${sql.table(FACTS)} WHERE ${where} AND closure IS NULL GROUP BY 1`,
        );
        if (!body) continue;
        const byStage = new Map(rows.map((r) => [String(r.stage), r]));
        s.count(
          'open',
          rows.reduce((t, r) => t + Number(r.open), 0),
          body.open,
        );
        s.count(
          'overdue',
          rows.reduce((t, r) => t + Number(r.overdue), 0),
          body.overdue,
        );
        const expected = OPEN_STAGES.map((stage) => ({
          stage,
          open: Number(byStage.get(stage)?.open ?? 0),
          overdue: Number(byStage.get(stage)?.overdue ?? 0),
        }));
        compareKeyed(
          s,
          expected,
          (r) => String(r.stage),
          body.items,
          (i) => i.stage,
          (s, e, i) => {
            s.count('open', e.open, i.open);
            s.count('overdue', e.overdue, i.overdue);
            s.num('overdueShare', Number(e.open) === 0 ? null : Number(e.overdue) / Number(e.open), i.overdueShare);
          },
        );
      }
    }
    cmp.assertNone();
  });

  it("the regulators' trader table: ranked by complaints, rates only from 10 closed complaints", async () => {
    const cmp = new Comparer();
    for (const [index, { name, filter }] of combos.filter((c) => c.wide).entries()) {
      const limit = index % 3 === 0 ? 5 : 1000;
      const s = cmp.at(`traders?limit=${limit}`, name);
      const [body, rows] = await both(
        s,
        tradersBody,
        `/api/v1/stats/traders${queryOf(filter, { limit: String(limit) })}`,
        sql`
        SELECT m.*, t.name, t.country::text AS country
        FROM (SELECT trader_id AS key, ${measuresSql(asOf)} FROM ${sql.table(FACTS)} WHERE ${whereOf(filter, asOf)} GROUP BY 1) m
        JOIN traders t ON t.id = m.key`,
      );
      if (!body) continue;
      s.count('minClosedForRates', MIN_CLOSED, body.minClosedForRates);
      s.count('minCount', SMALL_BELOW, body.minCount);
      s.count('length', Math.min(limit, rows.length), body.items.length);
      const counts = body.items.map((i) => i.complaints);
      s.same(
        'ranked by complaints',
        true,
        counts.every((c, k) => k === 0 || c <= counts[k - 1]!),
      );
      const shown = new Set(body.items.map((i) => i.traderId));
      const last = counts.at(-1) ?? 0;
      const outranked = rows.filter((r) => !shown.has(String(r.key)) && Number(r.complaints) > last).map((r) => String(r.key));
      s.same('traders left out rank lower', '[]', JSON.stringify(outranked));
      const expected = rows.filter((r) => shown.has(String(r.key)));
      compareKeyed(
        s,
        expected,
        (r) => String(r.key),
        body.items,
        (i) => i.traderId,
        (s, e, i) => {
          const ratesShown = Number(e.closed) >= MIN_CLOSED;
          s.same('name', e.name, i.name);
          s.same('country', e.country, i.country);
          s.same('ratesShown', ratesShown, i.ratesShown);
          compareMeasures(s, e, i, { ratesShown });
          // A withheld rate has no value, so it is never marked.
          compareLowCount(s, ratesShown ? e : { ...e, ...Object.fromEntries(MEASURE_NUMBERS.map((k) => [k, null])) }, i);
        },
      );
    }
    cmp.assertNone();
  });

  it('trader benchmark: sector, peers, quartiles and percentile; withheld below 5 peers', async () => {
    const cmp = new Comparer();
    const quartile = (m: string, p: number) => sql`percentile_cont(${p}::float8) WITHIN GROUP (ORDER BY ${sql.ref(`p.${m}`)})`;
    // (peers lower + ½ peers equal) / peers × 100. A peer without a value for the measure (no
    // complaint ever sent to it: no response rate) is neither lower nor equal; domain.md does not
    // say, so it is left out of that measure's denominator as percentile_cont leaves it out of the
    // quartiles (XB-H8 is such a peer).
    const pct = (m: string) =>
      sql`((count(*) FILTER (WHERE ${sql.ref(`p.${m}`)} < ${sql.ref(`me.${m}`)}) + 0.5 * count(*) FILTER (WHERE ${sql.ref(`p.${m}`)} = ${sql.ref(`me.${m}`)}))::float8 / nullif(count(${sql.ref(`p.${m}`)}), 0) * 100
          + CASE WHEN ${sql.ref(`me.${m}`)} IS NULL THEN NULL ELSE 0 END)`;
    const benchmark = async (traderId: string, year: number) => {
      const start = `${year}-01-01T00:00:00Z`;
      const end = `${year + 1}-01-01T00:00:00Z`;
      const [row] = await pg(sql`
        WITH y AS (SELECT * FROM ${sql.table(FACTS)} WHERE filed_at >= ${start}::timestamptz AND filed_at < ${end}::timestamptz),
        sector_counts AS (
          SELECT y.trader_id, y.sector, count(*) AS n, bool_or(y.sector = t.sector) AS registered
          FROM y JOIN traders t ON t.id = y.trader_id GROUP BY y.trader_id, y.sector
        ),
        pick AS (
          SELECT DISTINCT ON (trader_id) trader_id, sector FROM sector_counts
          ORDER BY trader_id, n DESC, registered DESC, sector COLLATE "C"
        ),
        m AS (
          SELECT trader_id, count(*)::int AS complaints, (count(*) FILTER (WHERE closure IS NOT NULL))::int AS closed,
            (count(*) FILTER (WHERE closure IN ('settled_directly', 'adr_outcome')))::float8 / nullif(count(*) FILTER (WHERE closure IS NOT NULL), 0) AS rr,
            (count(*) FILTER (WHERE replied_at IS NOT NULL))::float8 / nullif(count(*) FILTER (WHERE sent_at IS NOT NULL), 0) AS tr,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_close) AS md
          FROM y GROUP BY trader_id
        ),
        all_traders AS (
          SELECT t.id, coalesce(pick.sector, t.sector) AS sector, coalesce(m.complaints, 0) AS complaints, coalesce(m.closed, 0) AS closed, m.rr, m.tr, m.md
          FROM traders t LEFT JOIN pick ON pick.trader_id = t.id LEFT JOIN m ON m.trader_id = t.id
        ),
        me AS (SELECT * FROM all_traders WHERE id = ${traderId})
        SELECT me.sector, me.complaints, me.closed, me.rr, me.tr, me.md,
          count(p.id)::int AS peers,
          ${quartile('rr', 0.25)} AS rr25, ${quartile('rr', 0.5)} AS rr50, ${quartile('rr', 0.75)} AS rr75,
          ${quartile('tr', 0.25)} AS tr25, ${quartile('tr', 0.5)} AS tr50, ${quartile('tr', 0.75)} AS tr75,
          ${quartile('md', 0.25)} AS md25, ${quartile('md', 0.5)} AS md50, ${quartile('md', 0.75)} AS md75,
          ${pct('rr')} AS rrp, ${pct('tr')} AS trp, ${pct('md')} AS mdp
        FROM me LEFT JOIN all_traders p ON p.id <> me.id AND p.sector = me.sector AND p.closed >= ${MIN_CLOSED}
        GROUP BY me.sector, me.complaints, me.closed, me.rr, me.tr, me.md`);
      return row!;
    };
    const cases: Array<[string, number]> = BENCH_TRADERS.map((t) => [t.id, BENCH_YEAR] as [string, number]);
    cases.push(['XB-H1', BENCH_YEAR - 1], ['XB-H2', BENCH_YEAR + 1]);
    // The demo's biggest traders in two years.
    for (const year of [2022, 2024]) {
      const biggest = await top(
        'trader_id',
        2,
        sql`filed_at >= ${`${year}-01-01T00:00:00Z`}::timestamptz AND filed_at < ${`${year + 1}-01-01T00:00:00Z`}::timestamptz AND source = 'demo'`,
      );
      for (const t of biggest) cases.push([t, year]);
    }
    let suppressed = 0;
    let shown = 0;
    for (const [traderId, year] of cases) {
      const s = cmp.at('benchmark', `${traderId} year=${year}`);
      const a = await api.get(`/api/v1/stats/traders/${encodeURIComponent(traderId)}/benchmark?year=${year}`);
      const body = s.parse(benchmarkBody, a.status, a.body);
      const e = await benchmark(traderId, year);
      const isSuppressed = Number(e.peers) < MIN_PEERS;
      if (isSuppressed) suppressed++;
      else shown++;
      if (!body) continue;
      s.count('year', year, body.year);
      s.same('traderId', traderId, body.traderId);
      s.same('sector', e.sector, body.sector);
      s.count('own.complaints', e.complaints, body.own.complaints);
      s.count('own.closed', e.closed, body.own.closed);
      s.num('own.resolutionRate', e.rr, body.own.resolutionRate);
      s.num('own.traderResponseRate', e.tr, body.own.traderResponseRate);
      s.num('own.medianDaysToClose', e.md, body.own.medianDaysToClose);
      s.same('peers.suppressed', isSuppressed, body.peers.suppressed);
      s.count('peers.minPeers', MIN_PEERS, body.peers.minPeers);
      s.count('peers.minClosed', MIN_CLOSED, body.peers.minClosed);
      if (isSuppressed) {
        s.same('peers.count', null, body.peers.count);
        s.same('peers.quartiles', null, body.peers.quartiles);
        s.same('peers.percentile', null, body.peers.percentile);
        continue;
      }
      s.count('peers.count', e.peers, body.peers.count);
      const q = body.peers.quartiles;
      const p = body.peers.percentile;
      const names = { rr: 'resolutionRate', tr: 'traderResponseRate', md: 'medianDaysToClose' } as const;
      for (const [short, long] of Object.entries(names) as Array<[keyof typeof names, (typeof names)[keyof typeof names]]>) {
        s.num(`peers.quartiles.${long}.p25`, e[`${short}25`], q?.[long].p25);
        s.num(`peers.quartiles.${long}.p50`, e[`${short}50`], q?.[long].p50);
        s.num(`peers.quartiles.${long}.p75`, e[`${short}75`], q?.[long].p75);
        s.num(`peers.percentile.${long}`, e[`${short}p`], p?.[long]);
      }
    }
    expect(suppressed, 'benchmarks withheld').toBeGreaterThan(0);
    expect(shown, 'benchmarks shown').toBeGreaterThan(0);
    cmp.assertNone();
  });

  it('ADR activity reports, one year and two years', async () => {
    const cmp = new Comparer();
    const [demoBody] = await top('adr_body_id', 1, sql`source = 'demo'`);
    const reports: Array<{ body: string; years: number[] }> = [
      { body: ADR1, years: [2024] },
      { body: ADR1, years: [2025] },
      { body: ADR1, years: [2024, 2025] },
      { body: ADR1, years: [2019] },
      { body: ADR2, years: [BENCH_YEAR] },
      { body: ADR2, years: [2025, 2026] },
      { body: demoBody!, years: [2023] },
      { body: demoBody!, years: [2022, 2023] },
    ];
    for (const r of reports) {
      const query = r.years.length === 1 ? `year=${r.years[0]}` : `fromYear=${r.years[0]}&toYear=${r.years[1]}`;
      const s = cmp.at('adr report', `${r.body} ${query}`);
      const a = await api.get(`/api/v1/stats/adr-bodies/${encodeURIComponent(r.body)}/report?${query}`);
      const body = s.parse(adrReportBody, a.status, a.body);
      const start = `${r.years[0]}-01-01T00:00:00Z`;
      const end = `${r.years.at(-1)! + 1}-01-01T00:00:00Z`;
      const where = sql`adr_body_id = ${r.body} AND agreed_at >= ${start}::timestamptz AND agreed_at < ${end}::timestamptz`;
      const [e] = await pg(sql`
        SELECT count(*)::int AS received, (count(*) FILTER (WHERE consumer_country = trader_country))::int AS domestic,
               (count(*) FILTER (WHERE consumer_country <> trader_country))::int AS cross_border, ${adrMeasuresSql}
        FROM ${sql.table(FACTS)} WHERE ${where}`);
      const [ref] = await pg(sql`SELECT name, country::text AS country FROM adr_bodies WHERE id = ${r.body}`);
      const breakdown = (column: string, of: RawBuilder<unknown>) =>
        pg(sql`
        SELECT ${sql.ref(column)} AS key, count(*)::int AS n, count(*)::float8 / (SELECT count(*) FROM ${sql.table(FACTS)} WHERE ${where} AND ${of}) AS share
        FROM ${sql.table(FACTS)} WHERE ${where} AND ${of} GROUP BY 1`);
      if (!body) continue;
      const m = e!;
      s.same('adrBody.id', r.body, body.adrBody.id);
      s.same('adrBody.name', ref?.name, body.adrBody.name);
      s.same('adrBody.country', ref?.country, body.adrBody.country);
      s.same('years', JSON.stringify(r.years), JSON.stringify(body.years));
      s.same('basis names the article', true, body.basis.includes(r.years.length === 1 ? 'Art. 7(2)' : 'Art. 19(3)'));
      s.count('received', m.received, body.received);
      s.count('domestic', m.domestic, body.domestic);
      s.count('crossBorder', m.cross_border, body.crossBorder);
      s.count('refused', m.adrRefused, body.refused);
      s.num('refusalRate', m.adrRefusalRate, body.refusalRate);
      s.count('outcomes', m.adrOutcomes, body.outcomes);
      s.count('discontinued', m.adrDiscontinued, body.discontinued);
      s.num('discontinuedShare', m.adrDiscontinuedShare, body.discontinuedShare);
      s.num('averageDays', m.adrAverageDays, body.averageDays);
      s.num('within90DaysShare', m.adrWithin90DaysShare, body.within90DaysShare);
      s.count('complianceReported', m.complianceReported, body.complianceReported);
      s.num('complianceRate', m.complianceRate, body.complianceRate);
      type Named = { code: string; label: string; count: number; share: number | null };
      const named = (list: string, rows: Row[], items: readonly Named[], labels?: Readonly<Record<string, { en: string }>>) =>
        compareKeyed(
          s.sub(list),
          rows,
          (x) => String(x.key),
          items,
          (i) => i.code,
          (s, x, i) => {
            s.count('count', x.n, i.count);
            s.num('share', x.share, i.share);
            if (labels) s.same('label', labels[String(x.key)]?.en, i.label);
          },
          'count',
        );
      const byProblem = await breakdown('problem', sql`true`);
      named('byProblem', byProblem, body.byProblem, PROBLEMS);
      named('bySector', await breakdown('sector', sql`true`), body.bySector, SECTORS);
      named('refusalGrounds', await breakdown('ground', sql`refused_at IS NOT NULL`), body.refusalGrounds, REFUSAL_GROUNDS);
      named('outcomeShares', await breakdown('adr_result', sql`closure = 'adr_outcome'`), body.outcomeShares);
      named('discontinuedReasons', await breakdown('discontinued_reason', sql`closure = 'adr_discontinued'`), body.discontinuedReasons);
      // The most frequent problems and traders: the counts of the top entries, in order, and
      // nothing left out that is more frequent than the last one shown.
      const topOf = (
        list: string,
        rows: Row[],
        items: ReadonlyArray<{ count: number; share: number | null }>,
        key: (i: unknown) => string,
      ) => {
        const t = s.sub(list);
        const byKey = new Map(rows.map((x) => [String(x.key), x]));
        t.same('empty exactly when nothing was received', rows.length === 0, items.length === 0);
        const counts = items.map((i) => i.count);
        t.same(
          'ranked',
          true,
          counts.every((c, k) => k === 0 || c <= counts[k - 1]!),
        );
        for (const i of items) {
          const x = byKey.get(key(i));
          if (!x) t.miss(`[${key(i)}]`, 'no row', i);
          else {
            t.count(`[${key(i)}].count`, x.n, i.count);
            t.num(`[${key(i)}].share`, x.share, i.share);
          }
        }
        const shownKeys = new Set(items.map(key));
        const last = counts.at(-1) ?? 0;
        t.same(
          'left out rank lower',
          '[]',
          JSON.stringify(rows.filter((x) => !shownKeys.has(String(x.key)) && Number(x.n) > last).map((x) => x.key)),
        );
      };
      topOf('topProblems', byProblem, body.topProblems, (i) => String(field(i, 'code')));
      const traderRows = await pg(sql`
        SELECT m.key, m.n, m.share, t.name
        FROM (SELECT trader_id AS key, count(*)::int AS n, count(*)::float8 / sum(count(*)) OVER () AS share FROM ${sql.table(FACTS)} WHERE ${where} GROUP BY 1) m
        JOIN traders t ON t.id = m.key`);
      topOf('topTraders', traderRows, body.topTraders, (i) => String(field(i, 'traderId')));
      for (const i of body.topTraders) s.same(`topTraders[${i.traderId}].name`, traderRows.find((x) => x.key === i.traderId)?.name, i.name);
    }
    cmp.assertNone();
  });
});
