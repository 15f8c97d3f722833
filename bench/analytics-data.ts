/**
 * The analytics bench's dataset, generated straight into PostgreSQL (loading 10 M complaints
 * through the HTTP ingest takes ~30 min here): `INSERT … SELECT` over generate_series, in chunks
 * on two sessions, into the app's own schema (`odr migrate` first). The complaint rows carry the
 * milestone columns as the app keeps them on write (stage, status, closure, sent_at … due_at),
 * consistent with the lifecycle of domain.md §1 and cut at DATASET_END (events later than that
 * have not happened yet, so recent cases are still open). complaint_events stays empty: neither
 * the ETL nor the analytics read it (they read the milestone columns).
 *
 * The database keeps a fixed name and is reused while its marker (COMMENT ON DATABASE) says it
 * was generated complete with the same count and generator version.
 *
 *   npm run bench -- analytics-data [--complaints 10000000] [--database NAME (default: datasetName)] [--regenerate]
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, createDatabase, databaseExists, dbUrl, fmt, num, parseArgs, withClient } from './lib.js';

export const GENERATOR = 'analytics-data-v1';
export const DATASET_END = '2026-11-24T00:00:00Z';
export const TRADERS = 50_000;
const YEARS = 7;
const CHUNK = 500_000;

// ───────────────────────────── weights ─────────────────────────────

/** Relative weights by code. */
type Weights = Record<string, number>;

