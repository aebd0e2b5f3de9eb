/**
 * Rate certifications embedded in a package's form data (how Carepack kept rates before
 * issue 13, so in backups of format 1–3) turned into rate records on restore, by the domain's
 * `embeddedRatesToRecords`; numbers are handed out per state by the restore.
 */
import { embeddedRatesToRecords, type Package, type Rate, type StateCode } from '../domain/index.js';

/** Hands out the next rate number of a state. */
export type RateNumberSource = (stateCode: StateCode) => number;

/** Whether the package still embeds rate certifications (and links no rate record yet). */
export function hasEmbeddedRates(pkg: Package): boolean {
  const embeds = pkg.revisions.some((r) => (r.formData.rateCertifications ?? []).length > 0);
  return embeds && pkg.revisions.every((r) => (r.rateLinks ?? []).length === 0);
}

/** The package with its rates as records: the package links them, the rates list it. */
export function convertEmbeddedRates(
  pkg: Package,
  nextNumber: RateNumberSource,
): { package: Package; rates: Rate[] } {
  // The rates are the package's own children: all of its state.
  return embeddedRatesToRecords(pkg, () => nextNumber(pkg.stateCode));
}
