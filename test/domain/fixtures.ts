/**
 * Builders and fast-check arbitraries for the domain unit tests. Everything here is pure: ids are
 * derived from counters (fast-check's own `uuid()` is biased towards collisions), dates from day numbers.
 */
import fc from 'fast-check';
import type {
  Actuary,
  Contact,
  FormData,
  PackageDocument,
  RateCertification,
  Revision,
  ScanStatus,
  SubmitContext,
  SubmitDraft,
  User,
} from '../../src/domain/index.js';
import {
  ACTUARIAL_FIRMS,
  ACTUARY_COMMUNICATION_PREFERENCES,
  CAPITATION_TYPES,
  CONTRACT_EXECUTION_STATUSES,
  CONTRACT_TYPES,
  FEDERAL_AUTHORITIES,
  ITEMS_BEING_AMENDED,
  MANAGED_CARE_ENTITIES,
  MAX_ACTUARIES,
  MEDICAID_POPULATION_KEYS,
  MODIFIED_PROVISION_KEYS,
  type ModifiedProvision,
  POPULATIONS_COVERED,
  RATE_TYPES,
} from '../../src/domain/index.js';

// ---------------------------------------------------------------- ids, dates, small values

/** A valid v4 uuid, unique per (kind, n). */
export function uid(kind: number, n: number): string {
  const k = kind.toString(16).padStart(8, '0');
  const m = n.toString(16).padStart(12, '0');
  return `${k}-0000-4000-8000-${m}`;
}

export const ID_KIND = {
  program: 1,
  foreignProgram: 2,
  rate: 3,
  document: 4,
  user: 5,
  revision: 6,
  package: 7,
} as const;

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);

const DAY_MS = 86_400_000;
/** 2000-01-01 */
export const DAY_MIN = Date.UTC(2000, 0, 1) / DAY_MS;
/** 2040-12-31 */
export const DAY_MAX = Date.UTC(2040, 11, 31) / DAY_MS;
export const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

export const sha = (n: number) => n.toString(16).padStart(64, '0');
export const AT = '2025-01-15T12:00:00.000Z';
/** The submit context's today in the fixtures: after every date certified they hold. */
export const TODAY = '2025-12-01';

/** Every provision answered: yes for those in `modified`, no for the others. */
export const answeredProvisions = (...modified: ModifiedProvision[]) =>
  Object.fromEntries(MODIFIED_PROVISION_KEYS.map((p) => [p, modified.includes(p)])) as Record<
    ModifiedProvision,
    boolean
  >;

// ---------------------------------------------------------------- reference data and users

export const MN = {
  code: 'MN',
  programs: [
    { id: uid(ID_KIND.program, 1), name: 'PMAP', fullName: 'Prepaid Medical Assistance Program' },
    { id: uid(ID_KIND.program, 2), name: 'MSHO', fullName: 'Minnesota Senior Health Options' },
    { id: uid(ID_KIND.program, 3), name: 'MSC+', fullName: 'Minnesota Senior Care Plus' },
    { id: uid(ID_KIND.program, 4), name: 'SNBC', fullName: 'Special Needs Basic Care' },
  ],
};
export const [PMAP, MSHO, MSC_PLUS, SNBC] = MN.programs as [
  (typeof MN.programs)[number],
  (typeof MN.programs)[number],
  (typeof MN.programs)[number],
  (typeof MN.programs)[number],
];
/** A program that belongs to some other state. */
export const FOREIGN_PROGRAM_ID = uid(ID_KIND.foreignProgram, 1);

export function stateUser(stateCode = 'MN', n = 1): User {
  return {
    id: uid(ID_KIND.user, n),
    email: `state${n}@${stateCode.toLowerCase()}.example.gov`,
    givenName: 'Sam',
    familyName: 'State',
    role: 'STATE_USER',
    stateCode,
  };
}
export function cmsUser(n = 100): User {
  return {
    id: uid(ID_KIND.user, n),
    email: `cms${n}@cms.example.gov`,
    givenName: 'Cam',
    familyName: 'Reviewer',
    role: 'CMS_USER',
  };
}
export function adminUser(n = 200): User {
  return {
    id: uid(ID_KIND.user, n),
    email: `admin${n}@cms.example.gov`,
    givenName: 'Ada',
    familyName: 'Admin',
    role: 'ADMIN_USER',
  };
}

