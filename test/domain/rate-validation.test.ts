/**
 * What a rate record must hold when its parent submits it (`validateRateForSubmit`, the rules of an
 * embedded rate certification), and how rate links count as a package's rate certifications.
 */
import { describe, expect, it } from 'vitest';
import { validateForSubmit, validateRateForSubmit } from '../../src/domain/index.js';
import { contractOnlyDraft, MSC_PLUS, mnContext, TODAY } from './fixtures.js';
import { rateDoc, rateForm, rateId, ratesPackageForm } from './rate-builders.js';

const ctx = { packageForm: ratesPackageForm(), today: TODAY };
const complete = () => ({ formData: rateForm(), documents: [rateDoc(1), rateDoc(2, 'RATE_SUPPORTING')] });
const paths = (rate: ReturnType<typeof complete>, c = ctx) =>
  validateRateForSubmit(rate, c).map((e) => e.path);

describe('validateRateForSubmit', () => {
  it('finds nothing in a complete rate', () => {
    expect(paths(complete())).toEqual([]);
  });

  it('names each missing field by the rate’s own paths', () => {
    const { rateType: _t, capitationType: _c, rateDateCertified: _d, ...form } = rateForm();
    expect(paths({ ...complete(), formData: { ...form, certifyingActuaries: [] } })).toEqual([
      'rateType',
      'rateDateCertified',
      'capitationType',
      'certifyingActuaries',
    ]);
  });

  it('wants programs of the package, populations on a D-SNP contract, a certified date not in the future', () => {
    const formData = {
      ...rateForm(),
      rateProgramIds: [MSC_PLUS.id],
      medicaidPopulations: [],
      rateDateCertified: '2099-01-01',
    };
    expect(paths({ ...complete(), formData })).toEqual([
      'rateProgramIds.0',
      'rateDateCertified',
      'medicaidPopulations',
    ]);
    expect(
      paths(
        { ...complete(), formData: { ...rateForm(), medicaidPopulations: [] } },
        { ...ctx, packageForm: { ...ctx.packageForm, dsnpContract: false } },
      ),
    ).toEqual([]);
  });

  it('wants exactly one certification document, supporting ones many, every one scanned clean or not scanned', () => {
    expect(paths({ ...complete(), documents: [rateDoc(2, 'RATE_SUPPORTING')] })).toEqual(['documents']);
    expect(paths({ ...complete(), documents: [rateDoc(1), rateDoc(3)] })).toEqual(['documents']);
    const scanning = { ...rateDoc(4, 'RATE_SUPPORTING'), scanStatus: 'PENDING' as const };
    const infected = { ...rateDoc(5, 'RATE_SUPPORTING'), scanStatus: 'INFECTED' as const };
    expect(paths({ ...complete(), documents: [rateDoc(1), scanning, infected] })).toEqual([
      'documents.1.scanStatus',
      'documents.2.scanStatus',
    ]);
  });
});

describe('rate links on a submitted revision', () => {
  const contractDocs = contractOnlyDraft().documents;
  it('count as the rate certifications of a contract-and-rates package', () => {
    const draft = { formData: ratesPackageForm(), documents: contractDocs };
    expect(validateForSubmit(draft, mnContext()).map((e) => e.path)).toEqual(['formData.rateCertifications']);
    expect(
      validateForSubmit({ ...draft, rateLinks: [{ rateId: rateId(1), rateRevision: null }] }, mnContext()),
    ).toEqual([]);
  });

  it('are refused on a contract-only package', () => {
    const draft = { ...contractOnlyDraft(), rateLinks: [{ rateId: rateId(1), rateRevision: null }] };
    expect(validateForSubmit(draft, mnContext()).map((e) => e.path)).toEqual(['rateLinks']);
  });
});
