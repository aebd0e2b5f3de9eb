import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { z } from 'zod';
import type { StateUser } from '../../src/domain/index.js';
import {
  ACTUARIAL_FIRMS,
  actorOf,
  DOCUMENT_CATEGORIES,
  DocumentListSchema,
  FEDERAL_AUTHORITIES,
  FormDataSchema,
  IsoDateSchema,
  ITEMS_BEING_AMENDED,
  MANAGED_CARE_ENTITIES,
  MAX_ACTUARIES,
  MAX_CONTACTS,
  MAX_DOCUMENTS_PER_REVISION,
  MAX_PROGRAMS,
  MAX_RATE_CERTIFICATIONS,
  MEDICAID_POPULATION_KEYS,
  MEDICAID_POPULATIONS,
  MODIFIED_PROVISION_KEYS,
  MODIFIED_PROVISIONS,
  UserSchema,
} from '../../src/domain/index.js';
import {
  adminUser,
  cmsUser,
  contractAndRatesDraft,
  contractOnlyDraft,
  doc,
  ID_KIND,
  PMAP,
  RATE_1,
  RATE_2,
  range,
  sha,
  stateUser,
  uid,
} from './fixtures.js';

/** The paths of the issues a failed parse reports, dotted. */
function issuePaths(result: z.ZodSafeParseResult<unknown>): string[] {
  expect(result.success).toBe(false);
  return (result.error?.issues ?? []).map((i) => i.path.join('.'));
}

// ---------------------------------------------------------------- IsoDateSchema

