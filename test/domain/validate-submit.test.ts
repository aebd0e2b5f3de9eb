import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type {
  FieldError,
  FormData,
  FormDataInput,
  PackageDocument,
  RateCertification,
  SubmitContext,
  SubmitDraft,
} from '../../src/domain/index.js';
import {
  ACTUARIAL_FIRMS,
  ACTUARY_COMMUNICATION_PREFERENCES,
  CAPITATION_TYPES,
  CONTRACT_EXECUTION_STATUSES,
  CONTRACT_TYPES,
  canAuthor,
  canTransition,
  DOCUMENT_CATEGORIES,
  DocumentListSchema,
  FEDERAL_AUTHORITIES,
  FormDataSchema,
  ITEMS_BEING_AMENDED,
  MANAGED_CARE_ENTITIES,
  MAX_ACTUARIES,
  MAX_CONTACTS,
  MAX_SUBMIT_DESCRIPTION,
  MEDICAID_POPULATION_KEYS,
  MODIFIED_PROVISION_KEYS,
  POPULATIONS_COVERED,
  RATE_TYPES,
  requireReason,
  SCAN_STATUSES,
  SUBMISSION_TYPES,
  validateForSubmit,
} from '../../src/domain/index.js';
import {
  answeredProvisions,
  arbActuary,
  arbContact,
  arbEmail,
  arbIsoDate,
  arbNonBlank,
  arbValidCase,
  contractAndRatesDraft,
  contractOnlyDraft,
  deepFreeze,
  doc,
  FOREIGN_PROGRAM_ID,
  ID_KIND,
  MSC_PLUS,
  MSHO,
  mnContext,
  RATE_1,
  RATE_2,
  range,
  SNBC,
  stateUser,
  TODAY,
  uid,
  type ValidCase,
} from './fixtures.js';

/** A deep copy of `draft` changed by `change`. */
function edit(draft: SubmitDraft, change: (f: FormData, docs: PackageDocument[]) => void): SubmitDraft {
  const copy = structuredClone(draft) as { formData: FormData; documents: PackageDocument[] };
  change(copy.formData, copy.documents);
  return copy;
}

const pathsOf = (errors: FieldError[]) => errors.map((e) => e.path).sort();
const paths = (draft: SubmitDraft, ctx: SubmitContext = mnContext()) =>
  pathsOf(validateForSubmit(draft, ctx));
const rate = (f: FormData, i: number): RateCertification => f.rateCertifications[i]!;
/** A copy of `draft` with some form fields replaced. */
const withForm = (draft: SubmitDraft, patch: Partial<FormData>) =>
  edit(draft, (f) => void Object.assign(f, patch));
/** A copy of `draft` with some fields of rate certification `i` replaced. */
const withRate = (draft: SubmitDraft, i: number, patch: Partial<RateCertification>) =>
  edit(draft, (f) => void Object.assign(rate(f, i), patch));

describe('complete drafts', () => {
  test.each([
    ['contract-only', contractOnlyDraft],
    ['contract-and-rates', contractAndRatesDraft],
  ])('the %s fixture is what the schemas accept', (_, draft) => {
    const d = draft();
    expect(FormDataSchema.parse(d.formData)).toEqual(d.formData);
    expect(DocumentListSchema.parse(d.documents)).toEqual(d.documents);
  });

  test('a complete CONTRACT_ONLY draft has no errors', () => {
    expect(validateForSubmit(contractOnlyDraft(), mnContext())).toEqual([]);
  });

  test('a complete CONTRACT_AND_RATES draft has no errors', () => {
    expect(validateForSubmit(contractAndRatesDraft(), mnContext())).toEqual([]);
  });

  test('a complete draft being resubmitted has no errors', () => {
    const ctx = mnContext();
    expect(validateForSubmit(contractAndRatesDraft(), ctx)).toEqual([]);
    expect(validateForSubmit(contractOnlyDraft(), ctx)).toEqual([]);
  });

  test('every error has a path and a message', () => {
    const errors = validateForSubmit(
      withForm(contractAndRatesDraft(), { contractType: undefined }),
      mnContext(),
    );
    expect(errors).toEqual([{ path: 'formData.contractType', message: expect.stringMatching(/\S/) }]);
  });
});

describe('preconditions checked outside validateForSubmit', () => {
  test("the package's state must be the user's state", () => {
    expect(canAuthor(stateUser('MN'), 'MN')).toBe(true);
    expect(canAuthor(stateUser('WI'), 'MN')).toBe(false);
  });

  test('submit starts from DRAFT, resubmit from UNLOCKED', () => {
    expect(canTransition('submit', 'DRAFT')).toBe(true);
    expect(canTransition('submit', 'UNLOCKED')).toBe(false);
    expect(canTransition('resubmit', 'UNLOCKED')).toBe(true);
    expect(canTransition('resubmit', 'DRAFT')).toBe(false);
  });
});

describe('always: programs', () => {
  test('at least one program', () => {
    expect(paths(withForm(contractOnlyDraft(), { programIds: [] }))).toEqual(['formData.programIds']);
  });

  test("every program is one of the package's state", () => {
    const d = edit(contractOnlyDraft(), (f) => void f.programIds.push(FOREIGN_PROGRAM_ID));
    expect(paths(d)).toEqual(['formData.programIds.1']);
  });

  test('the state programs come from the context, not a fixed list', () => {
    expect(paths(contractOnlyDraft(), mnContext({ programs: [{ id: MSHO.id }] }))).toEqual([
      'formData.programIds.0',
    ]);
    expect(paths(contractOnlyDraft(), mnContext({ programs: [] }))).toEqual(['formData.programIds.0']);
  });
});