/** Consumer countries: DE, FR, IT, ES, PL lead; the rest by population. */
const CONSUMER_W: Weights = {
  DE: 17,
  FR: 12,
  IT: 10,
  ES: 9,
  PL: 7,
  NL: 6,
  GB: 5,
  BE: 3.5,
  AT: 3.2,
  SE: 2.6,
  PT: 2.3,
  CZ: 2.2,
  RO: 2.2,
  IE: 2,
  DK: 1.6,
  FI: 1.4,
  GR: 1.6,
  HU: 1.4,
  SK: 0.9,
  BG: 0.9,
  HR: 0.7,
  SI: 0.5,
  LT: 0.6,
  LV: 0.4,
  EE: 0.4,
  LU: 0.4,
  NO: 1.2,
  CY: 0.3,
  MT: 0.25,
  IS: 0.15,
  LI: 0.03,
};
/** Trader countries: the same markets plus the hubs of airlines, platforms and gambling. */
const TRADER_W: Weights = { ...CONSUMER_W, DE: 16, IE: 6, LU: 3, NL: 7, MT: 1.5, CY: 0.8 };
/** Trader sectors (air transport leads, then clothing, ICT, electronics, travel …). */
const SECTOR_W: Weights = {
  airlines: 22,
  clothing_footwear: 9,
  ict_goods: 8,
  electronic_goods: 7,
  package_travel: 4.5,
  hotels: 4,
  holiday_rentals: 2.5,
  car_rental: 3,
  railways: 3,
  furnishings: 3,
  large_appliances: 2,
  small_appliances: 2,
  cosmetics: 2,
  leisure_goods: 2.5,
  books_media: 1.5,
  jewellery: 1,
  second_hand_cars: 1.2,
  new_cars: 0.5,
  event_tickets: 2,
  online_content: 2,
  food: 1.2,
  insurance: 0.8,
  ferries: 0.6,
  buses_coaches: 0.8,
  gambling: 0.6,
  mobile_telephone: 1.5,
  internet_services: 1.2,
  postal_services: 1.5,
  payment_services: 1,
  banking: 0.5,
  medicines: 0.5,
  sports_leisure_services: 0.6,
  vehicle_maintenance: 0.4,
  home_maintenance: 0.4,
  tv_subscriptions: 0.4,
  electricity: 0.4,
  education: 0.4,
  personal_care_services: 0.3,
  fixed_telephone: 0.3,
  health_services: 0.3,
  alcoholic_drinks: 0.3,
  loans_credit: 0.3,
  gas: 0.2,
  investments_pensions: 0.2,
  restaurants_bars: 0.2,
  urban_transport: 0.2,
  non_alcoholic_drinks: 0.1,
  vehicle_fuel: 0.1,
  real_estate: 0.1,
  legal_services: 0.1,
  water: 0.05,
  other: 0.3,
};
const PROBLEM_GOODS_W: Weights = {
  quality: 34,
  delivery: 27,
  guarantee: 8,
  redress: 9,
  contract: 7,
  unfair_practice: 5,
  price: 3,
  billing: 2,
  safety: 1.5,
  privacy: 1,
  switching: 0.5,
  other: 2,
};
const PROBLEM_TRAVEL_W: Weights = {
  delivery: 40,
  redress: 25,
  contract: 12,
  unfair_practice: 7,
  quality: 6,
  billing: 4,
  price: 3,
  privacy: 1,
  other: 2,
};
const REFUSAL_W: Weights = { a: 10, b: 12, c: 15, d: 25, e: 18, f: 20 };
const RESULT_W: Weights = { in_favour_of_consumer: 42, in_favour_of_trader: 28, amicable: 30 };
const DISCONTINUED = ['consumer_withdrew', 'trader_withdrew', 'settled_in_between', 'consumer_unresponsive', 'other']; // the codes of domain.md §1
/** An ADR body of the dataset: id, name, country, the sectors it is competent for (none: all). */
export type AdrBodyRow = readonly [id: string, name: string, country: string, sectors: readonly string[]];
export const ADR_BODIES: readonly AdrBodyRow[] = [
  ['ADR-DE-SOEP', 'söp Schlichtungsstelle für den öffentlichen Personenverkehr', 'DE', ['airlines', 'railways', 'buses_coaches']],
  ['ADR-DE-VSBS', 'Universalschlichtungsstelle des Bundes', 'DE', []],
  ['ADR-FR-MTV', 'Médiation Tourisme et Voyage', 'FR', ['airlines', 'package_travel', 'hotels']],
  ['ADR-FR-FEVAD', 'Médiateur du e-commerce de la FEVAD', 'FR', []],
  ['ADR-IT-CCIAA', 'Camera Arbitrale di Milano', 'IT', []],
  ['ADR-IT-ENAC', 'Conciliazione ENAC', 'IT', ['airlines']],
  ['ADR-ES-AESA', 'Agencia Estatal de Seguridad Aérea', 'ES', ['airlines']],
  ['ADR-ES-JAC', 'Junta Arbitral Nacional de Consumo', 'ES', []],
  ['ADR-PL-UKE', 'Prezes UKE', 'PL', ['mobile_telephone', 'internet_services']],
  ['ADR-PL-IH', 'Stały Polubowny Sąd Konsumencki', 'PL', []],
  ['ADR-NL-DGS', 'De Geschillencommissie', 'NL', []],
  ['ADR-BE-CSC', 'Consumer Mediation Service', 'BE', []],
  ['ADR-AT-SCH', 'Schlichtung für Verbrauchergeschäfte', 'AT', []],
  ['ADR-IE-CCPC', 'Dispute Resolution Ireland', 'IE', []],
  ['ADR-SE-ARN', 'Allmänna reklamationsnämnden', 'SE', []],
  ['ADR-PT-CNIACC', 'CNIACC', 'PT', []],
  ['ADR-LU-CLC', 'Service national du Médiateur de la consommation', 'LU', []],
  ['ADR-GB-RS', 'Retail ADR', 'GB', []],
];
const ADR_W: readonly number[] = [14, 10, 12, 8, 9, 5, 6, 5, 4, 3, 6, 3, 3, 5, 2, 2, 2, 1];

/** A SQL array literal of `n` codes, each repeated in proportion to its weight: O(1) picks. */
interface Buckets {
  sql: string;
  n: number;
}

function buckets(weights: Weights, n = 1000): Buckets {
  const entries = Object.entries(weights);
  const total = entries.reduce((s, [, w]) => s + w, 0);
  const out: string[] = [];
  let acc = 0;
  for (const [code, w] of entries) {
    acc += w;
    while (out.length < Math.round((acc / total) * n)) out.push(code);
  }
  while (out.length < n) out.push(entries[0]![0]);
  return { sql: `ARRAY[${out.map((c) => `'${c}'`).join(',')}]::text[]`, n };
}
const pick = (b: Buckets, r: string): string => `(${b.sql})[1 + floor(${r} * ${b.n})::int]`;

// ───────────────────────────── SQL ─────────────────────────────

const E = `'${DATASET_END}'::timestamptz`;
const D = `interval '1 day'`;

