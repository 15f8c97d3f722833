/**
 * The case registry's query string (contract "Case registry"), validated once here and emitted
 * into the OpenAPI document: the filters shared by the list and the export, the list's paging,
 * the export's format. A list parameter takes comma-separated values (`stage=filed,with_trader`);
 * an unknown parameter or a bad value is a 400 naming the parameter.
 */
import { z } from 'zod';
import { CLOSURES, PROBLEM_CODES, SECTOR_CODES, STAGES, STATUSES, type Country } from '../../../core/codes.js';
import { caseSummary } from '../complaints/case-view.js';
import { clip, countryCode, dateTimeError, parseIsoDateTime, referenceId } from '../complaints/complaint.schema.js';

/** At most this many values in one list parameter. */
const MAX_LIST = 100;

/** `a,b` or a repeated parameter (`?x=a&x=b`) → the validated, de-duplicated values. */
function listOf<T extends string>(item: z.ZodType<T, string>, description: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((raw, ctx): T[] => {
      const parts = (Array.isArray(raw) ? raw : [raw]).flatMap((s) => s.split(',')).map((s) => s.trim());
      if (parts.some((p) => p === '')) {
        ctx.addIssue({ code: 'custom', message: 'empty value: give comma-separated values such as a,b' });
        return z.NEVER;
      }
      if (parts.length > MAX_LIST) {
        ctx.addIssue({ code: 'custom', message: `at most ${MAX_LIST} values` });
        return z.NEVER;
      }
      const out = new Set<T>();
      for (const p of parts) {
        const r = item.safeParse(p);
        if (r.success) out.add(r.data);
        else for (const i of r.error.issues) ctx.addIssue({ code: 'custom', message: i.message });
      }
      return [...out];
    })
    .meta({ description: `${description}; comma-separated values match any of them` });
}

const oneOf = <T extends readonly [string, ...string[]]>(values: T, what: string) =>
  z.enum(values, { error: (i) => `unknown ${what} "${clip(String(i.input))}": use one of ${values.join(', ')}` });
const codeOf = <T extends string>(values: readonly T[], what: string) =>
  z.string().refine((v): v is T => (values as readonly string[]).includes(v), {
    error: (i) => `unknown ${what} "${clip(String(i.input))}"`,
  }) as unknown as z.ZodType<T, string>;

const bool = (description: string) =>
  z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .transform((v) => v === 'true')
    .meta({ description });

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})$/;
const realDay = (y: number, m: number, d: number) => {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
};

/**
 * A filing-time boundary: a date (midnight UTC) or a date-time with a zone. Kept as text for
 * PostgreSQL to read exactly (microseconds included); a bare date is made explicit UTC so the
 * session's time zone never shifts it.
 */
const boundary = (description: string) =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      const d = ISO_DATE.exec(v);
      if (d && realDay(Number(d[1]), Number(d[2]), Number(d[3]))) return `${v}T00:00:00Z`;
      const t = ISO_DATETIME.exec(v);
      // parseIsoDateTime holds it to the rules every timestamp follows (real day, offset ≤ ±15:59).
      if (t && parseIsoDateTime(v) !== null) return v;
      ctx.addIssue({
        code: 'custom',
        message: dateTimeError(v, 'a date or date-time: use YYYY-MM-DD or ISO-8601 with a time zone, e.g. 2024-03-05T10:22:00Z'),
      });
      return z.NEVER;
    })
    .meta({ description, example: '2024-01-01' });

/** Text a user types (a reference, words): trimmed, 1–200 characters, no control characters. */
const searchText = (description: string) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200, 'must be at most 200 characters')
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters')
    .optional()
    .meta({ description });

