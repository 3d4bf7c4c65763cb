/**
 * CSV that Japanese Excel opens as it is (docs/api.md "CSV"): UTF-8 with a byte-order mark (without
 * it Excel reads Shift_JIS and shows mojibake), CRLF line ends, every cell quoted by Papa Parse's
 * rules, and cells that begin like a formula (`=`, `+`, `-`, `@`, tab, CR) prefixed with `'` so a
 * spreadsheet shows them as text and runs nothing: an idea may say `=HYPERLINK(...)`.
 */
import Papa from 'papaparse';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

const BOM = '\uFEFF';

export type CsvCell = string | number | boolean | null;

/** One CSV file: a header row, then the rows, each as long as the header. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  const body = Papa.unparse(
    { fields: [...header], data: rows.map((row) => row.map((cell) => cell ?? '')) },
    { newline: '\r\n', quotes: true, escapeFormulae: true },
  );
  return `${BOM}${body}\r\n`;
}

/**
 * A `Content-Disposition` for `name` that every browser saves under that name, Japanese included
 * (RFC 6266: an ASCII fallback, then the UTF-8 name).
 */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
