/** Rate records and packages linking them, written out by hand for the projection and draft-plan tests. */
import type { Package, Rate, RateLink, RateRevision } from '../../src/domain/index.js';
import { contractAndRatesDraft, doc, ID_KIND, uid } from './fixtures.js';
import { CMS, CREATED_AT, draftPackage, STATE, SUBMITTED_AT, UNLOCKED_AT } from './plan-builders.js';

export const OTHER_PKG_ID = uid(ID_KIND.package, 2);

/** The form of a rate certification of the fixtures, without its id. */
export function rateForm(n: 0 | 1) {
  const { id: _id, ...form } = contractAndRatesDraft().formData.rateCertifications[n]!;
  return form;
}

export function rateRev(
  number: number,
  parts: Partial<RateRevision> & { submitted?: boolean; packageId?: string } = {},
): RateRevision {
  const { submitted, packageId, ...rest } = parts;
  return {
    id: uid(ID_KIND.revision, 500 + number),
    number,
    createdAt: number === 1 ? CREATED_AT : UNLOCKED_AT,
    formData: rateForm(0),
    documents: [],
    submitInfo: submitted ? { at: SUBMITTED_AT, by: STATE, reason: 'Initial submission' } : null,
    unlockInfo: number > 1 ? { at: UNLOCKED_AT, by: CMS, reason: 'Fix it' } : null,
    submittedWith: submitted
      ? { packageId: packageId ?? uid(ID_KIND.package, 1), packageRevision: number }
      : null,
    ...rest,
  };
}

export function rate(
  n: number,
  parentPackageId: string,
  revisions: RateRevision[],
  extra: Partial<Rate> = {},
): Rate {
  const submitted = revisions.find((r) => r.submitInfo);
  return {
    id: uid(ID_KIND.rate, n),
    stateCode: 'MN',
    stateRateNumber: n,
    parentPackageId,
    status: revisions[0]!.submitInfo
      ? revisions.length > 1
        ? 'RESUBMITTED'
        : 'SUBMITTED'
      : revisions.length > 1
        ? 'UNLOCKED'
        : 'DRAFT',
    version: 1,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    initiallySubmittedAt: submitted ? SUBMITTED_AT : null,
    revisions,
    packageIds: [parentPackageId],
    withdrawals: [],
    ...extra,
  };
}

/** A draft (version 1, contract only, no embedded rates) whose revision links these rates. */
export function draftLinking(links: RateLink[]): Package {
  const pkg = draftPackage();
  return { ...pkg, revisions: [{ ...pkg.revisions[0]!, rateLinks: links }] };
}

export const rateDoc = (n: number, category: 'RATE' | 'RATE_SUPPORTING' = 'RATE') => {
  const { rateId: _r, ...d } = doc(n, category);
  return d as Omit<ReturnType<typeof doc>, 'rateId' | 'category'> & { category: 'RATE' | 'RATE_SUPPORTING' };
};
