import type { Program, StateCode } from './reference.js';

const natural = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** `Dental Plus` → `DENTAL-PLUS`; anything but letters, digits, `+` and `-` is dropped. */
export function programNamePart(shortName: string): string {
  return shortName
    .trim()
    .replace(/\s+/g, '-')
    .replace(/[^A-Za-z0-9+-]/g, '')
    .toUpperCase();
}

export function formatStateNumber(n: number): string {
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`state number must be a positive integer, got ${n}`);
  return String(n).padStart(4, '0');
}

/**
 * `{STATE}-{PROGRAMS}-{NNNN}`, e.g. `MN-MSHO-PMAP-0003`. Program parts are natural-sorted so
 * the name does not depend on the order in which programs were picked.
 */
export function packageName(
  stateCode: StateCode,
  programs: readonly Pick<Program, 'name'>[],
  stateNumber: number,
): string {
  const parts = [...new Set(programs.map((p) => programNamePart(p.name)).filter((p) => p.length > 0))].sort(
    (a, b) => natural.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0),
  );
  return [stateCode, ...parts, formatStateNumber(stateNumber)].join('-');
}
