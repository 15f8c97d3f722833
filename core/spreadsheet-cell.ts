/**
 * CSV injection (OWASP): a spreadsheet runs a cell that begins with = + - @ (or a tab or carriage
 * return) as a formula, so a trader named `=cmd|' /C calc'!A0` would run code on the reader's
 * machine. Every text cell we write is passed through `spreadsheetSafe`, which puts a `'` in front
 * (spreadsheets show the text as typed and hide the `'`); CSV ingest passes text cells through
 * `fromSpreadsheetSafe`, which takes exactly that one `'` off again, so an export ingests back
 * unchanged. Text that already begins with `'` before a formula sign gets one more, so the round
 * trip holds for every value. Numeric cells are never passed through (a negative amount stays a
 * number); which cells are text is decided by the column, never by looking at the value.
 *
 * Pure and dependency-free: the API and the dashboard both import it.
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;

/** The text as a spreadsheet cell that cannot start a formula. */
export function spreadsheetSafe(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The inverse of `spreadsheetSafe`: the text a neutralised cell stands for. */
export function fromSpreadsheetSafe(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}
