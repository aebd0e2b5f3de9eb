import { describe, expect, it } from 'vitest';
import { projectPackage, projectRevision, ratesById } from '../../src/domain/index.js';
import { contractAndRatesDraft, doc, RATE_1 } from './fixtures.js';
import { draftPackage, PKG_ID, STATE, SUBMITTED_AT } from './plan-builders.js';
import { draftLinking, OTHER_PKG_ID, rate, rateDoc, rateForm, rateRev } from './rate-records.js';

describe('projecting a revision with its rates', () => {
  it('puts child and linked rates into the form and documents, in link order, with their facts', () => {
    const child = rate(3, PKG_ID, [rateRev(1, { formData: rateForm(0), documents: [rateDoc(10)] })]);
    // Another package's rate, submitted as revision 1 and since unlocked by its parent (revision 2 in progress).
    const linked = rate(4, OTHER_PKG_ID, [
      rateRev(2, { formData: { ...rateForm(1), rateDateCertified: '2025-12-01' } }),
      rateRev(1, {
        formData: rateForm(1),
        documents: [rateDoc(11)],
        submitted: true,
        packageId: OTHER_PKG_ID,
      }),
    ]);
    const pkg = draftLinking([
      { rateId: linked.id, rateRevision: null },
      { rateId: child.id, rateRevision: null },
    ]);
    const shown = projectRevision(pkg, pkg.revisions[0]!, ratesById([child, linked]));

    expect(shown.formData.rateCertifications).toEqual([
      { ...rateForm(1), id: linked.id },
      { ...rateForm(0), id: child.id },
    ]);
    expect(shown.documents.map((d) => [d.id, d.rateId])).toEqual([
      ...pkg.revisions[0]!.documents.map((d) => [d.id, undefined]),
      [rateDoc(11).id, linked.id],
      [rateDoc(10).id, child.id],
    ]);
    expect(shown.rates.map(({ formData: _f, ...facts }) => facts)).toEqual([
      {
        rateId: linked.id,
        rateNumber: 'MN-RATE-0004',
        stateCode: 'MN',
        parentPackageId: OTHER_PKG_ID,
        isChild: false,
        status: 'UNLOCKED',
        rateRevision: 1,
        latestSubmittedRevision: 1,
        // The parent's edits in progress (revision 2) are not what this draft carries.
      },
      {
        rateId: child.id,
        rateNumber: 'MN-RATE-0003',
        stateCode: 'MN',
        parentPackageId: PKG_ID,
        isChild: true,
        status: 'DRAFT',
        rateRevision: 1,
        latestSubmittedRevision: null,
      },
    ]);
    // The stored revision is untouched.
    expect(pkg.revisions[0]!.formData.rateCertifications).toEqual([]);
  });

  it('shows a submitted revision the frozen rate revision and says a newer one was submitted', () => {
    const linked = rate(5, OTHER_PKG_ID, [
      rateRev(2, { formData: rateForm(1), submitted: true, packageId: OTHER_PKG_ID }),
      rateRev(1, { formData: rateForm(0), submitted: true, packageId: OTHER_PKG_ID }),
    ]);
    const base = draftLinking([{ rateId: linked.id, rateRevision: 1 }]);
    const submitted = {
      ...base,
      revisions: [
        { ...base.revisions[0]!, submitInfo: { at: SUBMITTED_AT, by: STATE, reason: 'Initial submission' } },
      ],
    };
    const [shown] = projectPackage(submitted, ratesById([linked])).revisions;
    expect(shown!.formData.rateCertifications).toEqual([{ ...rateForm(0), id: linked.id }]);
    expect(shown!.rates[0]).toMatchObject({
      rateRevision: 1,
      latestSubmittedRevision: 2,
      status: 'RESUBMITTED',
    });
  });

  it('keeps embedded rates of records made before rates were records, and leaves out rates it was not given', () => {
    const legacy = contractAndRatesDraft();
    const pkg = draftPackage({ formData: legacy.formData, documents: legacy.documents });
    const withLink = {
      ...pkg,
      revisions: [
        {
          ...pkg.revisions[0]!,
          rateLinks: [{ rateId: rate(9, PKG_ID, [rateRev(1)]).id, rateRevision: null }],
        },
      ],
    };
    const shown = projectRevision(withLink, withLink.revisions[0]!, new Map());
    expect(shown.formData.rateCertifications).toEqual(legacy.formData.rateCertifications);
    expect(shown.documents).toEqual(legacy.documents);
    expect(shown.rates).toEqual([]);
    expect(shown.documents.filter((d) => d.rateId === RATE_1)).toEqual([
      doc(3, 'RATE', { rateId: RATE_1, scanStatus: 'NOT_SCANNED' }),
      doc(4, 'RATE_SUPPORTING', { rateId: RATE_1, scanStatus: 'NOT_SCANNED' }),
    ]);
  });
});
