/**
 * A package revision as the portal shows it: the rates it carries (rate records, rates.ts) put
 * back into the one form and document list the editor, the submit rules, the review page, the
 * questions, the notifications and the submission record have always read. Pure: the caller
 * reads the rates (`everLinkedRateIds`) and hands them in.
 *
 * - `formData.rateCertifications`: the revision's own embedded rates (records written before
 *   rates were records), then one entry per link, in link order, `id` = the rate's id.
 * - `documents`: the revision's own, then each linked rate's documents with `rateId` set.
 * - `rates`: what the page says about each link (whose rate it is, which revision is shown,
 *   whether a newer one was submitted since).
 *
 * Which rate revision a link shows: a submitted package revision the one it was frozen to; a
 * draft revision its child rate's newest (the state is editing it), a linked rate's last
 * submitted one (what a submission would carry: the parent's edits in progress are not shown to
 * other packages).
 */
import type { PackageDocument } from './document.js';
import type { RateCertification } from './form-data.js';
import { rateNumberLabel } from './naming.js';
import type { Package, Revision } from './package.js';
import type { RateLink } from './rate-link.js';
import {
  deriveRateStatus,
  lastSubmittedRateRevision,
  type Rate,
  type RateFormData,
  type RateRevision,
  type RateStatus,
  rateRevision,
} from './rates.js';

/** The facts about one link of a revision, in link order. */
export interface RateLinkFacts {
  rateId: string;
  /** e.g. `MN-RATE-0003`. */
  rateNumber: string;
  stateCode: string;
  parentPackageId: string;
  /** The package shown is the rate's parent: only it edits the rate. */
  isChild: boolean;
  /** The rate's status now. */
  status: RateStatus;
  /** The rate revision this package revision shows. */
  rateRevision: number;
  /** The rate's newest submitted revision; greater than `rateRevision`: a newer one was submitted since. */
  latestSubmittedRevision: number | null;
  /** The form of the revision shown (to name it). */
  formData: RateFormData;
}

export type ProjectedRevision = Revision & { rates: RateLinkFacts[] };
export type ProjectedPackage = Omit<Package, 'revisions'> & { revisions: ProjectedRevision[] };

/** The rate revision a link of `revision` shows, or undefined when the rate (revision) is unknown. */
export function shownRateRevision(
  packageId: string,
  link: RateLink,
  rate: Rate | undefined,
): RateRevision | undefined {
  if (!rate) return undefined;
  if (link.rateRevision !== null) return rateRevision(rate, link.rateRevision);
  if (rate.parentPackageId === packageId) return rate.revisions[0];
  return lastSubmittedRateRevision(rate) ?? rate.revisions[0];
}

/** The rate certification entry a rate revision makes in the form. */
export const rateCertificationOf = (rateId: string, revision: Pick<RateRevision, 'formData'>) =>
  ({ ...structuredClone(revision.formData), id: rateId }) as RateCertification;

/** The documents of a rate revision as package documents of the rate (`rateId` set). */
export const rateDocumentsOf = (rateId: string, revision: Pick<RateRevision, 'documents'>) =>
  revision.documents.map((d): PackageDocument => ({ ...structuredClone(d), rateId }));

/**
 * One revision with its rates put back. A link whose rate (or frozen revision) is not among
 * `rates` is left out: nothing is invented.
 */
export function projectRevision(
  pkg: Pick<Package, 'id'>,
  revision: Revision,
  rates: ReadonlyMap<string, Rate>,
): ProjectedRevision {
  const linked = new Set(revision.rateLinks.map((l) => l.rateId));
  const certifications = revision.formData.rateCertifications.filter((r) => !linked.has(r.id));
  const documents = revision.documents.filter((d) => !d.rateId || !linked.has(d.rateId));
  const facts: RateLinkFacts[] = [];
  for (const link of revision.rateLinks) {
    const rate = rates.get(link.rateId);
    const shown = shownRateRevision(pkg.id, link, rate);
    if (!rate || !shown) continue;
    certifications.push(rateCertificationOf(rate.id, shown));
    documents.push(...rateDocumentsOf(rate.id, shown));
    facts.push({
      rateId: rate.id,
      rateNumber: rateNumberLabel(rate.stateCode, rate.stateRateNumber),
      stateCode: rate.stateCode,
      parentPackageId: rate.parentPackageId,
      isChild: rate.parentPackageId === pkg.id,
      status: deriveRateStatus(rate),
      rateRevision: shown.number,
      latestSubmittedRevision: lastSubmittedRateRevision(rate)?.number ?? null,
      formData: shown.formData,
    });
  }
  return {
    ...revision,
    formData: { ...revision.formData, rateCertifications: certifications },
    documents,
    rates: facts,
  };
}

/** Every revision of the package projected. */
export function projectPackage(pkg: Package, rates: ReadonlyMap<string, Rate>): ProjectedPackage {
  return { ...pkg, revisions: pkg.revisions.map((r) => projectRevision(pkg, r, rates)) };
}

/** Rates by id, as the projection takes them. */
export const ratesById = (rates: Iterable<Rate>): Map<string, Rate> =>
  new Map([...rates].map((r) => [r.id, r]));