describe('always: contract', () => {
  test('a contract type', () => {
    expect(paths(withForm(contractOnlyDraft(), { contractType: undefined }))).toEqual([
      'formData.contractType',
    ]);
  });

  test('a start date', () => {
    expect(paths(withForm(contractOnlyDraft(), { contractDateStart: undefined }))).toEqual([
      'formData.contractDateStart',
    ]);
  });

  test('an end date', () => {
    expect(paths(withForm(contractOnlyDraft(), { contractDateEnd: undefined }))).toEqual([
      'formData.contractDateEnd',
    ]);
  });

  test('both dates missing: both reported', () => {
    const d = edit(contractOnlyDraft(), (f) => {
      f.contractDateStart = undefined;
      f.contractDateEnd = undefined;
    });
    expect(paths(d)).toEqual(['formData.contractDateEnd', 'formData.contractDateStart']);
  });

  test.each([
    ['2026-12-31', '2026-01-01'],
    ['2026-01-01', '2026-01-01'],
    ['2026-01-02', '2026-01-01'],
    ['2027-01-01', '2026-12-31'],
  ])('start %s is not before end %s', (start, end) => {
    const d = edit(contractOnlyDraft(), (f) => {
      f.contractDateStart = start;
      f.contractDateEnd = end;
    });
    expect(paths(d)).toEqual(['formData.contractDateEnd']);
  });

  test('one day apart is enough', () => {
    const d = edit(contractOnlyDraft(), (f) => {
      f.contractDateStart = '2026-12-31';
      f.contractDateEnd = '2027-01-01';
    });
    expect(paths(d)).toEqual([]);
  });

  test('at least one managed care entity', () => {
    expect(paths(withForm(contractOnlyDraft(), { managedCareEntities: [] }))).toEqual([
      'formData.managedCareEntities',
    ]);
  });

  test('at least one federal authority', () => {
    expect(paths(withForm(contractOnlyDraft(), { federalAuthorities: [] }))).toEqual([
      'formData.federalAuthorities',
    ]);
  });
});

describe('always: submission description', () => {
  test.each(['', '  \n '])('is required (given %j)', (text) => {
    expect(paths(withForm(contractOnlyDraft(), { submissionDescription: text }))).toEqual([
      'formData.submissionDescription',
    ]);
  });

  test('holds at most 1,500 characters on submit, though a draft may hold more', () => {
    const at = (n: number) => withForm(contractOnlyDraft(), { submissionDescription: 'é'.repeat(n) });
    expect(MAX_SUBMIT_DESCRIPTION).toBe(1500);
    expect(paths(at(1500))).toEqual([]);
    expect(validateForSubmit(at(1501), mnContext())).toEqual([
      { path: 'formData.submissionDescription', message: expect.stringContaining('1,500') },
    ]);
    expect(FormDataSchema.safeParse(at(1501).formData).success).toBe(true);
  });

  test('counts characters, not UTF-16 units, and not the surrounding blanks', () => {
    // 1,500 emoji are 3,000 UTF-16 code units.
    expect(paths(withForm(contractOnlyDraft(), { submissionDescription: '🩺'.repeat(1500) }))).toEqual([]);
    const padded = `  ${'x'.repeat(1500)}\n\n`;
    expect(paths(withForm(contractOnlyDraft(), { submissionDescription: padded }))).toEqual([]);
  });
});

describe('always: the contract questions CMS triages by', () => {
  test.each(['populationCovered', 'riskBasedContract', 'contractExecutionStatus', 'dsnpContract'] as const)(
    '%s is required on submit',
    (field) => {
      expect(paths(withForm(contractOnlyDraft(), { [field]: undefined }))).toEqual([`formData.${field}`]);
    },
  );

  test('a draft made before the questions existed parses, and submit names each missing one', () => {
    const { populationCovered, riskBasedContract, contractExecutionStatus, dsnpContract, ...old } =
      contractOnlyDraft().formData;
    const d = { formData: FormDataSchema.parse(old), documents: contractOnlyDraft().documents };
    expect(paths(d)).toEqual([
      'formData.contractExecutionStatus',
      'formData.dsnpContract',
      'formData.populationCovered',
      'formData.riskBasedContract',
    ]);
  });

  test('"no" is an answer', () => {
    expect(paths(withForm(contractOnlyDraft(), { riskBasedContract: false, dsnpContract: false }))).toEqual(
      [],
    );
  });

  test.each(['MEDICAID', 'MEDICAID_AND_CHIP'] as const)(
    'a %s package may carry rates',
    (populationCovered) => {
      expect(paths(withForm(contractAndRatesDraft(), { populationCovered }))).toEqual([]);
    },
  );

  test('a CHIP-only package carries no rate certifications: it is contract only', () => {
    expect(paths(withForm(contractAndRatesDraft(), { populationCovered: 'CHIP' }))).toEqual([
      'formData.submissionType',
    ]);
    expect(paths(withForm(contractOnlyDraft(), { populationCovered: 'CHIP' }))).toEqual([]);
    const chipWithRates = withForm(contractOnlyDraft(), {
      populationCovered: 'CHIP',
      rateCertifications: structuredClone(contractAndRatesDraft().formData.rateCertifications),
    });
    expect(paths(chipWithRates)).toEqual(['formData.rateCertifications']);
  });
});

describe('always: amendment provisions', () => {
  const amendment = () =>
    edit(contractOnlyDraft(), (f) => {
      f.contractType = 'AMENDMENT';
      f.modifiedProvisions = answeredProvisions('BENEFITS_PROVIDED');
    });

  test('a complete amendment has no errors', () => {
    expect(paths(amendment())).toEqual([]);
  });

  test('every provision answered "no" is a complete answer', () => {
    expect(paths(withForm(amendment(), { modifiedProvisions: answeredProvisions() }))).toEqual([]);
  });

  test('each unanswered provision is reported at its own answer', () => {
    const d = edit(amendment(), (f) => {
      delete f.modifiedProvisions!.CAPITATION_RATES;
      delete f.modifiedProvisions!.MEDICAL_LOSS_RATIO;
    });
    expect(validateForSubmit(d, mnContext())).toEqual([
      {
        path: 'formData.modifiedProvisions.CAPITATION_RATES',
        message: expect.stringContaining('Capitation'),
      },
      {
        path: 'formData.modifiedProvisions.MEDICAL_LOSS_RATIO',
        message: expect.stringContaining('Medical loss ratio'),
      },
    ]);
  });

  test.each([undefined, {}])(
    'an amendment with no answers at all (%j): one error for the list',
    (answers) => {
      expect(paths(withForm(amendment(), { modifiedProvisions: answers }))).toEqual([
        'formData.modifiedProvisions',
      ]);
    },
  );

  test('the answers replace the checklist: an amendment needs no items being amended', () => {
    expect(amendment().formData.itemsBeingAmended).toEqual([]);
    expect(paths(amendment())).toEqual([]);
  });

  test("an earlier form's checklist is kept as written and no longer checked", () => {
    const d = withForm(amendment(), { itemsBeingAmended: ['CAPITATION_RATES', 'OTHER'] });
    expect(FormDataSchema.parse(d.formData).itemsBeingAmended).toEqual(['CAPITATION_RATES', 'OTHER']);
    expect(paths(d)).toEqual([]);
  });

  test('the checklist does not stand in for the answers', () => {
    const d = withForm(amendment(), {
      itemsBeingAmended: ['BENEFITS_PROVIDED'],
      modifiedProvisions: undefined,
    });
    expect(paths(d)).toEqual(['formData.modifiedProvisions']);
  });

  test('a base contract answers no provisions', () => {
    expect(paths(withForm(contractOnlyDraft(), { modifiedProvisions: {} }))).toEqual([]);
    expect(
      paths(withForm(contractOnlyDraft(), { modifiedProvisions: { BENEFITS_PROVIDED: false } })),
    ).toEqual(['formData.modifiedProvisions']);
  });

  test('a base contract needs no items being amended', () => {
    expect(paths(withForm(contractOnlyDraft(), { itemsBeingAmended: [] }))).toEqual([]);
  });
});