// ---------------------------------------------------------------- documents

export function doc(
  n: number,
  category: PackageDocument['category'],
  opts: { name?: string; rateId?: string; scanStatus?: ScanStatus } = {},
): PackageDocument {
  return {
    id: uid(ID_KIND.document, n),
    name: opts.name ?? `${category.toLowerCase()}-${n}.pdf`,
    bucket: 'carepack-docs',
    key: `${uid(ID_KIND.document, n)}.pdf`,
    size: 1024 * (n + 1),
    contentType: 'application/pdf',
    sha256: sha(n + 1),
    category,
    ...(opts.rateId === undefined ? {} : { rateId: opts.rateId }),
    addedAt: AT,
    scanStatus: opts.scanStatus ?? 'CLEAN',
  };
}

// ---------------------------------------------------------------- complete drafts

export const RATE_1 = uid(ID_KIND.rate, 1);
export const RATE_2 = uid(ID_KIND.rate, 2);

export const contact = (n: number): Contact => ({
  name: `Contact ${n}`,
  title: 'Managed care lead',
  email: `contact${n}@state.mn.us`,
});
export const actuary = (n: number, firm: Actuary['actuarialFirm'] = 'MERCER'): Actuary => ({
  name: `Actuary ${n}`,
  title: 'FSA, MAAA',
  email: `actuary${n}@firm.example.com`,
  actuarialFirm: firm,
});

/** A complete base contract, contract only: `validateForSubmit` finds nothing. */
export function contractOnlyDraft(): SubmitDraft {
  return {
    formData: {
      submissionType: 'CONTRACT_ONLY',
      programIds: [PMAP.id],
      submissionDescription: 'Calendar year 2026 PMAP contract',
      contractType: 'BASE',
      contractDateStart: '2026-01-01',
      contractDateEnd: '2026-12-31',
      managedCareEntities: ['MCO'],
      federalAuthorities: ['STATE_PLAN', 'WAIVER_1915B'],
      itemsBeingAmended: [],
      relatedToCovid19: false,
      populationCovered: 'MEDICAID',
      riskBasedContract: true,
      contractExecutionStatus: 'EXECUTED',
      dsnpContract: false,
      rateCertifications: [],
      stateContacts: [contact(1)],
    },
    documents: [doc(1, 'CONTRACT'), doc(2, 'CONTRACT_SUPPORTING')],
  };
}

/**
 * A complete contract amendment of a D-SNP contract with two rate certifications (one new, one
 * amendment), two programs, two contacts and not-scanned documents: `validateForSubmit` finds nothing.
 * Documents: 0 CONTRACT, 1 CONTRACT_SUPPORTING, 2 RATE (rate 0), 3 RATE_SUPPORTING (rate 0), 4 RATE (rate 1).
 */
