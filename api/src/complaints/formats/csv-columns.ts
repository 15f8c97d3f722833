/**
 * The CSV layout of a complaint (contract "CSV columns"): one row per case, the lifecycle as
 * milestone columns. `csvRecordToInput` turns a row into the JSON shape that complaintInput
 * validates; `complaintToCsvRecord` is its inverse, so a CSV export ingests back unchanged.
 */
import { CLOSURES } from '../../../../core/codes.js';
import { fromSpreadsheetSafe, spreadsheetSafe } from '../../../../core/spreadsheet-cell.js';
import type { ComplaintInput, LifecycleEventInput } from '../complaint.schema.js';

export const CSV_COLUMNS = [
  'external_ref',
  'source',
  'filed_at',
  'complainant',
  'consumer_country',
  'consumer_language',
  'consumer_name',
  'consumer_email',
  'consumer_address',
  'trader_id',
  'trader_name',
  'trader_country',
  'trader_website',
  'sector',
  'problem',
  'problem_detail',
  'ordered_online',
  'price_amount',
  'price_currency',
  'purchased_at',
  'contacted_trader',
  'language',
  'description',
  'sent_to_trader_at',
  'trader_replied_at',
  'trader_decision',
  'adr_body_id',
  'adr_agreed_at',
  'adr_decided_at',
  'adr_decision',
  'refusal_ground',
  'closed_at',
  'closure',
  'adr_result',
  'discontinued_reason',
  'discontinued_note',
  'compliance_reported_at',
  'complied',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];
export type CsvRecord = Partial<Record<CsvColumn, string>>;

const KNOWN: ReadonlySet<string> = new Set(CSV_COLUMNS);

/**
 * The columns that hold numbers; every other column is text, written spreadsheet-safe and read
 * back through `fromSpreadsheetSafe` (see domain/spreadsheet-cell.ts).
 */
const NUMERIC_COLUMNS: ReadonlySet<CsvColumn> = new Set<CsvColumn>(['price_amount']);
export const isTextColumn = (c: CsvColumn): boolean => !NUMERIC_COLUMNS.has(c);

/** A CSV row as written to a file a spreadsheet may open: no text cell can start a formula. */
export function spreadsheetSafeRecord(row: Record<CsvColumn, string>): Record<CsvColumn, string> {
  const out = { ...row };
  for (const c of CSV_COLUMNS) if (isTextColumn(c)) out[c] = spreadsheetSafe(row[c]);
  return out;
}
export const isCsvColumn = (name: string): name is CsvColumn => KNOWN.has(name);

/** JSON paths of the complaint → the CSV column a user should fix. */
export const PATH_TO_COLUMN: Readonly<Record<string, CsvColumn>> = {
  externalRef: 'external_ref',
  source: 'source',
  filedAt: 'filed_at',
  complainant: 'complainant',
  'consumer.country': 'consumer_country',
  'consumer.language': 'consumer_language',
  'consumer.name': 'consumer_name',
  'consumer.email': 'consumer_email',
  'consumer.address': 'consumer_address',
  'trader.id': 'trader_id',
  'trader.name': 'trader_name',
  'trader.country': 'trader_country',
  'trader.website': 'trader_website',
  sector: 'sector',
  problem: 'problem',
  problemDetail: 'problem_detail',
  orderedOnline: 'ordered_online',
  'price.amount': 'price_amount',
  'price.currency': 'price_currency',
  price: 'price_amount',
  purchasedAt: 'purchased_at',
  contactedTrader: 'contacted_trader',
  language: 'language',
  description: 'description',
  'events.adrBodyId': 'adr_body_id',
  adrBodyId: 'adr_body_id',
};

/** Which column each event came from, and the columns of its payload fields. */
const EVENT_COLUMNS: Readonly<Record<string, { at: CsvColumn; fields: Record<string, CsvColumn> }>> = {
  sent_to_trader: { at: 'sent_to_trader_at', fields: {} },
  trader_replied: { at: 'trader_replied_at', fields: { decision: 'trader_decision' } },
  adr_body_agreed: { at: 'adr_agreed_at', fields: { adrBodyId: 'adr_body_id' } },
  adr_accepted: { at: 'adr_decided_at', fields: {} },
  adr_refused: { at: 'adr_decided_at', fields: { ground: 'refusal_ground' } },
  adr_outcome: { at: 'closed_at', fields: { result: 'adr_result' } },
  adr_discontinued: { at: 'closed_at', fields: { reason: 'discontinued_reason', note: 'discontinued_note' } },
  settled_directly: { at: 'closed_at', fields: {} },
  withdrawn: { at: 'closed_at', fields: {} },
  closed_no_agreement: { at: 'closed_at', fields: {} },
  compliance_reported: { at: 'compliance_reported_at', fields: { complied: 'complied' } },
};

export interface CsvProblem {
  field: CsvColumn;
  message: string;
}

const TRUE = new Set(['true', 'yes', '1', 't', 'y']);
const FALSE = new Set(['false', 'no', '0', 'f', 'n']);

