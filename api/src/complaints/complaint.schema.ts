/**
 * The complaint as it arrives (contract "Complaints (ingest)"), validated once here for every
 * path: single POST, NDJSON, CSV (after mapping its columns), Parquet and the CLI. The same zod
 * schemas feed the OpenAPI document.
 */
import { z } from 'zod';
import {
  ADR_RESULTS,
  COMPLAINANT_TYPES,
  CURRENCIES,
  LANGUAGES,
  PROBLEM_CODES,
  PROBLEM_DETAIL_CODES,
  PROBLEMS,
  REFUSAL_GROUND_CODES,
  SECTOR_CODES,
  TRADER_DECISIONS,
  DISCONTINUED_REASON_CODES,
  normaliseCountry,
  type Country,
  type DiscontinuedReason,
  type Problem,
} from '../../../core/codes.js';

/** Clock skew tolerated before a timestamp counts as "in the future". */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(?:Z|([+-])(\d{2}):?(\d{2}))$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ZONE_OFFSET = /([+-])(\d{2}):?(\d{2})$/;

/**
 * The widest time-zone offset accepted, in minutes (±15:59). Real zones span −12:00…+14:00, and
 * PostgreSQL refuses anything from ±16:00 on: every timestamp is held to this one rule, so a
 * value is refused with a 400 naming its field rather than failing later in the database.
 */
export const MAX_ZONE_OFFSET_MINUTES = 15 * 60 + 59;

/** Whether `value` ends in a numeric zone offset beyond ±15:59. */
export function zoneOffsetOutOfRange(value: string): boolean {
  const m = ZONE_OFFSET.exec(value);
  return m !== null && Number(m[2]) * 60 + Number(m[3]) > MAX_ZONE_OFFSET_MINUTES;
}

/** The message for a value that is not an accepted date-time (an offset out of range said as such). */
export function dateTimeError(value: string, expected: string): string {
  return zoneOffsetOutOfRange(value)
    ? `"${clip(value)}" has a time-zone offset beyond ±15:59: give the time in UTC (Z) or with a real zone offset`
    : `"${clip(value)}" is not ${expected}`;
}

function isRealDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || m < 1 || m > 12 || d < 1) return false;
  const days = m === 2 ? (y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31;
  return d <= days;
}

/**
 * ISO-8601 date-time with a zone → epoch milliseconds, or null. Parsed by hand rather than with
 * Date.parse: it runs for every timestamp of every bulk line, and must refuse 2024-02-30.
 */
export function parseIsoDateTime(value: string): number | null {
  const m = ISO_DATETIME.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  const s = m[6] === undefined ? 0 : Number(m[6]);
  if (!isRealDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return null;
  let t = Date.UTC(y, mo - 1, d, h, mi, s, m[7] === undefined ? 0 : Math.floor(Number(m[7]) * 1000));
  if (m[8] !== undefined) {
    const oh = Number(m[9]);
    const om = Number(m[10]);
    if (om > 59 || oh * 60 + om > MAX_ZONE_OFFSET_MINUTES) return null;
    t -= (m[8] === '+' ? 1 : -1) * (oh * 60 + om) * 60_000;
  }
  return t;
}

/**
 * ISO-8601 date-time with a zone → canonical UTC form with milliseconds; `refused(ms)` judges the
 * instant against now (the message says why).
 */
export const dateTimeWhere = (example: string, refused: (ms: number) => boolean, why: (value: string) => string) =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      const ms = parseIsoDateTime(value);
      if (ms === null) {
        ctx.addIssue({ code: 'custom', message: dateTimeError(value, `a date-time: use ISO-8601 with a time zone, e.g. ${example}`) });
        return z.NEVER;
      }
      if (refused(ms)) {
        ctx.addIssue({ code: 'custom', message: why(value) });
        return z.NEVER;
      }
      return new Date(ms).toISOString();
    })
    .meta({ format: 'date-time', example });

/** A moment that has happened (filing, events): the future, beyond clock skew, is refused. */
export const dateTime = dateTimeWhere(
  '2024-03-05T10:22:00Z',
  (ms) => ms > Date.now() + FUTURE_TOLERANCE_MS,
  (value) => `${value} is in the future`,
);