describe('IsoDateSchema', () => {
  test.each([
    '2025-01-01',
    '2024-02-29',
    '2000-02-29',
    '2025-12-31',
    '2025-04-30',
    '1999-12-31',
    '2040-06-15',
  ])('accepts %s', (s) => {
    expect(IsoDateSchema.parse(s)).toBe(s);
  });

  test.each([
    '2025-02-29', // not a leap year
    '2025-02-30',
    '2024-02-30',
    '1900-02-29', // divisible by 100, not by 400
    '2100-02-29',
    '2025-04-31',
    '2025-06-31',
    '2025-13-01',
    '2025-00-10',
    '2025-01-00',
    '2025-01-32',
  ])('rejects the impossible date %s', (s) => {
    expect(IsoDateSchema.safeParse(s).success).toBe(false);
  });

  test.each([
    '',
    '2025-1-1',
    '20250101',
    '2025/01/01',
    '01-01-2025',
    '2025-01-01T00:00:00Z',
    '2025-01-01T00:00:00.000Z',
    ' 2025-01-01',
    '2025-01-01 ',
    '+02025-01-01',
    'yyyy-mm-dd',
  ])('rejects %j, which is not YYYY-MM-DD', (s) => {
    expect(IsoDateSchema.safeParse(s).success).toBe(false);
  });

  test.each([20250101, null, undefined, new Date('2025-01-01')])('rejects the non-string %s', (v) => {
    expect(IsoDateSchema.safeParse(v).success).toBe(false);
  });

  test('property: accepted exactly when the day exists in that month', () => {
    const leap = (y: number) => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    const daysIn = (y: number, m: number) =>
      [31, leap(y) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        (y, m, d) => {
          const s = `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          const real = m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
          expect(IsoDateSchema.safeParse(s).success, s).toBe(real);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

// ---------------------------------------------------------------- FormDataSchema

describe('FormDataSchema', () => {
  test('a draft may start with only its submission type; the rest gets defaults', () => {
    expect(FormDataSchema.parse({ submissionType: 'CONTRACT_ONLY' })).toEqual({
      submissionType: 'CONTRACT_ONLY',
      programIds: [],
      submissionDescription: '',
      managedCareEntities: [],
      federalAuthorities: [],
      itemsBeingAmended: [],
      rateCertifications: [],
      stateContacts: [],
    });
  });

  test('contacts, actuaries and rate certifications get their defaults too', () => {
    const f = FormDataSchema.parse({
      submissionType: 'CONTRACT_AND_RATES',
      stateContacts: [{}],
      rateCertifications: [{ id: RATE_1, certifyingActuaries: [{}] }],
    });
    expect(f.stateContacts).toEqual([{ name: '', title: '', email: '' }]);
    expect(f.rateCertifications).toEqual([
      { id: RATE_1, rateProgramIds: [], certifyingActuaries: [{ name: '', title: '', email: '' }] },
    ]);
  });

  test('complete form data is accepted unchanged', () => {
    for (const d of [contractOnlyDraft(), contractAndRatesDraft()]) {
      expect(FormDataSchema.parse(d.formData)).toEqual(d.formData);
    }
  });

  test.each([
    [{}, 'submissionType'],
    [{ submissionType: 'RATES_ONLY' }, 'submissionType'],
    [{ submissionType: 'CONTRACT_ONLY', contractType: 'BASIC' }, 'contractType'],
    [{ submissionType: 'CONTRACT_ONLY', managedCareEntities: ['HMO'] }, 'managedCareEntities.0'],
    [{ submissionType: 'CONTRACT_ONLY', federalAuthorities: ['WAIVER_1916'] }, 'federalAuthorities.0'],
    [{ submissionType: 'CONTRACT_ONLY', itemsBeingAmended: ['EVERYTHING'] }, 'itemsBeingAmended.0'],
    [
      { submissionType: 'CONTRACT_ONLY', actuaryCommunicationPreference: 'EMAIL' },
      'actuaryCommunicationPreference',
    ],
    [{ submissionType: 'CONTRACT_ONLY', relatedToCovid19: 'yes' }, 'relatedToCovid19'],
    [{ submissionType: 'CONTRACT_ONLY', programIds: ['PMAP'] }, 'programIds.0'],
    [{ submissionType: 'CONTRACT_ONLY', contractDateStart: '2025-02-30' }, 'contractDateStart'],
    [{ submissionType: 'CONTRACT_ONLY', contractDateEnd: '12/31/2025' }, 'contractDateEnd'],
    [{ submissionType: 'CONTRACT_ONLY', stateContacts: [{ name: 'x'.repeat(201) }] }, 'stateContacts.0.name'],
    [{ submissionType: 'CONTRACT_AND_RATES', rateCertifications: [{}] }, 'rateCertifications.0.id'],
    [
      { submissionType: 'CONTRACT_AND_RATES', rateCertifications: [{ id: RATE_1, rateType: 'OLD' }] },
      'rateCertifications.0.rateType',
    ],
    [
      {
        submissionType: 'CONTRACT_AND_RATES',
        rateCertifications: [{ id: RATE_1, rateDateEnd: '2025-04-31' }],
      },
      'rateCertifications.0.rateDateEnd',
    ],
    [
      {
        submissionType: 'CONTRACT_AND_RATES',
        rateCertifications: [{ id: RATE_1, certifyingActuaries: [{ actuarialFirm: 'ACME' }] }],
      },
      'rateCertifications.0.certifyingActuaries.0.actuarialFirm',
    ],
  ])('rejects %j at %s', (input, path) => {
    expect(issuePaths(FormDataSchema.safeParse(input))).toContain(path);
  });

  test.each([
    ['managedCareEntities', ['MCO', 'PIHP', 'MCO']],
    ['federalAuthorities', ['STATE_PLAN', 'STATE_PLAN']],
    ['itemsBeingAmended', ['OTHER', 'CAPITATION_RATES', 'OTHER']],
  ])('rejects a repeated value in %s', (field, values) => {
    expect(
      issuePaths(FormDataSchema.safeParse({ submissionType: 'CONTRACT_ONLY', [field]: values })),
    ).toContain(field);
  });

  test('the review questions stay absent until answered: a draft made before them parses unchanged', () => {
    const parsed = FormDataSchema.parse({
      submissionType: 'CONTRACT_AND_RATES',
      rateCertifications: [{ id: RATE_1 }],
    });
    for (const field of [
      'populationCovered',
      'riskBasedContract',
      'contractExecutionStatus',
      'dsnpContract',
      'modifiedProvisions',
    ])
      expect(parsed).not.toHaveProperty(field);
    expect(parsed.rateCertifications[0]).not.toHaveProperty('capitationType');
    expect(parsed.rateCertifications[0]).not.toHaveProperty('medicaidPopulations');
  });

  test('every provision and population is accepted, answered either way', () => {
    const input = {
      submissionType: 'CONTRACT_AND_RATES' as const,
      populationCovered: 'CHIP' as const,
      riskBasedContract: true,
      contractExecutionStatus: 'EXECUTED' as const,
      dsnpContract: false,
      modifiedProvisions: Object.fromEntries(MODIFIED_PROVISION_KEYS.map((p, i) => [p, i % 3 === 0])),
      rateCertifications: [
        {
          id: RATE_1,
          capitationType: 'RATE_CELL' as const,
          medicaidPopulations: [...MEDICAID_POPULATION_KEYS],
        },
      ],
    };
    expect(FormDataSchema.parse(input)).toMatchObject(input);
    expect(Object.keys(MODIFIED_PROVISIONS)).toEqual(MODIFIED_PROVISION_KEYS);
    expect(Object.keys(MEDICAID_POPULATIONS)).toEqual(MEDICAID_POPULATION_KEYS);
  });

  test.each([
    [{ populationCovered: 'MEDICARE' }, 'populationCovered'],
    [{ riskBasedContract: 'yes' }, 'riskBasedContract'],
    [{ contractExecutionStatus: 'SIGNED' }, 'contractExecutionStatus'],
    [{ dsnpContract: 1 }, 'dsnpContract'],
    [{ modifiedProvisions: { EVERYTHING: true } }, 'modifiedProvisions'],
    [{ modifiedProvisions: { BENEFITS_PROVIDED: 'yes' } }, 'modifiedProvisions.BENEFITS_PROVIDED'],
    [
      { rateCertifications: [{ id: RATE_1, capitationType: 'RATE_BAND' }] },
      'rateCertifications.0.capitationType',
    ],
    [
      { rateCertifications: [{ id: RATE_1, medicaidPopulations: ['MEDICARE_ONLY'] }] },
      'rateCertifications.0.medicaidPopulations.0',
    ],
    [
      { rateCertifications: [{ id: RATE_1, medicaidPopulations: ['MEDICAID_ONLY', 'MEDICAID_ONLY'] }] },
      'rateCertifications.0.medicaidPopulations',
    ],
  ])('rejects the review answer %j at %s', (answer, path) => {
    expect(
      issuePaths(FormDataSchema.safeParse({ submissionType: 'CONTRACT_AND_RATES', ...answer })),
    ).toContain(path);
  });

  test('rejects a program picked twice', () => {
    const r = FormDataSchema.safeParse({ submissionType: 'CONTRACT_ONLY', programIds: [PMAP.id, PMAP.id] });
    expect(issuePaths(r)).toContain('programIds');
  });

  test('rejects two rate certifications with the same id', () => {
    const rates = contractAndRatesDraft().formData.rateCertifications;
    const twin = { ...rates[1]!, id: RATE_1 };
    const r = FormDataSchema.safeParse({
      ...contractAndRatesDraft().formData,
      rateCertifications: [rates[0], twin],
    });
    // Rate documents tie to a certification by id: with twins, one document would count for both.
    expect(issuePaths(r)).toEqual(['rateCertifications']);
  });

  test.each([
    ['programIds', range(MAX_PROGRAMS + 1).map((i) => uid(ID_KIND.program, 5000 + i))],
    ['stateContacts', range(MAX_CONTACTS + 1).map(() => ({}))],
    [
      'rateCertifications',
      range(MAX_RATE_CERTIFICATIONS + 1).map((i) => ({ id: uid(ID_KIND.rate, 5000 + i) })),
    ],
  ])('bounds the size of %s', (field, values) => {
    const input = { submissionType: 'CONTRACT_AND_RATES', [field]: values };
    expect(issuePaths(FormDataSchema.safeParse(input))).toContain(field);
    expect(FormDataSchema.safeParse({ ...input, [field]: values.slice(1) }).success).toBe(true);
  });

  test('bounds the number of certifying actuaries of a rate certification', () => {
    const input = (n: number) => ({
      submissionType: 'CONTRACT_AND_RATES',
      rateCertifications: [{ id: RATE_1, certifyingActuaries: range(n).map(() => ({})) }],
    });
    expect(FormDataSchema.safeParse(input(MAX_ACTUARIES)).success).toBe(true);
    expect(issuePaths(FormDataSchema.safeParse(input(MAX_ACTUARIES + 1)))).toContain(
      'rateCertifications.0.certifyingActuaries',
    );
  });

  test('property: any set of enum values is accepted, in any order', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...MANAGED_CARE_ENTITIES]),
        fc.shuffledSubarray([...FEDERAL_AUTHORITIES]),
        fc.shuffledSubarray([...ITEMS_BEING_AMENDED]),
        (managedCareEntities, federalAuthorities, itemsBeingAmended) => {
          const input = {
            submissionType: 'CONTRACT_ONLY',
            managedCareEntities,
            federalAuthorities,
            itemsBeingAmended,
          };
          expect(FormDataSchema.parse(input)).toMatchObject({
            managedCareEntities,
            federalAuthorities,
            itemsBeingAmended,
          });
        },
      ),
    );
  });

  test('property: a list of enum values with any repeat is rejected', () => {
    fc.assert(
      fc.property(
        fc
          .shuffledSubarray([...FEDERAL_AUTHORITIES], { minLength: 1 })
          .chain((xs) => fc.tuple(fc.constant(xs), fc.constantFrom(...xs), fc.nat({ max: xs.length }))),
        ([values, repeated, at]) => {
          const withRepeat = [...values.slice(0, at), repeated, ...values.slice(at)];
          const r = FormDataSchema.safeParse({
            submissionType: 'CONTRACT_ONLY',
            federalAuthorities: withRepeat,
          });
          expect(r.success).toBe(false);
        },
      ),
    );
  });

  test('every actuarial firm is accepted', () => {
    for (const actuarialFirm of ACTUARIAL_FIRMS) {
      const input = {
        submissionType: 'CONTRACT_AND_RATES',
        rateCertifications: [{ id: RATE_1, certifyingActuaries: [{ actuarialFirm }] }],
      };
      expect(FormDataSchema.safeParse(input).success).toBe(true);
    }
  });
});

// ---------------------------------------------------------------- DocumentListSchema

describe('DocumentListSchema', () => {
  test('accepts complete lists and an empty one', () => {
    for (const d of [contractOnlyDraft(), contractAndRatesDraft()]) {
      expect(DocumentListSchema.parse(d.documents)).toEqual(d.documents);
    }
    expect(DocumentListSchema.parse([])).toEqual([]);
  });

  test('rejects two documents of the same name in one category list', () => {
    const r = DocumentListSchema.safeParse([
      doc(1, 'CONTRACT', { name: 'contract.pdf' }),
      doc(2, 'CONTRACT_SUPPORTING', { name: 'other.pdf' }),
      doc(3, 'CONTRACT', { name: 'contract.pdf' }),
    ]);
    expect(issuePaths(r)).toEqual(['2.name']);
  });

  test('names compare without regard to case', () => {
    const r = DocumentListSchema.safeParse([
      doc(1, 'CONTRACT', { name: 'Contract.PDF' }),
      doc(2, 'CONTRACT', { name: 'contract.pdf' }),
    ]);
    expect(issuePaths(r)).toEqual(['1.name']);
  });

  test('the same name may appear in different lists', () => {
    const r = DocumentListSchema.safeParse([
      doc(1, 'CONTRACT', { name: 'a.pdf' }),
      doc(2, 'CONTRACT_SUPPORTING', { name: 'a.pdf' }),
      doc(3, 'RATE', { name: 'a.pdf', rateId: RATE_1 }),
      doc(4, 'RATE_SUPPORTING', { name: 'a.pdf', rateId: RATE_1 }),
      doc(5, 'RATE', { name: 'a.pdf', rateId: RATE_2 }),
    ]);
    expect(r.success).toBe(true);
  });

  test('rate documents of one rate certification form one list', () => {
    const r = DocumentListSchema.safeParse([
      doc(1, 'RATE', { name: 'rates.xlsx', rateId: RATE_1 }),
      doc(2, 'RATE', { name: 'rates.xlsx', rateId: RATE_1 }),
    ]);
    expect(issuePaths(r)).toEqual(['1.name']);
  });

  test('a stray rateId on a contract document does not start a separate list', () => {
    const r = DocumentListSchema.safeParse([
      doc(1, 'CONTRACT', { name: 'contract.pdf' }),
      doc(2, 'CONTRACT', { name: 'contract.pdf', rateId: RATE_1 }),
    ]);
    expect(issuePaths(r)).toEqual(['1.name']);
  });

  test('rejects a document id used twice', () => {
    const r = DocumentListSchema.safeParse([
      doc(1, 'CONTRACT'),
      { ...doc(2, 'CONTRACT'), id: doc(1, 'CONTRACT').id },
    ]);
    expect(issuePaths(r)).toEqual(['1.id']);
  });

  test.each([
    ['upper case', 'A'.repeat(64)],
    ['one upper-case digit', `${'a'.repeat(63)}A`],
    ['63 digits', sha(1).slice(1)],
    ['65 digits', `${sha(1)}0`],
    ['not hex', `${'g'.repeat(64)}`],
    ['prefixed', `0x${sha(1).slice(2)}`],
    ['empty', ''],
  ])('rejects a bad sha256 (%s)', (_what, sha256) => {
    expect(issuePaths(DocumentListSchema.safeParse([{ ...doc(1, 'CONTRACT'), sha256 }]))).toEqual([
      '0.sha256',
    ]);
  });

  test.each([
    ['category', { category: 'APPENDIX' }],
    ['scanStatus', { scanStatus: 'OK' }],
    ['size', { size: -1 }],
    ['size', { size: 1.5 }],
    ['name', { name: '' }],
    ['addedAt', { addedAt: '2025-01-15' }],
    ['id', { id: 'doc-1' }],
    ['rateId', { rateId: 'rate-1' }],
  ])('rejects a bad %s', (field, change) => {
    expect(issuePaths(DocumentListSchema.safeParse([{ ...doc(1, 'CONTRACT'), ...change }]))).toEqual([
      `0.${field}`,
    ]);
  });

  test(`holds at most ${MAX_DOCUMENTS_PER_REVISION} documents`, () => {
    const docs = range(MAX_DOCUMENTS_PER_REVISION + 1).map((i) => doc(i, 'CONTRACT_SUPPORTING'));
    expect(DocumentListSchema.safeParse(docs.slice(1)).success).toBe(true);
    expect(DocumentListSchema.safeParse(docs).success).toBe(false);
  });

  test('property: a list with a name repeated in the same list is rejected, at the repeat', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 10 })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })),
          ),
        fc.constantFrom(...DOCUMENT_CATEGORIES),
        ([n, a, b], category) => {
          fc.pre(a !== b);
          const rateId = category.startsWith('RATE') ? RATE_1 : undefined;
          const docs = range(n).map((i) => doc(i, category, { rateId, name: `file-${i}.pdf` }));
          expect(DocumentListSchema.safeParse(docs).success).toBe(true);
          const later = Math.max(a, b);
          docs[later] = { ...docs[later]!, name: `FILE-${Math.min(a, b)}.PDF` };
          expect(issuePaths(DocumentListSchema.safeParse(docs))).toEqual([`${later}.name`]);
        },
      ),
    );
  });
});

// ---------------------------------------------------------------- UserSchema

describe('UserSchema', () => {
  test('accepts a state user bound to a state, and CMS and admin users', () => {
    for (const u of [stateUser('MN'), cmsUser(), adminUser()]) expect(UserSchema.parse(u)).toEqual(u);
  });

  test('rejects a state user without a state code', () => {
    const { stateCode: _, ...noState } = stateUser('MN') as StateUser;
    expect(issuePaths(UserSchema.safeParse(noState))).toEqual(['stateCode']);
  });

  test.each(['mn', 'M', 'MNN', 'M1', '', ' MN'])('rejects the state code %j', (stateCode) => {
    expect(issuePaths(UserSchema.safeParse({ ...stateUser('MN'), stateCode }))).toEqual(['stateCode']);
  });

  test('CMS and admin users are bound to no state', () => {
    for (const u of [cmsUser(), adminUser()]) {
      const parsed = UserSchema.parse({ ...u, stateCode: 'MN' });
      expect(parsed).not.toHaveProperty('stateCode');
    }
  });

  test.each([
    ['role', { role: 'SUPER_USER' }],
    ['email', { email: 'not-an-email' }],
    ['givenName', { givenName: '' }],
    ['familyName', { familyName: '' }],
    ['id', { id: 'user-1' }],
  ])('rejects a bad %s', (field, change) => {
    expect(issuePaths(UserSchema.safeParse({ ...cmsUser(), ...change }))).toContain(field);
  });

  test('actorOf keeps id, email and role only', () => {
    expect(actorOf(stateUser('MN', 7))).toEqual({
      id: uid(ID_KIND.user, 7),
      email: 'state7@mn.example.gov',
      role: 'STATE_USER',
    });
  });
});