function tradersSql(): string {
  return `
INSERT INTO traders (id, name, name_norm, country, website, sector)
SELECT 'TR' || lpad(r::text, 6, '0'),
       'Trader ' || r || ' ' || c || ' ' || s,
       lower('trader ' || r || ' ' || c || ' ' || s),
       c, 'https://trader-' || r || '.example', s
FROM (SELECT r, ${pick(buckets(TRADER_W), 'random()')} AS c, ${pick(buckets(SECTOR_W), 'random()')} AS s
      FROM generate_series(1, ${TRADERS}) r) t`;
}

function adrBodiesSql(): string {
  const values = ADR_BODIES.map(
    ([id, name, country, sectors]) =>
      `('${id}', '${name.replaceAll("'", "''")}', '${country}', ARRAY[${sectors.map((s) => `'${s}'`).join(',')}]::text[])`,
  );
  return `INSERT INTO adr_bodies (id, name, country, sectors) VALUES ${values.join(', ')}`;
}

/**
 * Complaints `lo`..`hi` (1-based) of `total`. Filing times are stratified over the index (the
 * stream comes in filing order, as a feed delivers it) with growth over the seven years;
 * offsets below are in days from filing.
 */
export function complaintsSql(lo: number, hi: number, total: number): string {
  const adrBuckets = buckets(Object.fromEntries(ADR_BODIES.map(([id], i) => [id, ADR_W[i] ?? 0])));
  const travel = `('airlines','railways','package_travel','hotels','holiday_rentals','car_rental','ferries','buses_coaches','event_tickets')`;
  return `
INSERT INTO complaints (
  source, external_ref, filed_at, complainant, consumer_country, consumer_name, consumer_email, consumer_address, description,
  personal_data_erased_at, trader_id, trader_name, trader_country, trader_website, sector, problem, ordered_online,
  price_amount, price_currency, purchased_at, contacted_trader, stage, status, closure, sent_at, replied_at, trader_decision,
  adr_body_id, agreed_at, accepted_at, refused_at, refusal_ground, closed_at, adr_result, discontinued_reason, complied,
  compliance_at, event_count, last_event_at, due_at)
SELECT
  CASE WHEN filed_at < '2025-07-20'::timestamptz THEN 'odr-platform' ELSE 'adr-feed' END,
  'B' || lpad(i::text, 9, '0'), filed_at, CASE WHEN r_cpl < 0.005 THEN 'trader' ELSE 'consumer' END, consumer_country,
  CASE WHEN keep_pd THEN 'Consumer ' || i END,
  CASE WHEN keep_pd THEN 'consumer' || i || '@example.org' END,
  CASE WHEN keep_pd THEN i || ' Example Street, ' || consumer_country END,
  CASE WHEN keep_pd THEN 'Generated complaint ' || i || ' about ' || sector || ' (' || problem || ').' END,
  CASE WHEN NOT keep_pd THEN closed_at + interval '6 months' END,
  trader_id, trader_name, trader_country, trader_website, sector, problem, true,
  round((5 + exp(4.2 + 1.1 * nrm))::numeric, 2), 'EUR', (filed_at - (1 + 40 * r_pur) * ${D})::date, r_con < 0.75,
  stage, CASE WHEN closed_at IS NULL THEN 'open' ELSE 'closed' END, CASE WHEN closed_at IS NOT NULL THEN closure END,
  sent_at, replied_at, CASE WHEN replied_at IS NOT NULL THEN decision END,
  CASE WHEN agreed_at IS NOT NULL THEN adr_body END, agreed_at, accepted_at, refused_at,
  CASE WHEN refused_at IS NOT NULL THEN ground END, closed_at,
  CASE WHEN closed_at IS NOT NULL AND closure = 'adr_outcome' THEN result END,
  CASE WHEN closed_at IS NOT NULL AND closure = 'adr_discontinued' THEN reason END,
  CASE WHEN compliance_at IS NOT NULL THEN complied END, compliance_at,
  (sent_at IS NOT NULL)::int + (replied_at IS NOT NULL)::int + (agreed_at IS NOT NULL)::int + (accepted_at IS NOT NULL)::int
    + (closed_at IS NOT NULL AND refused_at IS NULL)::int + (refused_at IS NOT NULL)::int + (compliance_at IS NOT NULL)::int,
  greatest(sent_at, replied_at, agreed_at, accepted_at, refused_at, closed_at, compliance_at),
  CASE stage
    WHEN 'filed' THEN filed_at + 30 * ${D}
    WHEN 'trader_replied' THEN filed_at + 30 * ${D}
    WHEN 'with_trader' THEN least(sent_at + 10 * ${D}, filed_at + 30 * ${D})
    WHEN 'at_adr_body' THEN agreed_at + 21 * ${D}
    WHEN 'adr_in_progress' THEN agreed_at + 90 * ${D}
  END
FROM (
  SELECT m.*,
    CASE WHEN closed_at IS NOT NULL THEN 'closed' WHEN accepted_at IS NOT NULL THEN 'adr_in_progress'
         WHEN agreed_at IS NOT NULL THEN 'at_adr_body' WHEN replied_at IS NOT NULL THEN 'trader_replied'
         WHEN sent_at IS NOT NULL THEN 'with_trader' ELSE 'filed' END AS stage,
    (closed_at IS NULL OR closed_at > ${E} - interval '6 months') AS keep_pd
  FROM (
    -- what has happened by DATASET_END
    SELECT o.*,
      CASE WHEN filed_at + o_sent * ${D} <= ${E} THEN filed_at + o_sent * ${D} END AS sent_at,
      CASE WHEN filed_at + o_reply * ${D} <= ${E} THEN filed_at + o_reply * ${D} END AS replied_at,
      CASE WHEN filed_at + o_agreed * ${D} <= ${E} THEN filed_at + o_agreed * ${D} END AS agreed_at,
      CASE WHEN filed_at + o_accepted * ${D} <= ${E} THEN filed_at + o_accepted * ${D} END AS accepted_at,
      CASE WHEN filed_at + o_refused * ${D} <= ${E} THEN filed_at + o_refused * ${D} END AS refused_at,
      CASE WHEN filed_at + o_close * ${D} <= ${E} THEN filed_at + o_close * ${D} END AS closed_at,
      CASE WHEN filed_at + o_compl * ${D} <= ${E} THEN filed_at + o_compl * ${D} END AS compliance_at
    FROM (
      -- the ending and its offsets
      SELECT b.*,
        CASE WHEN path = 'adr' AND r_adr >= 0.26 THEN o_decide END AS o_accepted,
        CASE WHEN path = 'adr' AND r_adr < 0.2 THEN o_decide END AS o_refused,
        CASE
          WHEN path = 'early_withdrawn' THEN 0.01 + r_t1 * 0.1
          WHEN path = 'stale' THEN NULL
          WHEN path = 'withdrawn' THEN o_last + (29.95 - o_last) * r_t1
          WHEN path = 'settled' THEN o_last + 1 + (CASE WHEN decision = 'direct_talks' AND replied THEN CASE WHEN r_t2 < 0.8 THEN 28 ELSE 83 END ELSE 26 END) * r_t1
          WHEN path = 'cna' THEN 30
          WHEN r_adr < 0.2 THEN o_decide
          WHEN r_adr < 0.24 THEN o_agreed + 1 + greatest(0, o_decide - o_agreed - 1) * r_t1
          WHEN r_adr < 0.26 THEN o_decide
          WHEN r_disc < 0.12 THEN o_decide + 5 + 75 * r_t1
          ELSE o_agreed + least(300, greatest(o_decide - o_agreed + 1, 50 * exp(0.5 * nrm2)))
        END AS o_close,
        CASE
          WHEN path = 'early_withdrawn' THEN 'withdrawn' WHEN path = 'withdrawn' THEN 'withdrawn'
          WHEN path = 'settled' THEN 'settled_directly' WHEN path = 'cna' THEN 'closed_no_agreement'
          WHEN path = 'stale' THEN NULL
          WHEN r_adr < 0.2 THEN 'adr_refused' WHEN r_adr < 0.24 THEN 'settled_directly' WHEN r_adr < 0.26 THEN 'withdrawn'
          WHEN r_disc < 0.12 THEN 'adr_discontinued' ELSE 'adr_outcome'
        END AS closure,
        CASE WHEN path = 'adr' AND r_adr >= 0.26 AND r_disc >= 0.12 AND r_cmp < CASE WHEN result = 'in_favour_of_trader' THEN 0.1 ELSE 0.6 END
             THEN o_agreed + least(300, greatest(o_decide - o_agreed + 1, 50 * exp(0.5 * nrm2))) + 7 + 53 * r_t2 END AS o_compl,
        (result = 'in_favour_of_trader' OR r_cpd < 0.82) AS complied
      FROM (
        SELECT a.*,
          CASE WHEN path IN ('early_withdrawn') THEN NULL ELSE o_sent0 END AS o_sent,
          CASE WHEN replied THEN o_reply0 END AS o_reply,
          CASE WHEN path = 'adr' THEN o_agreed0 END AS o_agreed,
          o_agreed0 + CASE WHEN r_dd < 0.85 THEN 1 + 20 * r_t3 ELSE 21 + 19 * r_t3 END AS o_decide,
          o_agreed0 AS o_agreed_plan,
          CASE WHEN replied THEN o_reply0 ELSE o_sent0 + 0.5 END AS o_last
        FROM (
          SELECT z.*,
            CASE
              WHEN r_w < 0.003 THEN 'early_withdrawn'
              WHEN r_stale < 0.002 THEN 'stale'
              WHEN NOT replied THEN CASE WHEN r_end < 0.07 THEN 'withdrawn' WHEN r_end < 0.20 THEN 'settled' ELSE 'cna' END
              WHEN decision = 'declines' THEN CASE WHEN r_end < 0.06 THEN 'withdrawn' WHEN r_end < 0.12 THEN 'settled' ELSE 'cna' END
              WHEN decision = 'direct_talks' THEN CASE WHEN r_end < 0.5 THEN 'settled' WHEN r_end < 0.58 THEN 'withdrawn' ELSE 'cna' END
              ELSE CASE WHEN r_end < 0.15 THEN 'adr' WHEN r_end < 0.28 THEN 'settled' WHEN r_end < 0.35 THEN 'withdrawn' ELSE 'cna' END
            END AS path,
            least(o_reply0 + 0.5 + 7.5 * r_t4, 29.9) AS o_agreed0
          FROM (
            SELECT y.*,
              (r_rep < 0.48 AND r_w >= 0.003 AND r_stale >= 0.002) AS replied,
              o_sent0 + CASE WHEN r_rd < 0.75 THEN least(10, -3 * ln(1 - r_rd2)) ELSE 10 + 10 * r_rd2 END + r_rd3 / 24 AS o_reply0,
              CASE WHEN r_dec < 0.36 THEN 'proposes_adr' WHEN r_dec < 0.70 THEN 'declines' ELSE 'direct_talks' END AS decision,
              CASE WHEN sector IN ${travel} THEN ${pick(buckets(PROBLEM_TRAVEL_W), 'r_prob')} ELSE ${pick(buckets(PROBLEM_GOODS_W), 'r_prob')} END AS problem
            FROM (
              SELECT x.*, t.name AS trader_name, t.country AS trader_country, t.website AS trader_website,
                CASE WHEN r_dom < 0.5 THEN t.country ELSE ${pick(buckets(CONSUMER_W), 'r_cc')} END AS consumer_country,
                CASE WHEN r_sec < 0.85 THEN t.sector ELSE ${pick(buckets(SECTOR_W), 'r_sec2')} END AS sector,
                CASE WHEN r_s < 0.9 THEN (2 + 118 * r_s2) WHEN r_s < 0.99 THEN (120 + 1680 * r_s2) ELSE (3600 + 39600 * r_s2) END / 86400.0 AS o_sent0
              FROM (
                SELECT i,
                  ${E} - interval '${YEARS} years' + power((i - 1 + random()) / ${total}.0, 1 / 1.35) * (${E} - (${E} - interval '${YEARS} years')) AS filed_at,
                  'TR' || lpad(least(${TRADERS}, floor(exp(random() * ln(${TRADERS + 1})))::int)::text, 6, '0') AS trader_id,
                  random() AS r_dom, random() AS r_cc, random() AS r_sec, random() AS r_sec2, random() AS r_prob,
                  random() AS r_s, random() AS r_s2, random() AS r_w, random() AS r_stale, random() AS r_rep, random() AS r_rd,
                  random() AS r_rd2, random() AS r_rd3, random() AS r_dec, random() AS r_end, random() AS r_t1, random() AS r_t2,
                  random() AS r_t3, random() AS r_t4, random() AS r_dd, random() AS r_adr, random() AS r_disc, random() AS r_cmp,
                  random() AS r_cpd, random() AS r_cpl, random() AS r_pur, random() AS r_con,
                  sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS nrm,
                  sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) AS nrm2,
                  ${pick(adrBuckets, 'random()')} AS adr_body,
                  ${pick(buckets(REFUSAL_W), 'random()')} AS ground,
                  ${pick(buckets(RESULT_W), 'random()')} AS result,
                  (ARRAY[${DISCONTINUED.map((d) => `'${d}'`).join(',')}])[1 + floor(random() * ${DISCONTINUED.length})::int] AS reason
                FROM generate_series(${lo}, ${hi}) i OFFSET 0
              ) x JOIN traders t ON t.id = x.trader_id OFFSET 0
            ) y
          OFFSET 0) z
        OFFSET 0) a
      OFFSET 0) b
    OFFSET 0) o
  OFFSET 0) m
) q`;
}