/** The filters of the list and of the export (and, without `q` and `externalRef`, of analytics). */
export const registryFilterShape = {
  status: listOf(oneOf(STATUSES, 'status'), 'open or closed').optional(),
  stage: listOf(oneOf(STAGES, 'stage'), `stage (${STAGES.join(', ')})`).optional(),
  closure: listOf(oneOf(CLOSURES, 'closure'), `closure reason (${CLOSURES.join(', ')})`).optional(),
  overdue: bool('true: open and past the current stage deadline; false: all others').optional(),
  consumerCountry: listOf(
    countryCode as z.ZodType<Country, string>,
    "consumer's country, ISO 3166-1 alpha-2 (EL and UK accepted)",
  ).optional(),
  traderCountry: listOf(countryCode as z.ZodType<Country, string>, "trader's country, ISO 3166-1 alpha-2 (EL and UK accepted)").optional(),
  sector: listOf(codeOf(SECTOR_CODES, 'sector'), 'sector code (domain.md §3)').optional(),
  problem: listOf(codeOf(PROBLEM_CODES, 'problem'), 'problem code (domain.md §3)').optional(),
  traderId: listOf(referenceId('traderId'), 'trader id').optional(),
  adrBodyId: listOf(referenceId('adrBodyId'), 'ADR body id').optional(),
  crossBorder: bool('true: consumer and trader in different countries').optional(),
  source: listOf(referenceId('source'), 'feed the complaint came from').optional(),
  from: boundary('filed at or after (inclusive)').optional(),
  to: boundary('filed before (exclusive)').optional(),
  externalRef: searchText(
    'exactly this reference (externalRef): the indexed way to look a case up; q also scans trader names and descriptions',
  ),
  q: searchText('reference (exact or prefix), trader name, or words of the description'),
};

export const REGISTRY_SORTS = ['-filedAt', 'filedAt'] as const;
export type RegistrySort = (typeof REGISTRY_SORTS)[number];
export const EXPORT_FORMATS = ['csv', 'ndjson', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/**
 * Unknown parameters are named one by one (field = the parameter), even beside bad values.
 *
 * The object is loose only so that the check sees the unknown keys to name them; any of them
 * fails the parse, so what parses holds the shape's keys alone. It is typed as the plain object
 * it yields: `z.output<typeof q>` is then the exact query type, without the `[k: string]: unknown`
 * a loose object would add (which let a misspelt field compile).
 */
export function strictQuery<S extends z.ZodRawShape>(shape: S): z.ZodObject<S, z.core.$strip> {
  const known = Object.keys(shape);
  const schema = z.looseObject(shape).check(
    z.superRefine(
      (v: Record<string, unknown>, ctx) => {
        for (const k of Object.keys(v)) {
          if (!known.includes(k))
            ctx.addIssue({ code: 'custom', path: [k], message: `unknown parameter "${clip(k)}"; the parameters are: ${known.join(', ')}` });
        }
      },
      { when: (p) => typeof p.value === 'object' && p.value !== null },
    ),
  );
  return schema as unknown as z.ZodObject<S, z.core.$strip>;
}

export const registryListQuery = strictQuery({
  ...registryFilterShape,
  sort: z
    .enum(REGISTRY_SORTS, { error: `must be one of ${REGISTRY_SORTS.join(', ')}` })
    .default('-filedAt')
    .meta({ description: 'filedAt (oldest first) or -filedAt (newest first, the default); ties by id' }),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number from 1 to 500')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be a whole number from 1 to 500').max(500, 'must be a whole number from 1 to 500'))
    .default(50)
    .meta({ description: 'page size, 1–500 (default 50)' }),
  cursor: z
    .string()
    .max(500, 'is not a cursor of this registry')
    .optional()
    .meta({ description: 'nextCursor of the previous page (same sort)' }),
});

export const registryExportQuery = strictQuery({
  ...registryFilterShape,
  format: z
    .enum(EXPORT_FORMATS, { error: `must be one of ${EXPORT_FORMATS.join(', ')}` })
    .default('csv')
    .meta({ description: 'csv (the ingest columns), ndjson (the ingest JSON shape) or parquet' }),
});

/** The filters as parsed (what the repository, the export and analytics take). */
export type RegistryFilters = z.output<z.ZodObject<typeof registryFilterShape, z.core.$strip>>;
export type RegistryListQuery = z.output<typeof registryListQuery>;
export type RegistryExportQuery = z.output<typeof registryExportQuery>;

export const casePage = z
  .object({
    items: z.array(caseSummary),
    nextCursor: z.string().nullable().meta({ description: 'pass as cursor for the next page; null on the last page' }),
    total: z.number().int().meta({
      description: 'matches of the filters, exact; with free text (`q`) past 10 000 matches, 10 000 as a lower bound ("more than 10 000")',
    }),
    totalExact: z.boolean().meta({ description: 'false only with `q` past 10 000 matches: `total` is then a lower bound' }),
  })
  .meta({ id: 'CasePage' });
export type CasePage = z.infer<typeof casePage>;