describe('always: contract document', () => {
  test('at least one CONTRACT document', () => {
    expect(paths(edit(contractOnlyDraft(), (_f, docs) => void docs.splice(0, 1)))).toEqual(['documents']);
  });

  test('supporting documents do not count as the contract', () => {
    const d = edit(contractOnlyDraft(), (_f, docs) => {
      docs[0] = doc(1, 'CONTRACT_SUPPORTING');
    });
    expect(paths(d)).toEqual(['documents']);
  });

  test('no documents at all', () => {
    expect(paths(edit(contractOnlyDraft(), (_f, docs) => void docs.splice(0)))).toEqual(['documents']);
  });
});

describe('always: state contacts', () => {
  test('at least one state contact', () => {
    expect(paths(withForm(contractOnlyDraft(), { stateContacts: [] }))).toEqual(['formData.stateContacts']);
  });

  test.each(['', '   ', 'not-an-email', 'someone@', '@state.mn.us', 'a b@state.mn.us', 'someone@localhost'])(
    'a contact needs a valid email (not %j)',
    (email) => {
      const d = edit(contractAndRatesDraft(), (f) => {
        f.stateContacts[1]!.email = email;
      });
      expect(paths(d)).toEqual(['formData.stateContacts.1.email']);
    },
  );

  test.each(['', '  '])('a contact needs a title or role (given %j)', (title) => {
    const d = edit(contractAndRatesDraft(), (f) => {
      f.stateContacts[1]!.title = title;
    });
    expect(paths(d)).toEqual(['formData.stateContacts.1.title']);
  });

  test('a contact needs a name', () => {
    const d = edit(contractAndRatesDraft(), (f) => {
      f.stateContacts[0]!.name = ' ';
    });
    expect(paths(d)).toEqual(['formData.stateContacts.0.name']);
  });

  test('each broken contact is reported on its own', () => {
    const d = edit(contractAndRatesDraft(), (f) => {
      f.stateContacts[0]!.email = 'x';
      f.stateContacts[1]!.email = 'y';
    });
    expect(paths(d)).toEqual(['formData.stateContacts.0.email', 'formData.stateContacts.1.email']);
  });
});

describe('always: document scan status', () => {
  test.each(['INFECTED', 'PENDING', 'ERROR'] as const)(
    'a %s document blocks the submission',
    (scanStatus) => {
      const d = edit(contractAndRatesDraft(), (_f, docs) => {
        docs[2]!.scanStatus = scanStatus;
      });
      expect(paths(d)).toEqual(['documents.2.scanStatus']);
    },
  );

  test('an infected contract document is reported even though it is the only contract', () => {
    const d = edit(contractOnlyDraft(), (_f, docs) => {
      docs[0]!.scanStatus = 'INFECTED';
    });
    expect(paths(d)).toEqual(['documents.0.scanStatus']);
  });

  test.each(['CLEAN', 'NOT_SCANNED'] as const)('%s documents are fine', (scanStatus) => {
    const d = edit(contractAndRatesDraft(), (_f, docs) => {
      for (const x of docs) x.scanStatus = scanStatus;
    });
    expect(paths(d)).toEqual([]);
  });
});