export function contractAndRatesDraft(): SubmitDraft {
  const rates: RateCertification[] = [
    {
      id: RATE_1,
      rateType: 'NEW',
      rateProgramIds: [PMAP.id],
      rateDateStart: '2026-01-01',
      rateDateEnd: '2026-12-31',
      rateDateCertified: '2025-10-01',
      capitationType: 'RATE_CELL',
      medicaidPopulations: ['MEDICARE_MEDICAID_WITH_DSNP'],
      certifyingActuaries: [actuary(1)],
    },
    {
      id: RATE_2,
      rateType: 'AMENDMENT',
      rateProgramIds: [MSHO.id, PMAP.id],
      rateDateStart: '2026-01-01',
      rateDateEnd: '2026-12-31',
      rateDateCertified: '2025-11-15',
      effectiveDateStart: '2026-03-01',
      effectiveDateEnd: '2026-12-31',
      capitationType: 'RATE_RANGE',
      medicaidPopulations: ['MEDICAID_ONLY', 'MEDICARE_MEDICAID_WITHOUT_DSNP'],
      certifyingActuaries: [
        { ...actuary(2, 'OTHER'), actuarialFirmOther: 'Acme Actuaries LLC' },
        actuary(3, 'STATE_IN_HOUSE'),
      ],
    },
  ];
  return {
    formData: {
      submissionType: 'CONTRACT_AND_RATES',
      programIds: [PMAP.id, MSHO.id],
      submissionDescription: 'Amendment 2 to the 2026 contract, with rates',
      contractType: 'AMENDMENT',
      contractDateStart: '2026-01-01',
      contractDateEnd: '2026-12-31',
      managedCareEntities: ['MCO', 'PIHP'],
      federalAuthorities: ['WAIVER_1115'],
      itemsBeingAmended: [],
      relatedToCovid19: false,
      populationCovered: 'MEDICAID_AND_CHIP',
      riskBasedContract: false,
      contractExecutionStatus: 'UNEXECUTED',
      dsnpContract: true,
      modifiedProvisions: answeredProvisions('CAPITATION_RATES', 'STATE_DIRECTED_PAYMENTS'),
      rateCertifications: rates,
      stateContacts: [contact(1), contact(2)],
      actuaryCommunicationPreference: 'OACT_TO_ACTUARY',
    },
    documents: [
      doc(1, 'CONTRACT', { scanStatus: 'NOT_SCANNED' }),
      doc(2, 'CONTRACT_SUPPORTING', { scanStatus: 'NOT_SCANNED' }),
      doc(3, 'RATE', { rateId: RATE_1, scanStatus: 'NOT_SCANNED' }),
      doc(4, 'RATE_SUPPORTING', { rateId: RATE_1, scanStatus: 'NOT_SCANNED' }),
      doc(5, 'RATE', { rateId: RATE_2, scanStatus: 'NOT_SCANNED' }),
    ],
  };
}

export const mnContext = (extra: Partial<SubmitContext> = {}): SubmitContext => ({
  programs: MN.programs,
  today: TODAY,
  ...extra,
});

// ---------------------------------------------------------------- revisions and packages

export function revision(
  number: number,
  submitted: boolean,
  formData: FormData = contractOnlyDraft().formData,
): Revision {
  const by = { id: uid(ID_KIND.user, 1), email: 'state1@mn.example.gov', role: 'STATE_USER' as const };
  return {
    id: uid(ID_KIND.revision, number),
    number,
    createdAt: AT,
    formData,
    documents: [doc(number, 'CONTRACT')],
    submitInfo: submitted
      ? { at: AT, by, reason: number === 1 ? 'Initial submission' : 'Fixed dates' }
      : null,
    unlockInfo:
      number > 1
        ? {
            at: AT,
            by: { id: uid(ID_KIND.user, 100), email: 'cms@cms.example.gov', role: 'CMS_USER' },
            reason: 'x',
          }
        : null,
    rateLinks: [],
  };
}

// ---------------------------------------------------------------- arbitraries

export const arbNonBlank = (maxLength = 40) =>
  fc.string({ minLength: 1, maxLength }).filter((s) => s.trim().length > 0);

/** Emails that any reasonable validator (and zod's) accepts. */
export const arbEmail = fc
  .tuple(
    fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/),
    fc.option(fc.stringMatching(/^[a-z0-9]{1,6}$/), { nil: undefined }),
    fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/),
    fc.constantFrom('gov', 'us', 'com', 'org'),
  )
  .map(([local, tag, domain, tld]) => `${local}${tag ? `.${tag}` : ''}@${domain}.${tld}`);

export const arbDay = fc.integer({ min: DAY_MIN, max: DAY_MAX });
export const arbIsoDate = arbDay.map(isoDay);
/** Two real dates, the first strictly before the second. */
export const arbDateRange = fc
  .tuple(arbDay, arbDay)
  .filter(([a, b]) => a !== b)
  .map(([a, b]) => (a < b ? [isoDay(a), isoDay(b)] : [isoDay(b), isoDay(a)]) as [string, string]);

export const arbContact: fc.Arbitrary<Contact> = fc.record({
  name: arbNonBlank(),
  title: arbNonBlank(),
  email: arbEmail,
});

