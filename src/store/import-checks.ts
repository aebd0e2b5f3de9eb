/** Checks every backend's import makes the same way, and the error they give. */
import type { Package } from '../domain/index.js';
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
export function numberTaken(taken: readonly TakenNumber[]): StoreError {
  const list = taken
    .map((t) => `${t.stateCode} number ${t.stateNumber} is held by package ${t.id}, not ${t.wantedBy}`)
    .join('; ');
  return new StoreError('ALREADY_EXISTS', `cannot import: ${list}`, { taken });
}

/** The newest of each package in `packages` (an import may list one package twice). */
export function latestOfEach(packages: readonly Package[]): Package[] {
  const latest = new Map<string, Package>();
  for (const p of packages) {
    const seen = latest.get(p.id);
    if (!seen || seen.version < p.version) latest.set(p.id, p);
  }
  return [...latest.values()];
}

/** Two packages of one import with one number: refused before anything is written. */
export function refuseSharedNumbers(packages: readonly Package[]): void {
  const holders = new Map<string, string>();
  const taken: TakenNumber[] = [];
  for (const p of packages) {
    const key = `${p.stateCode}#${p.stateNumber}`;
    const holder = holders.get(key);
    if (holder)
      taken.push({ id: holder, stateCode: p.stateCode, stateNumber: p.stateNumber, wantedBy: p.id });
    else holders.set(key, p.id);
  }
  if (taken.length > 0) throw numberTaken(taken);
}