/**
 * Maps one CSV row to the complaint JSON shape. Cells are strings; empty = absent. Problems that
 * only CSV can have (a milestone half given, a boolean that is not one) are reported here;
 * everything else is left to the schema. `fieldOf` maps schema paths back to CSV columns.
 * Text cells of a CSV file lose the `'` a spreadsheet-safe export put in front of a formula sign;
 * Parquet (`spreadsheetSafe: false`) holds the values as they are.
 */
export function csvRecordToInput(
  r: CsvRecord,
  opts: { spreadsheetSafe: boolean } = { spreadsheetSafe: true },
): { input: ComplaintInput; problems: CsvProblem[]; fieldOf: (path: string) => string } {
  const problems: CsvProblem[] = [];
  const cell = (c: CsvColumn): string | undefined => {
    const v = r[c];
    if (v === undefined || v.trim() === '') return undefined;
    return opts.spreadsheetSafe && isTextColumn(c) ? fromSpreadsheetSafe(v) : v;
  };
  const bool = (c: CsvColumn): boolean | undefined => {
    const v = cell(c);
    if (v === undefined) return undefined;
    const low = v.trim().toLowerCase();
    if (TRUE.has(low)) return true;
    if (FALSE.has(low)) return false;
    problems.push({ field: c, message: `"${v}" is not a yes/no value: use true or false` });
    return undefined;
  };
  const requireBoth = (a: CsvColumn, b: CsvColumn) => {
    if ((cell(a) === undefined) !== (cell(b) === undefined)) {
      const [given, missing] = cell(a) === undefined ? [b, a] : [a, b];
      problems.push({ field: missing, message: `${missing} is required when ${given} is given` });
      return false;
    }
    return cell(a) !== undefined;
  };

  const events: LifecycleEventInput[] = [];
  const eventColumns: CsvColumn[] = [];
  const push = (e: LifecycleEventInput) => {
    events.push(e);
    eventColumns.push(EVENT_COLUMNS[e.type]!.at);
  };
  const sent = cell('sent_to_trader_at');
  if (sent) push({ type: 'sent_to_trader', at: sent });
  if (requireBoth('trader_replied_at', 'trader_decision')) {
    push({ type: 'trader_replied', at: cell('trader_replied_at')!, decision: cell('trader_decision') as never });
  }
  if (requireBoth('adr_agreed_at', 'adr_body_id')) {
    push({ type: 'adr_body_agreed', at: cell('adr_agreed_at')!, adrBodyId: cell('adr_body_id')! });
  }
  if (requireBoth('adr_decided_at', 'adr_decision')) {
    const decision = cell('adr_decision')!.trim();
    const at = cell('adr_decided_at')!;
    if (decision === 'accepted') {
      if (cell('refusal_ground')) problems.push({ field: 'refusal_ground', message: 'refusal_ground is only for adr_decision=refused' });
      push({ type: 'adr_accepted', at });
    } else if (decision === 'refused') {
      const ground = cell('refusal_ground');
      if (!ground) problems.push({ field: 'refusal_ground', message: 'refusal_ground (a–f) is required when adr_decision is refused' });
      else push({ type: 'adr_refused', at, ground: ground.trim() as never });
    } else {
      problems.push({ field: 'adr_decision', message: `unknown adr_decision "${decision}": use accepted or refused` });
    }
  }
  if (requireBoth('closed_at', 'closure')) {
    const closure = cell('closure')!.trim();
    const at = cell('closed_at')!;
    if (closure === 'adr_refused') {
      problems.push({ field: 'closure', message: 'a refusal is written as adr_decided_at with adr_decision=refused and refusal_ground' });
    } else if (!(CLOSURES as readonly string[]).includes(closure)) {
      problems.push({
        field: 'closure',
        message: `unknown closure "${closure}": use one of settled_directly, closed_no_agreement, withdrawn, adr_outcome, adr_discontinued`,
      });
    } else if (closure === 'adr_outcome') {
      const result = cell('adr_result');
      if (!result) problems.push({ field: 'adr_result', message: 'adr_result is required when closure is adr_outcome' });
      else push({ type: 'adr_outcome', at, result: result.trim() as never });
    } else if (closure === 'adr_discontinued') {
      const reason = cell('discontinued_reason');
      if (!reason)
        problems.push({ field: 'discontinued_reason', message: 'discontinued_reason is required when closure is adr_discontinued' });
      else {
        const note = cell('discontinued_note');
        push(
          note === undefined
            ? { type: 'adr_discontinued', at, reason: reason.trim() as never }
            : { type: 'adr_discontinued', at, reason: reason.trim() as never, note },
        );
      }
    } else {
      push({ type: closure as 'withdrawn', at });
    }
  }
  if (cell('adr_result') && cell('closure')?.trim() !== 'adr_outcome') {
    problems.push({ field: 'adr_result', message: 'adr_result is only for closure=adr_outcome' });
  }
  for (const c of ['discontinued_reason', 'discontinued_note'] as const) {
    if (cell(c) && cell('closure')?.trim() !== 'adr_discontinued')
      problems.push({ field: c, message: `${c} is only for closure=adr_discontinued` });
  }
  if (requireBoth('compliance_reported_at', 'complied')) {
    const complied = bool('complied');
    if (complied !== undefined) push({ type: 'compliance_reported', at: cell('compliance_reported_at')!, complied });
  }

  const priceAmount = cell('price_amount');
  const priceCurrency = cell('price_currency');
  if (priceAmount !== undefined && priceCurrency === undefined)
    problems.push({ field: 'price_currency', message: 'price_currency is required when price_amount is given' });
  if (priceCurrency !== undefined && priceAmount === undefined)
    problems.push({ field: 'price_amount', message: 'price_amount is required when price_currency is given' });

  const input: ComplaintInput = {
    externalRef: cell('external_ref') as string,
    source: cell('source'),
    filedAt: cell('filed_at') as string,
    complainant: cell('complainant') as never,
    consumer: {
      country: cell('consumer_country') as string,
      language: cell('consumer_language'),
      name: cell('consumer_name'),
      email: cell('consumer_email'),
      address: cell('consumer_address'),
    },
    trader: {
      id: cell('trader_id'),
      name: cell('trader_name'),
      country: cell('trader_country') as string,
      website: cell('trader_website'),
    },
    sector: cell('sector') as string,
    problem: cell('problem') as string,
    problemDetail: cell('problem_detail'),
    orderedOnline: bool('ordered_online'),
    price: priceAmount !== undefined && priceCurrency !== undefined ? { amount: priceAmount, currency: priceCurrency } : undefined,
    purchasedAt: cell('purchased_at'),
    contactedTrader: bool('contacted_trader'),
    language: cell('language'),
    description: cell('description'),
    events,
  };
  const fieldOf = (path: string): string => {
    const ev = /^events\[(\d+)\](?:\.(\w+))?/.exec(path);
    if (ev) {
      const e = events[Number(ev[1])];
      const column = eventColumns[Number(ev[1])];
      if (!e || !column) return path;
      return (ev[2] && EVENT_COLUMNS[e.type]!.fields[ev[2]]) || column;
    }
    return PATH_TO_COLUMN[path] ?? path;
  };
  return { input, problems, fieldOf };
}