export const arbActuary: fc.Arbitrary<Actuary> = fc
  .record({
    name: arbNonBlank(),
    title: arbNonBlank(),
    email: arbEmail,
    actuarialFirm: fc.constantFrom(...ACTUARIAL_FIRMS),
    other: arbNonBlank(),
  })
  .map(({ other, ...a }) => (a.actuarialFirm === 'OTHER' ? { ...a, actuarialFirmOther: other } : a));

const arbCleanScan = fc.constantFrom<ScanStatus>('CLEAN', 'NOT_SCANNED');

interface RateShape {
  rateType: RateCertification['rateType'];
  programIds: string[];
  dates: [string, string];
  certified: string;
  effective: [string, string];
  /** Give a NEW rate effective dates anyway (they are ignored). */
  effectiveOnNew: boolean;
  actuaries: Actuary[];
  capitationType: RateCertification['capitationType'];
  medicaidPopulations: RateCertification['medicaidPopulations'];
  /** Give populations to a rate of a non-D-SNP contract anyway (they are not asked, and ignored). */
  populationsAnyway: boolean;
  /** The one rate certification document's scan status. */
  rateDoc: ScanStatus;
  supportingDocs: ScanStatus[];
}

const arbRateShape = (programIds: readonly string[]): fc.Arbitrary<RateShape> =>
  fc.record({
    rateType: fc.constantFrom(...RATE_TYPES),
    programIds: fc.shuffledSubarray([...programIds], { minLength: 1 }),
    dates: arbDateRange,
    certified: arbIsoDate,
    effective: arbDateRange,
    effectiveOnNew: fc.boolean(),
    actuaries: fc.array(arbActuary, { minLength: 1, maxLength: Math.min(3, MAX_ACTUARIES) }),
    capitationType: fc.constantFrom(...CAPITATION_TYPES),
    medicaidPopulations: fc.shuffledSubarray([...MEDICAID_POPULATION_KEYS], { minLength: 1 }),
    populationsAnyway: fc.boolean(),
    rateDoc: arbCleanScan,
    supportingDocs: fc.array(arbCleanScan, { maxLength: 2 }),
  });

/** A generated complete draft, the context it is valid in, and how it was made. */
export interface ValidCase {
  draft: SubmitDraft;
  ctx: SubmitContext;
  /** Programs of the package's state (a superset of `draft.formData.programIds`). */
  statePrograms: string[];
}

/**
 * Complete drafts of every shape: either submission type, base or amendment (sometimes with an
 * earlier form's checklist of items being amended), D-SNP or not, 1–8 state programs, 1–3 rate
 * certifications, any number of contacts, actuaries and documents (clean or not scanned) in any order.
 * Today is the last day dates are drawn from, so every date certified is in the past or today.
 */
