/**
 * Each rule the domain checks before submit is shown on the form step where it can be fixed:
 * every path `validateForSubmit` reports maps to a step whose page renders that field.
 */
import { describe, expect, it } from 'vitest';
import { type FormData, FormDataSchema, validateForSubmit } from '../../src/domain/index.js';
import { safeReturnTo } from '../../web/src/api/return-to.js';
import { fieldId } from '../../web/src/form/fields.js';
import { errorsOfStep, stepOf, stepsFor } from '../../web/src/form/steps.js';

const PROGRAM = '11111111-1111-4111-8111-111111111111';
const RATE = '22222222-2222-4222-8222-222222222222';

function everythingMissing(): FormData {
  return FormDataSchema.parse({
    submissionType: 'CONTRACT_AND_RATES',
    programIds: [],
    contractType: 'AMENDMENT',
    itemsBeingAmended: ['OTHER'],
    rateCertifications: [
      {
        id: RATE,
        rateType: 'AMENDMENT',
        rateProgramIds: [PROGRAM],
        certifyingActuaries: [{ actuarialFirm: 'OTHER' }],
        rateDateCertified: '2027-01-01',
      },
    ],
    stateContacts: [{}],
  });
}

describe('form steps', () => {
  it('puts each broken rule on the step that edits it', () => {
    const errors = validateForSubmit(
      { formData: everythingMissing(), documents: [] },
      { programs: [{ id: PROGRAM }], today: '2026-12-01' },
    );
    const byStep = Object.fromEntries(errors.map((e) => [e.path, stepOf(e.path)]));
    expect(byStep).toMatchObject({
      'formData.programIds': 'submission',
      'formData.contractDateStart': 'contract',
      'formData.managedCareEntities': 'contract',
      'formData.submissionDescription': 'submission',
      'formData.populationCovered': 'contract',
      'formData.riskBasedContract': 'contract',
      'formData.contractExecutionStatus': 'contract',
      'formData.dsnpContract': 'contract',
      'formData.modifiedProvisions': 'contract',
      'formData.rateCertifications.0.capitationType': 'rates',
      'formData.rateCertifications.0.certifyingActuaries.0.title': 'rates',
      'formData.stateContacts.0.title': 'contacts',
      'formData.rateCertifications.0.rateDateStart': 'rates',
      'formData.rateCertifications.0.rateDateCertified': 'rates',
      'formData.rateCertifications.0.effectiveDateEnd': 'rates',
      'formData.rateCertifications.0.certifyingActuaries.0.actuarialFirmOther': 'rates',
      'formData.rateCertifications.0.documents': 'documents',
      'formData.actuaryCommunicationPreference': 'rates',
      'formData.stateContacts.0.email': 'contacts',
      documents: 'documents',
    });
    // Nothing lands on the review step but the resubmission reason.
    expect(errorsOfStep(errors, 'review')).toEqual([]);
  });

  it('puts a submit refused over a linked rate on the rates step, where it is unlinked', () => {
    expect(stepOf('rateLinks.0')).toBe('rates');
  });

  it('offers rate details only for contract-and-rates submissions', () => {
    expect(stepsFor({ submissionType: 'CONTRACT_ONLY' }).map((s) => s.id)).not.toContain('rates');
    expect(stepsFor({ submissionType: 'CONTRACT_AND_RATES' }).map((s) => s.id)).toContain('rates');
  });

  it('gives every field path a valid, distinct element id', () => {
    expect(fieldId('formData.stateContacts.0.email')).toBe('formData-stateContacts-0-email');
    expect(fieldId('formData.stateContacts.0.email')).not.toBe(fieldId('formData.stateContacts.1.email'));
  });

  it('returns after sign-in only to paths of this site', () => {
    expect(safeReturnTo('/packages/abc')).toBe('/packages/abc');
    for (const bad of ['//evil.example', 'https://evil.example', 'javascript:alert(1)', null]) {
      expect(safeReturnTo(bad)).toBe('/');
    }
  });
});
