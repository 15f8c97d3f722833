/** CSV text of a table (RFC 4180 quoting) and a browser download of any blob or URL. */
export interface Column<R> {
  key: keyof R & string;
  label: string;
  format?: (value: R[keyof R & string], row: R) => string;
}

const quote = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** Raw values (not the display format) so the file re-reads as numbers. */
export function toCsv<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  const head = columns.map((c) => quote(c.label)).join(',');
  const body = rows.map((r) => columns.map((c) => quote(r[c.key] == null ? '' : String(r[c.key]))).join(','));
  return [head, ...body].join('\r\n') + '\r\n';
}

export function download(filename: string, content: Blob | string): void {
  const url = typeof content === 'string' ? content : URL.createObjectURL(content);
  const a = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(a);
  a.click();
  a.remove();
  if (typeof content !== 'string') setTimeout(() => URL.revokeObjectURL(url), 1000);
}
