/** Checks every backend's import makes the same way, and the error they give. */
import type { Package, Rate } from '../domain/index.js';
import { StoreError } from './errors.js';

export interface TakenNumber {
  /** The package holding the number now. */
  id: string;
  stateCode: string;
  stateNumber: number;
  /** The package the import was to write. */
  wantedBy: string;
}

/** ALREADY_EXISTS, naming every package involved: two packages with one name are never written. */
export function numberTaken(taken: readonly TakenNumber[], what: 'package' | 'rate' = 'package'): StoreError {
  const list = taken
    .map(
      (t) =>
        `${t.stateCode} ${what === 'rate' ? 'rate ' : ''}number ${t.stateNumber} is held by ${what} ${t.id}, not ${t.wantedBy}`,
    )
    .join('; ');
  return new StoreError('ALREADY_EXISTS', `cannot import: ${list}`, { taken });
}

/** The newest of each record in `packages` (an import may list one package or rate twice). */
export function latestOfEach<T extends { id: string; version: number }>(packages: readonly T[]): T[] {
  const latest = new Map<string, T>();
  for (const p of packages) {
    const seen = latest.get(p.id);
    if (!seen || seen.version < p.version) latest.set(p.id, p);
  }
  return [...latest.values()];
}

/** Two packages of one import with one number: refused before anything is written. */
export function refuseSharedNumbers(packages: readonly Package[]): void {
  refuseShared(
    packages.map((p) => ({ id: p.id, stateCode: p.stateCode, stateNumber: p.stateNumber })),
    'package',
  );
}

/** Two rates of one import with one rate number: refused before anything is written. */
export function refuseSharedRateNumbers(rates: readonly Rate[]): void {
  refuseShared(
    rates.map((r) => ({ id: r.id, stateCode: r.stateCode, stateNumber: r.stateRateNumber })),
    'rate',
  );
}

function refuseShared(
  records: { id: string; stateCode: string; stateNumber: number }[],
  what: 'package' | 'rate',
) {
  const holders = new Map<string, string>();
  const taken: TakenNumber[] = [];
  for (const p of records) {
    const key = `${p.stateCode}#${p.stateNumber}`;
    const holder = holders.get(key);
    if (holder)
      taken.push({ id: holder, stateCode: p.stateCode, stateNumber: p.stateNumber, wantedBy: p.id });
    else holders.set(key, p.id);
  }
  if (taken.length > 0) throw numberTaken(taken, what);
}