// ───────────────────────────── the store ─────────────────────────────

/** What COMMENT ON DATABASE records of a generation. */
export interface DatasetMarker {
  generator: string;
  complaints: number;
  complete: boolean;
  generatedAt: string;
  seconds: number;
  phases: Record<string, number>;
}

const isMarker = (v: unknown): v is DatasetMarker =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Partial<DatasetMarker>).generator === 'string' &&
  typeof (v as Partial<DatasetMarker>).complaints === 'number';

async function marker(database: string): Promise<DatasetMarker | null> {
  return withClient(dbUrl('postgres'), async (c) => {
    const r = await c.query<{ d: string | null }>(`SELECT shobj_description(oid, 'pg_database') AS d FROM pg_database WHERE datname = $1`, [
      database,
    ]);
    try {
      const m: unknown = JSON.parse(r.rows[0]?.d ?? 'null');
      return isMarker(m) ? m : null;
    } catch {
      return null;
    }
  });
}

export interface AnalyticsDatasetOptions {
  complaints: number;
  database?: string;
  regenerate?: boolean;
  log?: (line: string) => void;
  code?: string;
}

export interface AnalyticsDataset {
  database: string;
  complaints: number;
  generated: boolean;
  marker: DatasetMarker;
}

/** An index or constraint of complaints, as saved before the load. */
interface SavedDef {
  name: string;
  def: string;
  contype?: string;
}