export const calendarDate = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const m = ISO_DATE.exec(value);
    if (!m || !isRealDate(Number(m[1]), Number(m[2]), Number(m[3]))) {
      ctx.addIssue({ code: 'custom', message: `"${clip(value)}" is not a date: use YYYY-MM-DD` });
      return z.NEVER;
    }
    if (Date.parse(`${value}T00:00:00Z`) > Date.now() + FUTURE_TOLERANCE_MS) {
      ctx.addIssue({ code: 'custom', message: `${value} is in the future` });
      return z.NEVER;
    }
    return value;
  })
  .meta({ format: 'date', example: '2024-02-20' });

export const countryCode = z
  .string()
  .transform((value, ctx): Country => {
    const c = normaliseCountry(value);
    if (!c) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown country "${clip(value)}": use an ISO 3166-1 alpha-2 code of the EU, Iceland, Liechtenstein, Norway or the UK (EL and UK are accepted)`,
      });
      return z.NEVER;
    }
    return c;
  })
  .meta({ example: 'IT', description: 'ISO 3166-1 alpha-2 (EU/EEA + GB); EL and UK accepted as aliases' });

const languageCode = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(
    z.enum(LANGUAGES, {
      error: (i) => `unknown language "${clip(String(i.input))}": use an ISO 639-1 code of an EU/EEA language, e.g. it`,
    }),
  );

const code = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: (i) => (i.input === undefined ? 'is required' : `unknown ${what} "${clip(String(i.input))}"`) });

/**
 * Control characters (C0, DEL, C1) other than tab, line feed and carriage return: they rewrite
 * terminals and log lines, and PostgreSQL cannot store NUL at all.
 */
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** Every control character, tab and line breaks included: a name or label is one line. */
const CONTROL_IN_NAME = /[\u0000-\u001F\u007F-\u009F]/;
/** Bidirectional embeddings, overrides and isolates: they make "Shop \u202Egpj.exe" read as "Shop exe.jpg". */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

/** Trimmed, NFC-normalised (so equal text compares equal), 1–max characters. */
const plainText = (max: number) =>
  z.string().trim().normalize('NFC').min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

/** Free text (descriptions, addresses, reasons): several lines and any script, but no control characters. */
export const text = (max: number) =>
  plainText(max).refine((v) => !CONTROL_IN_TEXT.test(v), 'must not contain control characters (only tab and line breaks are allowed)');

/** A name or label: one line, without control or bidirectional-override characters. */
export const label = (max: number) =>
  plainText(max)
    .refine((v) => !CONTROL_IN_NAME.test(v), 'must not contain control characters (line breaks, tabs, escapes)')
    .refine((v) => !BIDI_CONTROL.test(v), 'must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069)');

const DECIMAL = /^\d{1,15}(\.\d{1,4})?$/;
export const price = z.strictObject({
  amount: z
    .string()
    .trim()
    .refine((v) => !v.startsWith('-'), 'price must not be negative')
    .refine((v) => v.startsWith('-') || DECIMAL.test(v), 'amount must be a decimal string such as "59.90" (at most 4 decimals)')
    .transform((v) => v.replace(/^0+(?=\d)/, '')),
  currency: z
    .string()
    .trim()
    .toUpperCase()
    .refine((c) => CURRENCIES.has(c), { error: (i) => `unknown currency "${clip(String(i.input))}": use an ISO 4217 code such as EUR` }),
});

const websiteUrl = label(500).refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}, 'website must be an http(s) URL such as https://shop.example');

const email = label(320).refine((v) => /^[^\s@]+@[^\s@]+$/.test(v), 'not an e-mail address');

/**
 * Ids (traders, ADR bodies, sources) appear in URL paths, file names and spreadsheet cells: letters,
 * digits and . _ : - only, starting with a letter or digit (never a formula sign), no "..".
 */
export const ID_PATTERN = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;
export const ID_RULE = '1–100 letters, digits or . _ : - (starting with a letter or digit, no "..")';
export const referenceId = (what: string) => z.string().trim().regex(ID_PATTERN, `${what} must be ${ID_RULE}`);

const at = dateTime;
/** A code; the input is not echoed (a client may still send free text here, which may name the consumer). */
const discontinuedReason = z.enum(DISCONTINUED_REASON_CODES as [DiscontinuedReason, ...DiscontinuedReason[]], {
  error: (i) => (i.input === undefined ? 'is required' : `must be one of ${DISCONTINUED_REASON_CODES.join(', ')} (free text goes in note)`),
});
export const lifecycleEvent = z.discriminatedUnion(
  'type',
  [
    z.strictObject({ type: z.literal('sent_to_trader'), at }),
    z.strictObject({ type: z.literal('trader_replied'), at, decision: code(TRADER_DECISIONS, 'trader decision') }),
    z.strictObject({ type: z.literal('settled_directly'), at }),
    z.strictObject({ type: z.literal('adr_body_agreed'), at, adrBodyId: referenceId('adrBodyId') }),
    z.strictObject({ type: z.literal('adr_accepted'), at }),
    z.strictObject({
      type: z.literal('adr_refused'),
      at,
      ground: code(REFUSAL_GROUND_CODES as [string, ...string[]], 'refusal ground (a–f)').transform(
        (g) => g as (typeof REFUSAL_GROUND_CODES)[number],
      ),
    }),
    z.strictObject({ type: z.literal('adr_outcome'), at, result: code(ADR_RESULTS, 'ADR result') }),
    z.strictObject({ type: z.literal('adr_discontinued'), at, reason: discontinuedReason, note: text(500).optional() }),
    z.strictObject({ type: z.literal('compliance_reported'), at, complied: z.boolean() }),
    z.strictObject({ type: z.literal('withdrawn'), at }),
    z.strictObject({ type: z.literal('closed_no_agreement'), at }),
  ],
  {
    error: (i) => (i.code === 'invalid_union' ? `unknown event type "${clip(String((i.input as { type?: unknown })?.type))}"` : undefined),
  },
);
export type LifecycleEventInput = z.input<typeof lifecycleEvent>;

export const complaintInput = z
  .strictObject({
    externalRef: label(200),
    source: referenceId('source').optional(),
    filedAt: dateTime,
    complainant: z.enum(COMPLAINANT_TYPES).default('consumer'),
    consumer: z.strictObject({
      country: countryCode,
      language: languageCode.optional(),
      name: label(300).optional(),
      email: email.optional(),
      address: text(1000).optional(),
    }),
    trader: z
      .strictObject({
        id: referenceId('trader id').optional(),
        name: label(300).optional(),
        country: countryCode,
        website: websiteUrl.optional(),
      })
      .refine((t) => t.id !== undefined || t.name !== undefined, { message: 'trader needs an id or a name', path: ['id'] }),
    sector: code(SECTOR_CODES as [string, ...string[]], 'sector'),
    problem: code(PROBLEM_CODES as [string, ...string[]], 'problem'),
    problemDetail: code(PROBLEM_DETAIL_CODES as [string, ...string[]], 'problem detail').optional(),
    orderedOnline: z.boolean().optional(),
    price: price.optional(),
    purchasedAt: calendarDate.optional(),
    contactedTrader: z.boolean().optional(),
    language: languageCode.optional(),
    description: text(10_000).optional(),
    events: z.array(lifecycleEvent).max(100, 'at most 100 events per complaint').optional(),
  })
  .superRefine((c, ctx) => {
    if (c.problemDetail && !(PROBLEMS[c.problem as Problem].details as readonly string[]).includes(c.problemDetail)) {
      ctx.addIssue({ code: 'custom', path: ['problemDetail'], message: `"${c.problemDetail}" is not a detail of problem "${c.problem}"` });
    }
    if (c.purchasedAt && c.purchasedAt > c.filedAt.slice(0, 10)) {
      ctx.addIssue({ code: 'custom', path: ['purchasedAt'], message: `purchase date ${c.purchasedAt} is after the filing date` });
    }
  })
  .meta({ id: 'ComplaintInput' });

export type ComplaintInput = z.input<typeof complaintInput>;
export type ParsedComplaint = z.output<typeof complaintInput>;

/** A new event posted to `POST /complaints/{id}/events`. */
export const eventInput = lifecycleEvent;
export type EventInput = z.output<typeof eventInput>;

export function clip(value: string, max = 40): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}
