/**
 * Moving embedded rate certifications into rate records (rate-migration.ts): what every revision
 * sent reads back the same, both sides of the links agree, and a migrated package is left alone.
 */
import { describe, expect, it } from 'vitest';
import {
  embeddedRatesToRecords,
  linkedRateIds,
  type Package,
  PackageSchema,
  RateSchema,
  type Revision,
  validateForSubmit,
  withDerivedStatuses,
} from '../../src/domain/index.js';
import { contractAndRatesDraft, deepFreeze, mnContext, RATE_1, RATE_2 } from './fixtures.js';
import {
  CMS,
  CREATED_AT,
  draftPackage,
  PKG_ID,
  RESUBMITTED_AT,
  STATE,
  SUBMITTED_AT,
  UNLOCKED_AT,
} from './plan-builders.js';

const UNLOCKED_AGAIN_AT = '2026-01-05T09:00:00.000Z';
const draft = contractAndRatesDraft();
const [first, second] = draft.formData.rateCertifications as [
  (typeof draft.formData.rateCertifications)[number],
  (typeof draft.formData.rateCertifications)[number],
];
const numbers = new Map([
  [RATE_1, 3],
  [RATE_2, 4],
]);
const numberFor = (id: string) => numbers.get(id)!;

function revision(number: number, parts: Partial<Revision>): Revision {
  return {
    id: `00000006-0000-4000-8000-00000000000${number}`,
    number,
    createdAt: CREATED_AT,
    formData: draft.formData,
    documents: [...draft.documents],
    submitInfo: null,
    unlockInfo: null,
    rateLinks: [],
    ...parts,
  };
}

/**
 * Submitted with two rates; unlocked, rate 1 re-certified and rate 2 removed (with its documents),
 * resubmitted; unlocked again (a draft revision like the second).
 */
function unlockedTwice(): Package {
  const edited = { ...first, rateDateCertified: '2025-11-20' };
  const secondForm = { ...draft.formData, rateCertifications: [edited] };
  const secondDocs = draft.documents.filter((d) => d.rateId !== RATE_2);
  const unlocked = (at: string) => ({ at, by: CMS, reason: 'Fix the rates' });
  const base = draftPackage();
  return deepFreeze(
    withDerivedStatuses({
      ...base,
      version: 6,
      initiallySubmittedAt: SUBMITTED_AT,
      revisions: [
        revision(3, {
          createdAt: UNLOCKED_AGAIN_AT,
          formData: secondForm,
          documents: secondDocs,
          unlockInfo: unlocked(UNLOCKED_AGAIN_AT),
        }),
        revision(2, {
          createdAt: UNLOCKED_AT,
          formData: secondForm,
          documents: secondDocs,
          unlockInfo: unlocked(UNLOCKED_AT),
          submitInfo: { at: RESUBMITTED_AT, by: STATE, reason: 'Rate 2 dropped' },
        }),
        revision(1, { submitInfo: { at: SUBMITTED_AT, by: STATE, reason: 'Initial submission' } }),
      ],
      questions: [],
    }),
  );
}