describe('CONTRACT_AND_RATES', () => {
  const car = contractAndRatesDraft;

  test('at least one rate certification', () => {
    const d = edit(car(), (f, docs) => {
      f.rateCertifications = [];
      docs.splice(2); // and its rate documents
    });
    expect(paths(d)).toEqual(['formData.rateCertifications']);
  });

  test('an actuary communication preference', () => {
    expect(paths(withForm(car(), { actuaryCommunicationPreference: undefined }))).toEqual([
      'formData.actuaryCommunicationPreference',
    ]);
  });

  test('each rate certification has a rate type', () => {
    expect(paths(withRate(car(), 1, { rateType: undefined }))).toEqual([
      'formData.rateCertifications.1.rateType',
    ]);
  });

  test('each rate certification has at least one program', () => {
    expect(paths(withRate(car(), 0, { rateProgramIds: [] }))).toEqual([
      'formData.rateCertifications.0.rateProgramIds',
    ]);
  });

  test("a rate's programs are programs of the package (not just of the state)", () => {
    const d = withRate(car(), 1, { rateProgramIds: [MSHO.id, SNBC.id, FOREIGN_PROGRAM_ID] });
    expect(paths(d)).toEqual([
      'formData.rateCertifications.1.rateProgramIds.1',
      'formData.rateCertifications.1.rateProgramIds.2',
    ]);
  });

  test.each([
    ['rateDateStart', 'formData.rateCertifications.0.rateDateStart'],
    ['rateDateEnd', 'formData.rateCertifications.0.rateDateEnd'],
    ['rateDateCertified', 'formData.rateCertifications.0.rateDateCertified'],
  ] as const)('each rate certification has its %s', (field, path) => {
    expect(paths(withRate(car(), 0, { [field]: undefined }))).toEqual([path]);
  });

  test.each([
    ['2026-12-31', '2026-01-01'],
    ['2026-06-01', '2026-06-01'],
  ])('rate start %s is not before rate end %s', (start, end) => {
    const d = edit(car(), (f) => {
      rate(f, 0).rateDateStart = start;
      rate(f, 0).rateDateEnd = end;
    });
    expect(paths(d)).toEqual(['formData.rateCertifications.0.rateDateEnd']);
  });

  test.each([
    ['effectiveDateStart', 'formData.rateCertifications.1.effectiveDateStart'],
    ['effectiveDateEnd', 'formData.rateCertifications.1.effectiveDateEnd'],
  ] as const)('a rate amendment has its %s', (field, path) => {
    expect(paths(withRate(car(), 1, { [field]: undefined }))).toEqual([path]);
  });

  test("a rate amendment's effective dates are in order", () => {
    const d = edit(car(), (f) => {
      rate(f, 1).effectiveDateStart = '2026-12-31';
      rate(f, 1).effectiveDateEnd = '2026-03-01';
    });
    expect(paths(d)).toEqual(['formData.rateCertifications.1.effectiveDateEnd']);
  });

  test('a new rate needs no effective dates, an amendment does', () => {
    const d = car();
    expect(rate(d.formData, 0).effectiveDateStart).toBeUndefined();
    expect(paths(d)).toEqual([]);
    const amended = withRate(d, 0, { rateType: 'AMENDMENT' });
    expect(paths(amended)).toEqual([
      'formData.rateCertifications.0.effectiveDateEnd',
      'formData.rateCertifications.0.effectiveDateStart',
    ]);
  });

  test('each rate certification has at least one certifying actuary', () => {
    expect(paths(withRate(car(), 0, { certifyingActuaries: [] }))).toEqual([
      'formData.rateCertifications.0.certifyingActuaries',
    ]);
  });

  test('each actuary has a firm', () => {
    const d = edit(car(), (f) => {
      rate(f, 1).certifyingActuaries[1]!.actuarialFirm = undefined;
    });
    expect(paths(d)).toEqual(['formData.rateCertifications.1.certifyingActuaries.1.actuarialFirm']);
  });

  test.each([undefined, '', '  '])('an OTHER firm is named (given %j)', (other) => {
    const d = edit(car(), (f) => {
      rate(f, 1).certifyingActuaries[0]!.actuarialFirmOther = other;
    });
    expect(paths(d)).toEqual(['formData.rateCertifications.1.certifyingActuaries.0.actuarialFirmOther']);
  });

  test('each actuary has a name and a valid email', () => {
    const d = edit(car(), (f) => {
      rate(f, 0).certifyingActuaries[0]!.name = '';
      rate(f, 0).certifyingActuaries[0]!.email = 'mercer';
    });
    expect(paths(d)).toEqual([
      'formData.rateCertifications.0.certifyingActuaries.0.email',
      'formData.rateCertifications.0.certifyingActuaries.0.name',
    ]);
  });

  test('each actuary has a title or role', () => {
    const d = edit(car(), (f) => {
      rate(f, 1).certifyingActuaries[1]!.title = ' ';
    });
    expect(paths(d)).toEqual(['formData.rateCertifications.1.certifyingActuaries.1.title']);
  });

  test('each rate certification has a capitation type', () => {
    expect(paths(withRate(car(), 1, { capitationType: undefined }))).toEqual([
      'formData.rateCertifications.1.capitationType',
    ]);
  });

  test.each([undefined, []])(
    'a rate of a D-SNP contract names its Medicaid populations (given %j)',
    (pops) => {
      expect(paths(withRate(car(), 0, { medicaidPopulations: pops }))).toEqual([
        'formData.rateCertifications.0.medicaidPopulations',
      ]);
    },
  );

  test('a rate of a contract that is not D-SNP needs no Medicaid populations', () => {
    const d = edit(car(), (f) => {
      f.dsnpContract = false;
      rate(f, 0).medicaidPopulations = undefined;
      rate(f, 1).medicaidPopulations = [];
    });
    expect(paths(d)).toEqual([]);
  });

  test('the date certified may be today but not later; today comes from the context', () => {
    expect(paths(withRate(car(), 0, { rateDateCertified: TODAY }))).toEqual([]);
    expect(paths(withRate(car(), 0, { rateDateCertified: '2025-12-02' }))).toEqual([
      'formData.rateCertifications.0.rateDateCertified',
    ]);
    expect(paths(car(), mnContext({ today: '2025-10-31' }))).toEqual([
      'formData.rateCertifications.1.rateDateCertified',
    ]);
  });

  test('each rate certification has exactly one rate certification document; supporting ones stay many', () => {
    const twoCertifications = edit(car(), (_f, docs) => void docs.push(doc(9, 'RATE', { rateId: RATE_2 })));
    expect(validateForSubmit(twoCertifications, mnContext())).toEqual([
      { path: 'formData.rateCertifications.1.documents', message: expect.stringContaining('exactly one') },
    ]);
    const moreSupporting = edit(car(), (_f, docs) => {
      docs.push(
        doc(9, 'RATE_SUPPORTING', { rateId: RATE_1 }),
        doc(10, 'RATE_SUPPORTING', { rateId: RATE_2 }),
      );
    });
    expect(paths(moreSupporting)).toEqual([]);
  });

  test('each rate certification has at least one RATE document of its own', () => {
    // Rate 0 keeps only its supporting document; rate 1's RATE document does not count for it.
    const d = edit(car(), (_f, docs) => void docs.splice(2, 1));
    expect(paths(d)).toEqual(['formData.rateCertifications.0.documents']);
  });

  test('the second rate certification without documents', () => {
    const d = edit(car(), (_f, docs) => void docs.splice(4, 1));
    expect(paths(d)).toEqual(['formData.rateCertifications.1.documents']);
  });

  test('a rate document belongs to one of the rate certifications', () => {
    const d = edit(car(), (_f, docs) => {
      docs.push(doc(9, 'RATE', { rateId: uid(ID_KIND.rate, 99) }));
      docs.push(doc(10, 'RATE_SUPPORTING'));
    });
    expect(paths(d)).toEqual(['documents.5.rateId', 'documents.6.rateId']);
  });
});

describe('CONTRACT_ONLY', () => {
  test('carries no rate certifications', () => {
    const d = withForm(contractOnlyDraft(), {
      rateCertifications: structuredClone(contractAndRatesDraft().formData.rateCertifications),
    });
    expect(paths(d)).toEqual(['formData.rateCertifications']);
  });

  test('carries no rate documents', () => {
    const d = edit(contractOnlyDraft(), (_f, docs) => {
      docs.push(doc(3, 'RATE', { rateId: RATE_1 }), doc(4, 'RATE_SUPPORTING', { rateId: RATE_2 }));
    });
    expect(paths(d)).toEqual(['documents.2.category', 'documents.3.category']);
  });

  test('an incomplete leftover rate certification is not checked field by field', () => {
    const d = withForm(contractOnlyDraft(), {
      rateCertifications: [{ id: RATE_1, rateProgramIds: [], certifyingActuaries: [] }],
    });
    expect(paths(d)).toEqual(['formData.rateCertifications']);
  });

  test('needs no actuary communication preference', () => {
    expect(contractOnlyDraft().formData.actuaryCommunicationPreference).toBeUndefined();
    expect(paths(contractOnlyDraft())).toEqual([]);
  });
});

