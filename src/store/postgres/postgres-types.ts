/**
 * How values come back from PostgreSQL (server and PGlite alike): `date` as 'YYYY-MM-DD' text,
 * `bigint` as a number, `timestamptz` as the ISO string the domain uses. Reading timestamps
 * straight into ISO text skips a Date per column and its formatting back, most of a list's
 * mapping work.
 */
import pg from 'pg';

export const DATE_OID = 1082;
export const INT8_OID = 20;
export const TIMESTAMPTZ_OID = 1184;

const parseTimestamp = pg.types.getTypeParser(TIMESTAMPTZ_OID) as (text: string) => Date | number;

/**
 * '2026-01-31 12:34:56.789+00' → '2026-01-31T12:34:56.789Z' (fractions past milliseconds are cut,
 * as Date does). Other zones, years and infinities take the Date route.
 */
export function isoTimestamp(text: string): string {
  const n = text.length;
  if (
    text.endsWith('+00') &&
    text[4] === '-' &&
    text[10] === ' ' &&
    text[16] === ':' &&
    (n === 22 || (text[19] === '.' && n <= 29))
  ) {
    const fraction = n === 22 ? '000' : `${text.slice(20, n - 3)}00`.slice(0, 3);
    return `${text.slice(0, 10)}T${text.slice(11, 19)}.${fraction}Z`;
  }
  const parsed = parseTimestamp(text);
  return parsed instanceof Date && !Number.isNaN(parsed.getTime()) ? parsed.toISOString() : text;
}

/**
 * JSON carries timestamps as `2026-01-31T12:34:56.789+00:00` (fractions up to microseconds, none
 * when zero); the rows elsewhere hold the domain's ISO form, `2026-01-31T12:34:56.789Z`.
 */
export function jsonTimestamp(value: string | null): string | null {
  if (value === null) return null;
  const n = value.length;
  if (value.endsWith('+00:00') && value[10] === 'T' && (n === 25 || (value[19] === '.' && n <= 32))) {
    const fraction = n === 25 ? '000' : `${value.slice(20, n - 6)}00`.slice(0, 3);
    return `${value.slice(0, 19)}.${fraction}Z`;
  }
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

export const PARSERS: Record<number, (text: string) => unknown> = {
  [DATE_OID]: (text) => text,
  [INT8_OID]: (text) => Number(text),
  [TIMESTAMPTZ_OID]: isoTimestamp,
};

/** For `pg` pools: PARSERS for text results, pg's own for everything else. */
export const PG_TYPES: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (format ?? 'text') === 'text' && PARSERS[oid]
      ? PARSERS[oid]
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};
