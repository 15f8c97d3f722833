/**
 * Streaming readers for bulk bodies and files. Each yields one item per data line: the complaint
 * in its JSON shape, or the problems that line has. Memory stays bounded by one chunk.
 */
import { Readable } from 'node:stream';
import { parse as parseCsv, CsvError } from 'csv-parse';
import type { ComplaintInput } from '../complaints/complaint.schema.js';
import { csvRecordToInput, CSV_COLUMNS, isCsvColumn, type CsvColumn, type CsvRecord } from '../complaints/formats/csv-columns.js';
import { ApiError, formatBytes, jsonProblem, payloadTooLarge, type ErrorDetail } from '../common/errors.js';

export type IngestFormat = 'ndjson' | 'csv' | 'parquet';

export interface ReaderItem {
  line: number;
  input?: ComplaintInput;
  problems: ErrorDetail[];
  /** Maps a schema path (e.g. `consumer.country`) to the name the user knows it by. */
  fieldOf?: (path: string) => string;
}

/** Fails the read with 413 once more than `limit` bytes came in. */
export async function* limitBytes(source: AsyncIterable<Buffer | string>, limit: number): AsyncGenerator<Buffer> {
  let seen = 0;
  for await (const chunk of source) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    seen += buf.length;
    if (seen > limit) throw payloadTooLarge(limit);
    yield buf;
  }
}

/** The line a reader refuses to hold: longer than the configured maximum (BULK_MAX_LINE_KB). */
export function lineTooLong(line: number, maxBytes: number): ApiError {
  const message = `line ${line} is longer than the limit of ${formatBytes(maxBytes)} for one line`;
  return new ApiError(413, `nothing was stored: ${message}`, [{ line, field: '(line)', message }]);
}

const NEWLINE = 0x0a;

export interface LineLimit {
  /** The longest line accepted, in bytes; longer → 413 naming it. Unset: no limit. */
  maxLineBytes?: number;
}

/**
 * One complaint per line. Each chunk is searched for newlines once, and the bytes of a line that
 * spans chunks are kept as parts until it ends (re-scanning a growing carry-over made one long
 * line quadratic); a line longer than `maxLineBytes` ends the read as soon as it gets that long.
 * Lines are cut on the newline byte, which never occurs inside a UTF-8 sequence.
 */
export async function* readNdjson(source: AsyncIterable<Buffer>, opts: LineLimit = {}): AsyncGenerator<ReaderItem> {
  const maxLine = opts.maxLineBytes ?? Number.POSITIVE_INFINITY;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let line = 0;
  const item = (text: string): ReaderItem | null => {
    line++;
    const trimmed = text.trim();
    if (trimmed === '') return null;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (err) {
      return { line, problems: [{ line, field: '(line)', message: jsonProblem(err as Error) }] };
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { line, problems: [{ line, field: '(line)', message: 'each line must be one JSON object (a complaint)' }] };
    }
    return { line, input: value as ComplaintInput, problems: [] };
  };
  for await (const chunk of source) {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      if (pendingBytes + nl - start > maxLine) throw lineTooLong(line + 1, maxLine);
      const text =
        pendingBytes === 0 ? chunk.toString('utf8', start, nl) : Buffer.concat([...pending, chunk.subarray(start, nl)]).toString('utf8');
      pending = [];
      pendingBytes = 0;
      start = nl + 1;
      const it = item(text);
      if (it) yield it;
    }
    if (start < chunk.length) {
      pendingBytes += chunk.length - start;
      if (pendingBytes > maxLine) throw lineTooLong(line + 1, maxLine);
      pending.push(chunk.subarray(start));
    }
  }
  const last = item(Buffer.concat(pending).toString('utf8'));
  if (last) yield last;
}

/**
 * RFC 4180 CSV with a header row of the contract's columns (order free, unknown ones refused). A
 * record longer than `maxLineBytes` (counted in characters by the parser) → 413 naming its line.
 */
export async function* readCsv(source: AsyncIterable<Buffer>, opts: LineLimit = {}): AsyncGenerator<ReaderItem> {
  // The parser reads ahead of this loop: remember where the last complete record ended, so an
  // unclosed quote is reported at the line where its field opens.
  let parsedUpTo = 1;
  const parser = parseCsv({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: false,
    info: true,
    ...(opts.maxLineBytes !== undefined ? { max_record_size: opts.maxLineBytes } : {}),
    on_record: (record: string[], context: { lines: number }) => {
      parsedUpTo = context.lines;
      return record;
    },
  });
  const input = Readable.from(source);
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  let header: CsvColumn[] | null = null;
  let lastLine = 1;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const startLine = lastLine;
      lastLine = info.lines + 1;
      if (record.length === 1 && record[0] === '') continue; // a blank line
      if (!header) {
        const problems = checkHeader(record);
        if (problems.length) {
          yield { line: 1, problems };
          return;
        }
        header = record.map((c) => c.trim()) as CsvColumn[];
        continue;
      }
      const line = startLine;
      if (record.length !== header.length) {
        yield {
          line,
          problems: [{ line, field: '(line)', message: `expected ${header.length} fields as in the header, found ${record.length}` }],
        };
        continue;
      }
      const row: CsvRecord = {};
      header.forEach((col, i) => (row[col] = record[i]));
      const { input: complaint, problems, fieldOf } = csvRecordToInput(row);
      yield { line, input: complaint, problems: problems.map((p) => ({ line, ...p })), fieldOf };
    }
  } catch (err) {
    if (err instanceof CsvError && err.code === 'CSV_MAX_RECORD_SIZE') throw lineTooLong(parsedUpTo + 1, opts.maxLineBytes!);
    if (err instanceof CsvError) {
      const line = err.code === 'CSV_QUOTE_NOT_CLOSED' ? parsedUpTo + 1 : ((err as CsvError & { lines?: number }).lines ?? lastLine);
      yield { line, problems: [{ line, field: '(line)', message: `the CSV cannot be read from here on: ${csvMessage(err)}` }] };
      return;
    }
    throw err;
  }
  if (!header) yield { line: 1, problems: [{ line: 1, field: '(header)', message: 'the CSV is empty: a header row is required' }] };
}

function checkHeader(record: string[]): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const raw of record) {
    const col = raw.trim();
    if (!isCsvColumn(col))
      problems.push({ line: 1, field: col || '(empty)', message: `unknown column "${col}"; the columns are: ${CSV_COLUMNS.join(', ')}` });
    else if (seen.has(col)) problems.push({ line: 1, field: col, message: `column "${col}" appears twice` });
    seen.add(col);
  }
  for (const required of ['external_ref', 'filed_at', 'consumer_country', 'trader_country', 'sector', 'problem'] as const) {
    if (!seen.has(required)) problems.push({ line: 1, field: required, message: `required column "${required}" is missing` });
  }
  if (!seen.has('trader_id') && !seen.has('trader_name'))
    problems.push({ line: 1, field: 'trader_id', message: 'a trader_id or trader_name column is required' });
  return problems;
}

function csvMessage(err: CsvError): string {
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed (a " is missing)';
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return 'a quote is closed in the middle of a field (write "" for a quote inside a quoted field)';
    default:
      return err.message;
  }
}