describe('resubmit', () => {
  // The reason is a rule of the resubmission itself (domain/reasons.ts), not of the form.
  test.each([undefined, '', '   '])('a resubmission needs a reason (given %j)', (reason) => {
    expect(() => requireReason(reason, 'resubmit')).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        fields: [expect.objectContaining({ path: 'reason' })],
      }),
    );
  });

  test('a reason is kept trimmed', () => {
    expect(requireReason('  Corrected the rate period ', 'resubmit')).toBe('Corrected the rate period');
  });
});

describe('all broken rules are reported at once', () => {
  /** What an empty draft of either type misses: the contract part every submission has. */
  const CONTRACT_PATHS = [
    'formData.programIds',
    'formData.submissionDescription',
    'formData.populationCovered',
    'formData.riskBasedContract',
    'formData.contractExecutionStatus',
    'formData.dsnpContract',
    'formData.contractType',
    'formData.contractDateStart',
    'formData.contractDateEnd',
    'formData.managedCareEntities',
    'formData.federalAuthorities',
    'formData.stateContacts',
    'documents',
  ];

  test.each([
    [
      'contract-and-rates',
      'CONTRACT_AND_RATES',
      ['formData.rateCertifications', 'formData.actuaryCommunicationPreference'],
    ],
    ['contract-only', 'CONTRACT_ONLY', []],
  ])('a mostly empty %s draft', (_, submissionType, ratePaths) => {
    const d: SubmitDraft = { formData: FormDataSchema.parse({ submissionType }), documents: [] };
    expect(paths(d, mnContext())).toEqual([...CONTRACT_PATHS, ...ratePaths].sort());
  });

  test('several problems across contract, rates, documents and reason', () => {
    const d = edit(contractAndRatesDraft(), (f, docs) => {
      f.contractDateEnd = '2025-01-01';
      f.federalAuthorities = [];
      delete f.modifiedProvisions!.ENCOUNTER_DATA;
      f.stateContacts[0]!.email = 'nope';
      f.stateContacts[1]!.title = '';
      rate(f, 0).rateDateCertified = undefined;
      rate(f, 0).capitationType = undefined;
      rate(f, 1).certifyingActuaries = [];
      rate(f, 1).rateProgramIds.push(MSC_PLUS.id);
      docs[1]!.scanStatus = 'PENDING';
      docs.splice(4, 1);
    });
    expect(paths(d, mnContext())).toEqual(
      [
        'formData.contractDateEnd',
        'formData.federalAuthorities',
        'formData.modifiedProvisions.ENCOUNTER_DATA',
        'formData.stateContacts.0.email',
        'formData.stateContacts.1.title',
        'formData.rateCertifications.0.rateDateCertified',
        'formData.rateCertifications.0.capitationType',
        'formData.rateCertifications.1.certifyingActuaries',
        'formData.rateCertifications.1.rateProgramIds.2',
        'formData.rateCertifications.1.documents',
        'documents.1.scanStatus',
      ].sort(),
    );
  });

  test('does not change the draft', () => {
    const d = deepFreeze(withForm(contractAndRatesDraft(), { programIds: [] }));
    expect(() => validateForSubmit(d, mnContext())).not.toThrow();
  });
});

// ---------------------------------------------------------------- properties

interface Mutation {
  name: string;
  /** The error path the broken thing must be reported at. */
  path: string;
  apply: (f: FormData, docs: PackageDocument[], ctx: SubmitContext) => void;
}

/** The mutation that sets form field `field` to `value` (unset or emptied), reported at that field. */
function setField<K extends keyof FormData>(name: string, field: K, value: FormData[K]): Mutation {
  return {
    name,
    path: `formData.${field}`,
    apply: (f) => {
      f[field] = structuredClone(value);
    },
  };
}

