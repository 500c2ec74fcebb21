/** One CSV cell: numbers as they print, text quoted (RFC 4180) only when it holds a comma, quote or line break. */
function cell(v: string | number | null): string {
  if (v === null) return '';
  return typeof v === 'number' || !/[",\r\n]/.test(v) ? String(v) : `"${v.replace(/"/g, '""')}"`;
}

/** A CSV document: the header line, then one line a row, CRLF line ends (RFC 4180). */
export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null>>): string {
  return [header, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}
