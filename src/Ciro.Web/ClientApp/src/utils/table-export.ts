// Exports of exactly what a view shows: the rows and columns of its table, as CSV or JSON.

export type ExportColumn<Row> = {
  /** Column name in the CSV header and the JSON object key. */
  key: string;
  value: (row: Row) => string | number | boolean | null | undefined;
};

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR) gets a leading apostrophe (OWASP's CSV
 * injection advice); numbers are written as numbers, so a negative value stays a number.
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 CSV: header row, CRLF line ends. */
export function toCsv<Row>(rows: readonly Row[], columns: readonly ExportColumn<Row>[]): string {
  const lines = [columns.map((c) => csvCell(c.key)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(c.value(row))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** A JSON array of objects keyed like the CSV header, same values. */
export function toJson<Row>(rows: readonly Row[], columns: readonly ExportColumn<Row>[]): string {
  return JSON.stringify(
    rows.map((row) => Object.fromEntries(columns.map((c) => [c.key, c.value(row) ?? null]))),
    null,
    2,
  ) + '\n';
}

/** "ciro-gas-20261130T1000Z-20261130T1200Z": view and range, so exports sort and don't collide. */
export function exportName(view: string, from: string | undefined, to: string | undefined): string {
  // The API writes offsets ("+00:00"); normalise to UTC first.
  const stamp = (iso: string | undefined) =>
    iso && !Number.isNaN(Date.parse(iso)) ? new Date(iso).toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '').replace(/00Z$/, 'Z') : 'now';
  return `ciro-${view}-${stamp(from)}-${stamp(to)}`;
}