/** Every way to remove (or break) one required thing of this complete draft. */
function mutationsFor({ draft }: ValidCase): Mutation[] {
  const f = draft.formData;
  const m: Mutation[] = [
    setField('no programs', 'programIds', []),
    {
      name: 'program of another state',
      path: `formData.programIds.${f.programIds.length}`,
      apply: (f) => void f.programIds.push(FOREIGN_PROGRAM_ID),
    },
    setField('no contract type', 'contractType', undefined),
    setField('no contract start', 'contractDateStart', undefined),
    setField('no contract end', 'contractDateEnd', undefined),
    {
      name: 'contract dates swapped',
      path: 'formData.contractDateEnd',
      apply: (f) => {
        [f.contractDateStart, f.contractDateEnd] = [f.contractDateEnd, f.contractDateStart];
      },
    },
    {
      name: 'contract ends when it starts',
      path: 'formData.contractDateEnd',
      apply: (f) => {
        f.contractDateEnd = f.contractDateStart;
      },
    },
    setField('no entities', 'managedCareEntities', []),
    setField('no authorities', 'federalAuthorities', []),
    setField('no contacts', 'stateContacts', []),
    setField('no description', 'submissionDescription', ' '),
    setField('description too long', 'submissionDescription', 'x'.repeat(1501)),
    setField('no population covered', 'populationCovered', undefined),
    setField('no risk-based answer', 'riskBasedContract', undefined),
    setField('no execution status', 'contractExecutionStatus', undefined),
    setField('no D-SNP answer', 'dsnpContract', undefined),
    {
      name: 'no contract document',
      path: 'documents',
      apply: (_f, docs) => {
        for (let i = docs.length - 1; i >= 0; i--) if (docs[i]!.category === 'CONTRACT') docs.splice(i, 1);
      },
    },
  ];
  f.stateContacts.forEach((_, i) => {
    m.push(
      {
        name: 'contact without email',
        path: `formData.stateContacts.${i}.email`,
        apply: (f) => {
          f.stateContacts[i]!.email = '';
        },
      },
      {
        name: 'contact without name',
        path: `formData.stateContacts.${i}.name`,
        apply: (f) => {
          f.stateContacts[i]!.name = '';
        },
      },
      {
        name: 'contact without title',
        path: `formData.stateContacts.${i}.title`,
        apply: (f) => {
          f.stateContacts[i]!.title = '';
        },
      },
    );
  });
  draft.documents.forEach((_, i) => {
    for (const s of ['INFECTED', 'PENDING', 'ERROR'] as const) {
      m.push({
        name: `document ${s}`,
        path: `documents.${i}.scanStatus`,
        apply: (_f, docs) => {
          docs[i]!.scanStatus = s;
        },
      });
    }
  });
  if (f.contractType === 'AMENDMENT') {
    for (const p of MODIFIED_PROVISION_KEYS) {
      m.push({
        name: 'amendment provision unanswered',
        path: `formData.modifiedProvisions.${p}`,
        apply: (f) => {
          delete f.modifiedProvisions![p];
        },
      });
    }
  } else {
    m.push({
      name: 'base contract with a provision answered',
      path: 'formData.modifiedProvisions',
      apply: (f) => {
        f.modifiedProvisions = { QUALITY_STANDARDS: true };
      },
    });
  }
  if (f.submissionType === 'CONTRACT_ONLY') {
    m.push({
      name: 'contract-only with a rate',
      path: 'formData.rateCertifications',
      apply: (f) =>
        void f.rateCertifications.push(
          structuredClone(contractAndRatesDraft().formData.rateCertifications[0]!),
        ),
    });
  } else {
    m.push(
      setField('no rates', 'rateCertifications', []),
      setField('no communication preference', 'actuaryCommunicationPreference', undefined),
      {
        name: 'CHIP-only with rates',
        path: 'formData.submissionType',
        apply: (f) => {
          f.populationCovered = 'CHIP';
        },
      },
    );
    f.rateCertifications.forEach((r, i) => {
      const at = `formData.rateCertifications.${i}`;
      /** Rate field `field` set to `value` (unset or emptied), reported at that field. */
      const setRateField = <K extends keyof RateCertification>(
        field: K,
        value: RateCertification[K],
        name = `rate without ${field}`,
      ): Mutation => ({
        name,
        path: `${at}.${field}`,
        apply: (f) => {
          f.rateCertifications[i]![field] = structuredClone(value);
        },
      });
      m.push(
        setRateField('rateType', undefined),
        setRateField('rateDateStart', undefined),
        setRateField('rateDateEnd', undefined),
        setRateField('rateDateCertified', undefined),
        setRateField('rateProgramIds', [], 'rate without programs'),
        {
          name: 'rate dates swapped',
          path: `${at}.rateDateEnd`,
          apply: (f) => {
            const x = f.rateCertifications[i]!;
            [x.rateDateStart, x.rateDateEnd] = [x.rateDateEnd, x.rateDateStart];
          },
        },
        setRateField('certifyingActuaries', [], 'rate without actuaries'),
        setRateField('capitationType', undefined),
        {
          name: 'D-SNP rate without populations',
          path: `${at}.medicaidPopulations`,
          apply: (f) => {
            f.dsnpContract = true;
            f.rateCertifications[i]!.medicaidPopulations = [];
          },
        },
        {
          name: 'rate certified after today',
          path: `${at}.rateDateCertified`,
          apply: (_f, _docs, ctx) => {
            ctx.today = '1999-12-31';
          },
        },
        {
          name: 'rate with two certification documents',
          path: `${at}.documents`,
          apply: (_f, docs) => void docs.push(doc(900 + i, 'RATE', { rateId: r.id })),
        },
        {
          name: 'rate without RATE documents',
          path: `${at}.documents`,
          apply: (_f, docs) => {
            for (let j = docs.length - 1; j >= 0; j--) {
              if (docs[j]!.category === 'RATE' && docs[j]!.rateId === r.id) docs.splice(j, 1);
            }
          },
        },
      );
      // A program of the package that this rate does not use yet, dropped from the package.
      const used = r.rateProgramIds[0]!;
      m.push({
        name: "rate program dropped from the package's programs",
        path: `${at}.rateProgramIds.0`,
        apply: (f) => {
          f.programIds = f.programIds.filter((id) => id !== used);
        },
      });
      if (r.rateType === 'AMENDMENT') {
        m.push(
          setRateField('effectiveDateStart', undefined, 'rate amendment without effective start'),
          setRateField('effectiveDateEnd', undefined, 'rate amendment without effective end'),
        );
      }
      r.certifyingActuaries.forEach((a, j) => {
        const ap = `${at}.certifyingActuaries.${j}`;
        m.push(
          {
            name: 'actuary without firm',
            path: `${ap}.actuarialFirm`,
            apply: (f) => {
              f.rateCertifications[i]!.certifyingActuaries[j]!.actuarialFirm = undefined;
            },
          },
          {
            name: 'actuary without title',
            path: `${ap}.title`,
            apply: (f) => {
              f.rateCertifications[i]!.certifyingActuaries[j]!.title = ' ';
            },
          },
          {
            name: 'actuary without email',
            path: `${ap}.email`,
            apply: (f) => {
              f.rateCertifications[i]!.certifyingActuaries[j]!.email = '';
            },
          },
        );
        if (a.actuarialFirm === 'OTHER') {
          m.push({
            name: 'OTHER firm without name',
            path: `${ap}.actuarialFirmOther`,
            apply: (f) => {
              f.rateCertifications[i]!.certifyingActuaries[j]!.actuarialFirmOther = '';
            },
          });
        }
      });
    });
  }
  return m;
}

