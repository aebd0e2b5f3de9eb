/**
 * CSV as RFC 4180 writes it (CRLF line ends; a field holding a comma, quote, CR or LF is quoted,
 * its quotes doubled), made safe to open in a spreadsheet: a cell starting with a character a
 * spreadsheet reads as the start of a formula (= + - @, tab, CR) gets a leading single quote, so
 * it is shown as text, never run (OWASP "CSV injection").
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field, neutralised and quoted as needed. */
export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One record, CRLF-terminated. */
export const csvRecord = (fields: readonly string[]): string => `${fields.map(csvField).join(',')}\r\n`;