export const arbValidCase: fc.Arbitrary<ValidCase> = fc
  .record({
    nStatePrograms: fc.integer({ min: 1, max: 8 }),
    withRates: fc.boolean(),
  })
  .chain(({ nStatePrograms, withRates }) => {
    const statePrograms = range(nStatePrograms).map((i) => uid(ID_KIND.program, 1000 + i));
    return fc.shuffledSubarray(statePrograms, { minLength: 1 }).chain((programIds) =>
      fc
        .record({
          contractType: fc.constantFrom(...CONTRACT_TYPES),
          contractDates: arbDateRange,
          managedCareEntities: fc.shuffledSubarray([...MANAGED_CARE_ENTITIES], { minLength: 1 }),
          federalAuthorities: fc.shuffledSubarray([...FEDERAL_AUTHORITIES], { minLength: 1 }),
          itemsBeingAmended: fc.shuffledSubarray([...ITEMS_BEING_AMENDED]),
          otherItem: fc.option(arbNonBlank(), { nil: undefined }),
          provisions: fc.tuple(...MODIFIED_PROVISION_KEYS.map(() => fc.boolean())),
          populationCovered: fc.constantFrom(
            ...POPULATIONS_COVERED.filter((p) => !withRates || p !== 'CHIP'),
          ),
          riskBasedContract: fc.boolean(),
          contractExecutionStatus: fc.constantFrom(...CONTRACT_EXECUTION_STATUSES),
          dsnpContract: fc.boolean(),
          description: arbNonBlank(200),
          covid: fc.option(fc.boolean(), { nil: undefined }),
          contacts: fc.array(arbContact, { minLength: 1, maxLength: 5 }),
          rates: withRates
            ? fc.array(arbRateShape(programIds), { minLength: 1, maxLength: 3 })
            : fc.constant<RateShape[]>([]),
          acp: fc.constantFrom(...ACTUARY_COMMUNICATION_PREFERENCES),
          contractDocs: fc.array(arbCleanScan, { minLength: 1, maxLength: 3 }),
          contractSupportingDocs: fc.array(arbCleanScan, { maxLength: 2 }),
        })
        .map((p): ValidCase => {
          let n = 0;
          const documents: PackageDocument[] = [];
          for (const s of p.contractDocs) documents.push(doc(n++, 'CONTRACT', { scanStatus: s }));
          for (const s of p.contractSupportingDocs) {
            documents.push(doc(n++, 'CONTRACT_SUPPORTING', { scanStatus: s }));
          }
          const rateCertifications: RateCertification[] = p.rates.map((r, i) => {
            const id = uid(ID_KIND.rate, 1000 + i);
            documents.push(doc(n++, 'RATE', { rateId: id, scanStatus: r.rateDoc }));
            for (const s of r.supportingDocs) {
              documents.push(doc(n++, 'RATE_SUPPORTING', { rateId: id, scanStatus: s }));
            }
            const withEffective = r.rateType === 'AMENDMENT' || r.effectiveOnNew;
            return {
              id,
              rateType: r.rateType,
              rateProgramIds: r.programIds,
              rateDateStart: r.dates[0],
              rateDateEnd: r.dates[1],
              rateDateCertified: r.certified,
              ...(withEffective
                ? { effectiveDateStart: r.effective[0], effectiveDateEnd: r.effective[1] }
                : {}),
              certifyingActuaries: r.actuaries,
              capitationType: r.capitationType,
              // Populations are asked only of a D-SNP contract; a non-D-SNP one may still hold some.
              ...(p.dsnpContract || r.populationsAnyway
                ? { medicaidPopulations: r.medicaidPopulations }
                : {}),
            };
          });
          const amendment = p.contractType === 'AMENDMENT';
          const formData: FormData = {
            submissionType: withRates ? 'CONTRACT_AND_RATES' : 'CONTRACT_ONLY',
            programIds,
            submissionDescription: p.description,
            contractType: p.contractType,
            contractDateStart: p.contractDates[0],
            contractDateEnd: p.contractDates[1],
            managedCareEntities: p.managedCareEntities,
            federalAuthorities: p.federalAuthorities,
            // An earlier form's checklist is kept as written and checked no more.
            itemsBeingAmended: amendment ? p.itemsBeingAmended : [],
            ...(amendment && p.otherItem !== undefined ? { otherItemBeingAmended: p.otherItem } : {}),
            ...(p.covid === undefined ? {} : { relatedToCovid19: p.covid }),
            populationCovered: p.populationCovered,
            riskBasedContract: p.riskBasedContract,
            contractExecutionStatus: p.contractExecutionStatus,
            dsnpContract: p.dsnpContract,
            ...(amendment
              ? {
                  modifiedProvisions: Object.fromEntries(
                    MODIFIED_PROVISION_KEYS.map((k, i) => [k, p.provisions[i]!]),
                  ) as FormData['modifiedProvisions'],
                }
              : {}),
            rateCertifications,
            stateContacts: p.contacts,
            ...(withRates ? { actuaryCommunicationPreference: p.acp } : {}),
          };
          const ctx: SubmitContext = {
            programs: statePrograms.map((id) => ({ id })),
            today: isoDay(DAY_MAX),
          };
          return { draft: { formData, documents }, ctx, statePrograms };
        }),
    );
  })
  .chain((c) =>
    // Document order carries no meaning.
    fc
      .shuffledSubarray([...c.draft.documents], {
        minLength: c.draft.documents.length,
        maxLength: c.draft.documents.length,
      })
      .map((documents) => ({ ...c, draft: { ...c.draft, documents } })),
  );

/** Recursively freezes a value so a test notices any mutation. */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
