/**
 * Small CSV documents built in memory (RFC 4180 quoting): the dashboard's table downloads and the
 * ADR report. Pure, so the browser and Node share it; large streamed exports use csv-stringify.
 * Callers pass text cells through spreadsheetSafe (spreadsheet-cell.ts) first.
 */

/** One field, quoted when it holds a comma, a quote or a line break. */
export const csvField = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Rows of fields as CSV text, every record ended by `eol`. */
export function csvText(rows: readonly (readonly string[])[], eol: '\n' | '\r\n'): string {
  return rows.map((r) => r.map(csvField).join(',') + eol).join('');
}
