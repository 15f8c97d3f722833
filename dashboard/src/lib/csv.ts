/** CSV text of a table (RFC 4180 quoting) and a browser download of any blob or URL. */
import { csvText } from '../../../core/csv-text.js';
import { spreadsheetSafe } from '../../../core/spreadsheet-cell.js';

export interface Column<R> {
  key: keyof R & string;
  label: string;
  format?: (value: R[keyof R & string], row: R) => string;
  /** on screen only: the cell's provisional sentence (provisional.ts), shown as a mark after its value */
  provisional?: (row: R) => string | undefined;
}

/**
 * One cell: numbers and booleans as they are (a column the API types as a number re-reads as one,
 * negative or not); text, which may come from the data (a trader's name), cannot start a formula.
 */
function cell(value: unknown): string {
  if (value == null) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return spreadsheetSafe(String(value));
}

/** Raw values (not the display format) so the file re-reads as numbers. */
export function toCsv<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  const head = columns.map((c) => spreadsheetSafe(c.label));
  return csvText([head, ...rows.map((r) => columns.map((c) => cell(r[c.key])))], '\r\n');
}

export function download(filename: string, content: Blob | string): void {
  const url = typeof content === 'string' ? content : URL.createObjectURL(content);
  const a = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  if (typeof content !== 'string') setTimeout(() => URL.revokeObjectURL(url), 1000);
}