describe('validateForSubmit: properties', () => {
  test('generated complete drafts are accepted by the schemas and have no errors', () => {
    fc.assert(
      fc.property(arbValidCase, ({ draft, ctx }) => {
        expect(FormDataSchema.safeParse(draft.formData).success).toBe(true);
        expect(DocumentListSchema.safeParse(draft.documents).success).toBe(true);
        expect(validateForSubmit(draft, ctx)).toEqual([]);
      }),
    );
  });

  test('(a) removing or breaking one required thing is reported at that thing', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(
        arbValidCase.chain((c) => fc.tuple(fc.constant(c), fc.constantFrom(...mutationsFor(c)))),
        ([c, mutation]) => {
          seen.add(mutation.name);
          const ctx: SubmitContext = structuredClone(c.ctx);
          const draft = edit(c.draft, (f, docs) => mutation.apply(f, docs, ctx));
          const errors = validateForSubmit(draft, ctx);
          expect(
            errors.map((e) => e.path),
            mutation.name,
          ).toContain(mutation.path);
        },
      ),
      { numRuns: 500 },
    );
    // The property is only as good as the mutations it actually tried.
    expect(seen.size).toBeGreaterThanOrEqual(30);
  });

  test('(a) every mutation, applied to the two fixtures', () => {
    for (const draft of [contractOnlyDraft(), contractAndRatesDraft()]) {
      const c: ValidCase = { draft, ctx: mnContext(), statePrograms: [] };
      for (const mutation of mutationsFor(c)) {
        const ctx = structuredClone(c.ctx);
        const broken = edit(draft, (f, docs) => mutation.apply(f, docs, ctx));
        expect(paths(broken, ctx), mutation.name).toContain(mutation.path);
      }
    }
  });

  test('(b) any form data the schema accepts: no throw, well-formed errors pointing into the draft', () => {
    fc.assert(
      fc.property(arbAnyCase, ({ input, documents, ctx }) => {
        const parsed = FormDataSchema.safeParse(input);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        const draft = deepFreeze({ formData: parsed.data!, documents });
        deepFreeze(ctx);

        const errors = validateForSubmit(draft, ctx);
        expect(validateForSubmit(draft, ctx)).toEqual(errors);
        for (const e of errors) {
          expect(e.path).toMatch(/^(reason|formData(\.[A-Za-z0-9_]+)+|documents(\.[A-Za-z0-9]+)*)$/);
          expect(e.message.trim()).not.toBe('');
          expect(pointsIntoDraft(draft, e.path), e.path).toBe(true);
        }
        expect(new Set(errors.map((e) => `${e.path}|${e.message}`)).size).toBe(errors.length);

        if (errors.length === 0) expectSubmittable(draft, ctx);
      }),
      { numRuns: 500 },
    );
  });

  test('(c) complete drafts with extra valid content stay complete', () => {
    fc.assert(
      fc.property(arbValidCase.chain(withExtras), ({ draft, ctx }) => {
        const parsed = FormDataSchema.safeParse(draft.formData);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
        expect(DocumentListSchema.safeParse(draft.documents).success).toBe(true);
        expect(validateForSubmit(draft, ctx)).toEqual([]);
      }),
    );
  });
});

/** A path names an existing array element or object field, or a rule about the object at its parent. */
function pointsIntoDraft(draft: SubmitDraft, path: string): boolean {
  if (path === 'reason') return true;
  const segments = path.split('.');
  let at: unknown = draft;
  for (const [i, s] of segments.entries()) {
    const last = i === segments.length - 1;
    if (Array.isArray(at)) {
      if (!/^\d+$/.test(s) || Number(s) >= at.length) return false;
      at = at[Number(s)];
    } else if (at !== null && typeof at === 'object') {
      if (last) return true;
      if (!(s in at)) return false;
      at = (at as Record<string, unknown>)[s];
    } else {
      return false;
    }
  }
  return true;
}

/** What an error-free draft must be, checked independently of validateForSubmit. */
function expectSubmittable(draft: SubmitDraft, ctx: SubmitContext) {
  const f = draft.formData;
  const state = new Set(ctx.programs.map((p) => p.id));
  expect(f.programIds.length).toBeGreaterThan(0);
  for (const id of f.programIds) expect(state.has(id)).toBe(true);
  expect(f.contractType).toBeDefined();
  expect(f.contractDateStart! < f.contractDateEnd!).toBe(true);
  expect(f.managedCareEntities.length).toBeGreaterThan(0);
  expect(f.federalAuthorities.length).toBeGreaterThan(0);
  expect(f.submissionDescription.trim()).not.toBe('');
  expect([...f.submissionDescription.trim()].length).toBeLessThanOrEqual(1500);
  expect(f.populationCovered).toBeDefined();
  expect(f.riskBasedContract).toBeDefined();
  expect(f.contractExecutionStatus).toBeDefined();
  expect(f.dsnpContract).toBeDefined();
  if (f.contractType === 'AMENDMENT') {
    for (const p of MODIFIED_PROVISION_KEYS) expect(typeof f.modifiedProvisions?.[p]).toBe('boolean');
  } else {
    expect(Object.keys(f.modifiedProvisions ?? {})).toEqual([]);
  }
  expect(f.stateContacts.length).toBeGreaterThan(0);
  for (const c of f.stateContacts) {
    expect(c.email.trim()).toMatch(/^[^@\s]+@[^@\s]+\.[^@\s]+$/);
    expect(c.title.trim()).not.toBe('');
  }
  expect(draft.documents.some((d) => d.category === 'CONTRACT')).toBe(true);
  for (const d of draft.documents) expect(['CLEAN', 'NOT_SCANNED']).toContain(d.scanStatus);
  if (f.submissionType === 'CONTRACT_ONLY') {
    expect(f.rateCertifications).toEqual([]);
  } else {
    expect(f.rateCertifications.length).toBeGreaterThan(0);
    expect(f.actuaryCommunicationPreference).toBeDefined();
    expect(f.populationCovered).not.toBe('CHIP');
    for (const r of f.rateCertifications) {
      expect(r.certifyingActuaries.length).toBeGreaterThan(0);
      for (const a of r.certifyingActuaries) expect(a.title.trim()).not.toBe('');
      expect(r.capitationType).toBeDefined();
      expect(r.rateDateCertified! <= ctx.today).toBe(true);
      if (f.dsnpContract) expect(r.medicaidPopulations?.length).toBeGreaterThan(0);
      expect(draft.documents.filter((d) => d.category === 'RATE' && d.rateId === r.id)).toHaveLength(1);
    }
  }
}

// ---------------------------------------------------------------- arbitraries for (b) and (c)

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });
const STATE_PROGRAMS = range(4).map((i) => uid(ID_KIND.program, 2000 + i));
const RATE_IDS = range(3).map((i) => uid(ID_KIND.rate, 2000 + i));
const arbProgramRef = fc.oneof(
  fc.constantFrom(...STATE_PROGRAMS),
  fc.constant(FOREIGN_PROGRAM_ID),
  fc.uuid({ version: 4 }),
);
const arbText = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('', '   '));
const arbMaybeEmail = fc.oneof(arbEmail, arbText, fc.constantFrom('a@b', ' x@y.gov ', 'x@@y.gov'));

