import type { RateCertification } from './form-data.js';
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
 * The program part of a name: short names natural-sorted, so the name does not depend on the
 * order in which programs were picked. Rate-only programs never name a package, so they are
 * skipped (a rate certification's name keeps them: see `rateCertificationName`).
 */
function programsPart(programs: readonly Pick<Program, 'name' | 'isRateProgram'>[], skipRateOnly: boolean) {
  const named = skipRateOnly ? programs.filter((p) => !p.isRateProgram) : programs;
  return [...new Set(named.map((p) => programNamePart(p.name)).filter((p) => p.length > 0))].sort(
    (a, b) => natural.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0),
  );
}

/** `{STATE}-{PROGRAMS}-{NNNN}`, e.g. `MN-MSHO-PMAP-0003`. */
export function packageName(
  stateCode: StateCode,
  programs: readonly Pick<Program, 'name' | 'isRateProgram'>[],
  stateNumber: number,
): string {
  return [stateCode, ...programsPart(programs, true), formatStateNumber(stateNumber)].join('-');
}

/** `2027-01-01` → `20270101`; a missing date stays visibly missing. */
const compactDate = (d: string | undefined) => (d ? d.replaceAll('-', '') : 'UNKNOWN');

/**
 * The name CMS and actuaries refer to a rate certification by:
 * `MCR-{STATE}-{PROGRAMS}-{start}-{end}-CERTIFICATION-{certified}`, or for an amendment
 * `MCR-{STATE}-{PROGRAMS}-{effStart}-{effEnd}-AMENDMENT-{certified}`, dates as YYYYMMDD.
 * `programs` are the rate's own programs, rate-only ones included (they exist for rates).
 */
export function rateCertificationName(
  stateCode: StateCode,
  programs: readonly Pick<Program, 'name'>[],
  rate: Pick<
    RateCertification,
    | 'rateType'
    | 'rateDateStart'
    | 'rateDateEnd'
    | 'effectiveDateStart'
    | 'effectiveDateEnd'
    | 'rateDateCertified'
  >,
): string {
  const amendment = rate.rateType === 'AMENDMENT';
  const [start, end] = amendment
    ? [rate.effectiveDateStart, rate.effectiveDateEnd]
    : [rate.rateDateStart, rate.rateDateEnd];
  return [
    'MCR',
    stateCode,
    ...programsPart(programs, false),
    compactDate(start),
    compactDate(end),
    amendment ? 'AMENDMENT' : 'CERTIFICATION',
    compactDate(rate.rateDateCertified),
  ].join('-');
}

/** A rate's per-state reference, e.g. `MN-RATE-0007`: how audit trails and links name it. */
export function rateNumberLabel(stateCode: StateCode, stateRateNumber: number): string {
  return `${stateCode}-RATE-${formatStateNumber(stateRateNumber)}`;
}