describe('embeddedRatesToRecords', () => {
  it('gives each embedded rate one revision per package revision that carried it, with its documents', () => {
    const before = unlockedTwice();
    const { package: after, rates } = embeddedRatesToRecords(before, numberFor);
    const [one, two] = rates as [(typeof rates)[number], (typeof rates)[number]];
    expect(rates.map((r) => r.id)).toEqual([RATE_1, RATE_2]);

    expect(one).toMatchObject({
      stateRateNumber: 3,
      parentPackageId: PKG_ID,
      status: 'UNLOCKED',
      version: 1,
      initiallySubmittedAt: SUBMITTED_AT,
      packageIds: [PKG_ID],
      withdrawals: [],
    });
    expect(one.revisions.map((r) => r.number)).toEqual([3, 2, 1]);
    expect(one.revisions.map((r) => r.formData.rateDateCertified)).toEqual([
      '2025-11-20',
      '2025-11-20',
      first.rateDateCertified,
    ]);
    expect(one.revisions.map((r) => r.submittedWith)).toEqual([
      null,
      { packageId: PKG_ID, packageRevision: 2 },
      { packageId: PKG_ID, packageRevision: 1 },
    ]);
    expect(one.revisions[0]!.unlockInfo?.at).toBe(UNLOCKED_AGAIN_AT);
    expect(one.revisions[1]!.submitInfo?.reason).toBe('Rate 2 dropped');
    expect(one.revisions[2]!.documents.map((d) => [d.category, d.name])).toEqual([
      ['RATE', draft.documents[2]!.name],
      ['RATE_SUPPORTING', draft.documents[3]!.name],
    ]);
    expect(one.revisions[2]!.documents.every((d) => !('rateId' in d))).toBe(true);
    expect(one.revisions[2]!.formData).toEqual((({ id: _id, ...f }) => f)(first));

    // Removed in the second revision: still a record of what the first sent, carried by no one now.
    expect(two).toMatchObject({ stateRateNumber: 4, status: 'SUBMITTED', packageIds: [] });
    expect(two.revisions.map((r) => [r.number, r.submittedWith?.packageRevision])).toEqual([[1, 1]]);
    expect(two.revisions[0]!.formData.rateType).toBe(second.rateType);

    expect(after.revisions.map((r) => r.rateLinks)).toEqual([
      [{ rateId: RATE_1, rateRevision: null }],
      [{ rateId: RATE_1, rateRevision: 2 }],
      [
        { rateId: RATE_1, rateRevision: 1 },
        { rateId: RATE_2, rateRevision: 1 },
      ],
    ]);
    expect(after.revisions.every((r) => r.formData.rateCertifications.length === 0)).toBe(true);
    expect(after.revisions.flatMap((r) => r.documents.map((d) => d.category))).not.toContain('RATE');
    expect(after.revisions.flatMap((r) => r.documents.map((d) => d.category))).not.toContain(
      'RATE_SUPPORTING',
    );
    expect(after).toMatchObject({ version: 7, status: 'UNLOCKED', updatedAt: before.updatedAt });
    expect([...linkedRateIds(after)]).toEqual([RATE_1]);
  });

  it('writes records every schema takes, that a store copy would write the same twice', () => {
    const before = unlockedTwice();
    const once = embeddedRatesToRecords(before, numberFor);
    expect(PackageSchema.parse(once.package)).toEqual(once.package);
    for (const r of once.rates) expect(RateSchema.parse(r)).toEqual(r);
    expect(embeddedRatesToRecords(before, numberFor)).toEqual(once);
    // What was submitted still passes the submit rules: rate links count as rate certifications.
    expect(validateForSubmit(once.package.revisions[1]!, mnContext())).toEqual([]);
  });

  it('leaves a package without embedded rates (one migrated already) as it was', () => {
    const { package: migrated } = embeddedRatesToRecords(unlockedTwice(), numberFor);
    expect(embeddedRatesToRecords(migrated, numberFor)).toEqual({ package: migrated, rates: [] });
    const plain = draftPackage();
    expect(embeddedRatesToRecords(plain, numberFor)).toEqual({ package: plain, rates: [] });
  });

  it('a draft revision links with null; a withdrawn package keeps its withdrawal, its rates are not withdrawn', () => {
    const d = deepFreeze({ ...draftPackage({ formData: draft.formData, documents: draft.documents }) });
    expect(embeddedRatesToRecords(d, numberFor).package.revisions[0]!.rateLinks).toEqual([
      { rateId: RATE_1, rateRevision: null },
      { rateId: RATE_2, rateRevision: null },
    ]);
    const base = unlockedTwice();
    const withdrawn = withDerivedStatuses({
      ...base,
      revisions: base.revisions.slice(1),
      reviewActions: [{ id: PKG_ID, action: 'WITHDRAW', at: UNLOCKED_AGAIN_AT, by: CMS, reason: 'Gone' }],
    });
    const { package: after, rates } = embeddedRatesToRecords(withdrawn, numberFor);
    expect(after.reviewStatus).toBe('WITHDRAWN');
    expect(rates.map((r) => r.status)).toEqual(['RESUBMITTED', 'SUBMITTED']);
  });
});