/**
 * Makes sure `database` holds `complaints` generated complaints (reusing it when its marker says
 * so); returns { database, complaints, generated: false } or the generation's timings. The schema
 * is migrated by `code`'s `bin/odr.js` (a checkout; default: this repository).
 */
export async function ensureAnalyticsDataset({
  complaints,
  database = 'odr_bench_analytics',
  regenerate = false,
  log = console.log,
  code = ROOT,
}: AnalyticsDatasetOptions): Promise<AnalyticsDataset> {
  if (!regenerate && (await databaseExists(database))) {
    const m = await marker(database);
    if (m?.generator === GENERATOR && m.complaints === complaints && m.complete) {
      migrate(database, log, code);
      log(`reusing database ${database}: ${fmt(complaints)} generated complaints (${m.generatedAt}, ${m.seconds} s to generate)`);
      return { database, complaints, generated: false, marker: m };
    }
    log(
      `database ${database} holds ${m ? `${fmt(m.complaints)} complaints of ${m.generator}${m.complete ? '' : ' (incomplete)'}` : 'something else'}: regenerating`,
    );
  }
  const t0 = performance.now();
  const phases = { referenceMs: 0, complaintsMs: 0, indexesMs: 0, vacuumMs: 0 };
  await createDatabase(database);
  migrate(database, log, code);
  const url = dbUrl(database);
  const saved = await withClient(url, async (c) => {
    const t = performance.now();
    await c.query(tradersSql());
    await c.query(adrBodiesSql());
    phases.referenceMs = performance.now() - t;
    // Secondary indexes and constraints of complaints (all but the primary key): dropped for the
    // load and recreated from these exact definitions afterwards.
    const idx = await c.query<SavedDef>(`SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
      WHERE i.tablename = 'complaints' AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass) ORDER BY 1`);
    const cons = await c.query<SavedDef>(`SELECT conname AS name, pg_get_constraintdef(oid) AS def, contype FROM pg_constraint
      WHERE conrelid = 'complaints'::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname`);
    const before = await c.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'complaints' ORDER BY 1`);
    for (const k of cons.rows) await c.query(`ALTER TABLE complaints DROP CONSTRAINT ${k.name}`);
    for (const i of idx.rows) await c.query(`DROP INDEX ${i.name}`);
    return { idx: idx.rows, cons: cons.rows, before: before.rows };
  });

  // The complaints, in chunks on two sessions.
  let t = performance.now();
  const chunks: [number, number][] = [];
  for (let lo = 1; lo <= complaints; lo += CHUNK) chunks.push([lo, Math.min(complaints, lo + CHUNK - 1)]);
  let next = 0;
  let done = 0;
  const worker = async () =>
    withClient(url, async (c) => {
      await c.query(`SET synchronous_commit = off; SET work_mem = '64MB'; SET jit = off`);
      while (next < chunks.length) {
        const k = next++;
        const [lo, hi] = chunks[k]!;
        await c.query(`SELECT setseed(${((k * 7919) % 10007) / 10007 - 0.5})`);
        await c.query(complaintsSql(lo, hi, complaints));
        done += hi - lo + 1;
        log(`  generated ${fmt(done)} / ${fmt(complaints)} (${fmt((performance.now() - t) / 1000, 0)} s)`);
      }
    });
  await Promise.all([0, 1].map(worker));
  phases.complaintsMs = performance.now() - t;

  // Indexes and constraints back, two at a time.
  t = performance.now();
  const jobs = [
    ...saved.cons.filter((k) => k.contype === 'u').map((k) => `ALTER TABLE complaints ADD CONSTRAINT ${k.name} ${k.def}`),
    ...saved.idx.map((i) => i.def),
  ];
  let j = 0;
  const indexer = async () =>
    withClient(url, async (c) => {
      await c.query(`SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 1`);
      while (j < jobs.length) {
        const sql = jobs[j++]!;
        const t1 = performance.now();
        await c.query(sql);
        log(`  ${sql.slice(0, 90)}… ${fmt((performance.now() - t1) / 1000, 1)} s`);
      }
    });
  await Promise.all([indexer(), indexer()]);
  await withClient(url, async (c) => {
    for (const k of saved.cons.filter((x) => x.contype === 'f')) await c.query(`ALTER TABLE complaints ADD CONSTRAINT ${k.name} ${k.def}`);
    const after = await c.query(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'complaints' ORDER BY 1`);
    if (JSON.stringify(after.rows) !== JSON.stringify(saved.before))
      throw new Error(
        `the indexes differ from the migrations' after the load:\n${JSON.stringify(saved.before)}\n${JSON.stringify(after.rows)}`,
      );
  });
  phases.indexesMs = performance.now() - t;
  // autovacuum may be off on the bench server: hint bits, visibility map and statistics now.
  t = performance.now();
  await withClient(url, (c) => c.query('VACUUM (ANALYZE) complaints, traders, adr_bodies'));
  phases.vacuumMs = performance.now() - t;
  const seconds = Math.round((performance.now() - t0) / 1000);
  const m: DatasetMarker = {
    generator: GENERATOR,
    complaints,
    complete: true,
    generatedAt: new Date().toISOString(),
    seconds,
    phases: Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, Math.round(v)])),
  };
  await withClient(dbUrl('postgres'), (c) => c.query(`COMMENT ON DATABASE "${database}" IS '${JSON.stringify(m)}'`));
  log(
    `generated ${fmt(complaints)} complaints in ${seconds} s (complaints ${fmt(phases.complaintsMs / 1000, 0)} s, indexes ${fmt(phases.indexesMs / 1000, 0)} s, vacuum ${fmt(phases.vacuumMs / 1000, 0)} s)`,
  );
  return { database, complaints, generated: true, marker: m };
}

function migrate(database: string, log: (line: string) => void, code: string = ROOT): void {
  const r = spawnSync(process.execPath, [path.join(code, 'bin', 'odr.js'), 'migrate'], {
    cwd: code,
    env: { ...process.env, DATABASE_URL: dbUrl(database), LOG_LEVEL: 'warn' },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`odr migrate failed (${r.status}): ${r.stderr || r.stdout}`);
  const out = r.stdout.trim();
  if (out && out !== 'schema is up to date') log(`  odr migrate: ${out}`);
}

/**
 * The dataset's database: --database, else odr_bench_analytics (10 M) or odr_bench_analytics_<N>,
 * so that a small run never regenerates the 10 M one.
 */
export function datasetName(complaints: number, database?: string | true): string {
  if (typeof database === 'string') return database;
  return complaints === 10_000_000 ? 'odr_bench_analytics' : `odr_bench_analytics_${complaints}`;
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const args = parseArgs(process.argv.slice(2));
  const complaints = num(args.complaints, 10_000_000);
  ensureAnalyticsDataset({
    complaints,
    database: datasetName(complaints, args.database),
    regenerate: !!args.regenerate,
  })
    .then(() => process.exit(0))
    .catch((e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e) : e);
      process.exit(1);
    });
}