const arbRateInput = fc.record(
  {
    id: fc.constantFrom(...RATE_IDS),
    rateType: opt(fc.constantFrom(...RATE_TYPES)),
    rateProgramIds: fc.uniqueArray(arbProgramRef, { maxLength: 3 }),
    rateDateStart: opt(arbIsoDate),
    rateDateEnd: opt(arbIsoDate),
    rateDateCertified: opt(arbIsoDate),
    effectiveDateStart: opt(arbIsoDate),
    effectiveDateEnd: opt(arbIsoDate),
    capitationType: opt(fc.constantFrom(...CAPITATION_TYPES)),
    medicaidPopulations: opt(fc.shuffledSubarray([...MEDICAID_POPULATION_KEYS])),
    certifyingActuaries: fc.array(
      fc.record(
        {
          name: arbText,
          title: arbText,
          email: arbMaybeEmail,
          actuarialFirm: fc.constantFrom(...ACTUARIAL_FIRMS),
          actuarialFirmOther: arbText,
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
  },
  { requiredKeys: ['id'] },
);

const arbFormInput: fc.Arbitrary<FormDataInput> = fc.record(
  {
    submissionType: fc.constantFrom(...SUBMISSION_TYPES),
    programIds: fc.uniqueArray(arbProgramRef, { maxLength: 4 }),
    submissionDescription: arbText,
    contractType: opt(fc.constantFrom(...CONTRACT_TYPES)),
    contractDateStart: opt(arbIsoDate),
    contractDateEnd: opt(arbIsoDate),
    managedCareEntities: fc.shuffledSubarray([...MANAGED_CARE_ENTITIES]),
    federalAuthorities: fc.shuffledSubarray([...FEDERAL_AUTHORITIES]),
    itemsBeingAmended: fc.shuffledSubarray([...ITEMS_BEING_AMENDED], { maxLength: 3 }),
    otherItemBeingAmended: opt(arbText),
    relatedToCovid19: opt(fc.boolean()),
    populationCovered: opt(fc.constantFrom(...POPULATIONS_COVERED)),
    riskBasedContract: opt(fc.boolean()),
    contractExecutionStatus: opt(fc.constantFrom(...CONTRACT_EXECUTION_STATUSES)),
    dsnpContract: opt(fc.boolean()),
    modifiedProvisions: opt(
      fc.dictionary(fc.constantFrom(...MODIFIED_PROVISION_KEYS), fc.boolean(), { maxKeys: 30 }),
    ),
    rateCertifications: fc.uniqueArray(arbRateInput, { maxLength: 3, selector: (r) => r.id }),
    stateContacts: fc.array(
      fc.record({ name: arbText, title: arbText, email: arbMaybeEmail }, { requiredKeys: [] }),
      {
        maxLength: 3,
      },
    ),
    actuaryCommunicationPreference: opt(fc.constantFrom(...ACTUARY_COMMUNICATION_PREFERENCES)),
  },
  { requiredKeys: ['submissionType'] },
);

const arbDocuments: fc.Arbitrary<PackageDocument[]> = fc
  .array(
    fc.record({
      category: fc.constantFrom(...DOCUMENT_CATEGORIES),
      rateId: opt(fc.oneof(fc.constantFrom(...RATE_IDS), fc.uuid({ version: 4 }))),
      scanStatus: fc.constantFrom(...SCAN_STATUSES),
    }),
    { maxLength: 6 },
  )
  .map((ds) => ds.map((d, i) => doc(i, d.category, { rateId: d.rateId, scanStatus: d.scanStatus })));

interface AnyCase {
  input: FormDataInput;
  documents: PackageDocument[];
  ctx: SubmitContext;
}

/** Random (mostly incomplete) drafts, plus complete ones so that the error-free branch is exercised. */
const arbAnyCase: fc.Arbitrary<AnyCase> = fc.oneof(
  fc.record({
    input: arbFormInput,
    documents: arbDocuments,
    ctx: fc.record(
      {
        programs: fc.constant(STATE_PROGRAMS.map((id) => ({ id }))),
        today: arbIsoDate,
      },
      { requiredKeys: ['programs', 'today'] },
    ),
  }),
  arbValidCase.map((c) => ({ input: c.draft.formData, documents: [...c.draft.documents], ctx: c.ctx })),
);

/** Adds things a complete draft may have more of; none of them may make it incomplete. */
function withExtras(c: ValidCase): fc.Arbitrary<ValidCase> {
  const f = c.draft.formData;
  const unusedStatePrograms = c.statePrograms.filter((id) => !f.programIds.includes(id));
  return fc
    .record({
      contacts: fc.array(arbContact, { maxLength: MAX_CONTACTS - f.stateContacts.length }),
      otherStatePrograms: fc.integer({ min: 0, max: 5 }),
      morePrograms: fc.subarray(unusedStatePrograms),
      contractDocs: fc.integer({ min: 0, max: 2 }),
      supportingDocs: fc.integer({ min: 0, max: 2 }),
      rateSupportingDocs: fc.integer({ min: 0, max: 2 }),
      actuaries: fc.array(arbActuary, {
        maxLength: MAX_ACTUARIES - (f.rateCertifications[0]?.certifyingActuaries.length ?? 0),
      }),
      description: fc.oneof(arbNonBlank(500), fc.constant('d'.repeat(MAX_SUBMIT_DESCRIPTION))),
      covid: fc.boolean(),
    })
    .map((x): ValidCase => {
      const draft = edit(c.draft, (f, docs) => {
        f.stateContacts.push(...x.contacts);
        f.programIds.push(...x.morePrograms);
        f.submissionDescription = x.description;
        f.relatedToCovid19 = x.covid;
        let n = 500;
        for (let i = 0; i < x.contractDocs; i++) docs.push(doc(n++, 'CONTRACT'));
        for (let i = 0; i < x.supportingDocs; i++)
          docs.push(doc(n++, 'CONTRACT_SUPPORTING', { scanStatus: 'NOT_SCANNED' }));
        const r0 = f.rateCertifications[0];
        if (r0) {
          r0.certifyingActuaries.push(...x.actuaries);
          for (let i = 0; i < x.rateSupportingDocs; i++)
            docs.push(doc(n++, 'RATE_SUPPORTING', { rateId: r0.id }));
        }
      });
      const programs = [
        ...c.ctx.programs,
        ...range(x.otherStatePrograms).map((i) => ({ id: uid(ID_KIND.program, 3000 + i) })),
      ];
      const ctx: SubmitContext = { ...c.ctx, programs };
      return { ...c, draft, ctx };
    });
}