/** A stored case as it appears in the complaint JSON shape → its CSV row (milestones). */
export function complaintToCsvRecord(c: ComplaintInput & { events: LifecycleEventInput[] }): Record<CsvColumn, string> {
  const row = Object.fromEntries(CSV_COLUMNS.map((k) => [k, ''])) as Record<CsvColumn, string>;
  const s = (v: string | boolean | undefined | null) => (v === undefined || v === null ? '' : String(v));
  Object.assign(row, {
    external_ref: c.externalRef,
    source: s(c.source),
    filed_at: c.filedAt,
    complainant: s(c.complainant),
    consumer_country: c.consumer.country,
    consumer_language: s(c.consumer.language),
    consumer_name: s(c.consumer.name),
    consumer_email: s(c.consumer.email),
    consumer_address: s(c.consumer.address),
    trader_id: s(c.trader.id),
    trader_name: s(c.trader.name),
    trader_country: c.trader.country,
    trader_website: s(c.trader.website),
    sector: c.sector,
    problem: c.problem,
    problem_detail: s(c.problemDetail),
    ordered_online: s(c.orderedOnline),
    price_amount: s(c.price?.amount),
    price_currency: s(c.price?.currency),
    purchased_at: s(c.purchasedAt),
    contacted_trader: s(c.contactedTrader),
    language: s(c.language),
    description: s(c.description),
  });
  for (const e of c.events) {
    switch (e.type) {
      case 'sent_to_trader':
        row.sent_to_trader_at = e.at;
        break;
      case 'trader_replied':
        row.trader_replied_at = e.at;
        row.trader_decision = e.decision;
        break;
      case 'adr_body_agreed':
        row.adr_agreed_at = e.at;
        row.adr_body_id = e.adrBodyId;
        break;
      case 'adr_accepted':
        row.adr_decided_at = e.at;
        row.adr_decision = 'accepted';
        break;
      case 'adr_refused':
        row.adr_decided_at = e.at;
        row.adr_decision = 'refused';
        row.refusal_ground = e.ground;
        break;
      case 'adr_outcome':
        row.closed_at = e.at;
        row.closure = 'adr_outcome';
        row.adr_result = e.result;
        break;
      case 'adr_discontinued':
        row.closed_at = e.at;
        row.closure = 'adr_discontinued';
        row.discontinued_reason = e.reason;
        row.discontinued_note = s(e.note);
        break;
      case 'compliance_reported':
        row.compliance_reported_at = e.at;
        row.complied = String(e.complied);
        break;
      default:
        row.closed_at = e.at;
        row.closure = e.type;
    }
  }
  return row;
}
