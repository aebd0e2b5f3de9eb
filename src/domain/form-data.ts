import { z } from 'zod';
import { storableString } from './text.js';

/**
 * Form data of a revision, as a draft may hold it: types, enums and sizes are enforced,
 * completeness is not (that is `validateForSubmit`'s job). Sizes are bounded so that one
 * revision always stays far below any backend's record limit.
 */

export const SUBMISSION_TYPES = ['CONTRACT_ONLY', 'CONTRACT_AND_RATES'] as const;
export const CONTRACT_TYPES = ['BASE', 'AMENDMENT'] as const;
export const MANAGED_CARE_ENTITIES = ['MCO', 'PIHP', 'PAHP', 'PCCM'] as const;
export const FEDERAL_AUTHORITIES = [
  'STATE_PLAN',
  'WAIVER_1915B',
  'WAIVER_1115',
  'VOLUNTARY',
  'BENCHMARK',
  'TITLE_XXI',
] as const;
export const RATE_TYPES = ['NEW', 'AMENDMENT'] as const;

/** The codes of a code → label list, typed as a non-empty tuple (as `z.enum` takes them). */
function keysOf<K extends string>(labels: Record<K, string>): [K, ...K[]] {
  return Object.keys(labels) as [K, ...K[]];
}
export const POPULATIONS_COVERED = ['MEDICAID', 'CHIP', 'MEDICAID_AND_CHIP'] as const;
export const CONTRACT_EXECUTION_STATUSES = ['EXECUTED', 'UNEXECUTED'] as const;
export const CAPITATION_TYPES = ['RATE_CELL', 'RATE_RANGE'] as const;

/**
 * The provisions of a managed-care contract that CMS's contract review checks. The amendment
 * checklist (`itemsBeingAmended`) and the yes/no answers (`modifiedProvisions`) share these
 * codes, so the two never disagree on what a provision is called.
 */
const CONTRACT_REVIEW_PROVISIONS = {
  BENEFITS_PROVIDED: 'Benefits provided',
  CAPITATION_RATES: 'Capitation rates',
  ENCOUNTER_DATA: 'Encounter data',
  ENROLLEE_ACCESS: 'Enrollee access',
  ENROLLMENT_PROCESS: 'Enrollment process',
  FINANCIAL_INCENTIVES: 'Financial incentives',
  GEO_AREA_SERVED: 'Geographic area served',
  GRIEVANCES_AND_APPEALS_SYSTEM: 'Grievances and appeals system',
  LENGTH_OF_CONTRACT_PERIOD: 'Length of the contract period',
  NON_RISK_PAYMENT: 'Non-risk payment arrangements',
  PROGRAM_INTEGRITY: 'Program integrity',
  QUALITY_STANDARDS: 'Quality standards',
  RISK_SHARING_MECHANISM: 'Risk-sharing mechanism',
} as const;
type ContractReviewProvision = keyof typeof CONTRACT_REVIEW_PROVISIONS;

/** What an amendment changes, as a checklist: the contract-review provisions, or something else. */
export const ITEMS_BEING_AMENDED = [...keysOf(CONTRACT_REVIEW_PROVISIONS), 'OTHER'] as [
  ContractReviewProvision | 'OTHER',
  ...(ContractReviewProvision | 'OTHER')[],
];

/**
 * The provisions CMS asks about, yes or no, when a managed-care contract is amended: the
 * contract-review provisions above, then the 42 CFR 438 payment and oversight items a reviewer
 * triages by (each label names its section). One list, so the form, the stores' CHECK
 * constraints and the review page never disagree.
 */
export const MODIFIED_PROVISIONS = {
  ...CONTRACT_REVIEW_PROVISIONS,
  INCENTIVE_ARRANGEMENTS: 'Incentive arrangements (42 CFR 438.6(b)(2))',
  WITHHOLD_ARRANGEMENTS: 'Withhold arrangements (42 CFR 438.6(b)(3))',
  STATE_DIRECTED_PAYMENTS: 'State directed payments (42 CFR 438.6(c))',
  PASS_THROUGH_PAYMENTS: 'Pass-through payments (42 CFR 438.6(d))',
  PAYMENTS_FOR_IMD_STAYS: 'Payments to MCOs and PIHPs for enrollees in an IMD (42 CFR 438.6(e))',
  IN_LIEU_OF_SERVICES: 'In lieu of services and settings (42 CFR 438.3(e)(2))',
  NETWORK_ADEQUACY: 'Network adequacy standards (42 CFR 438.68)',
  MEDICAL_LOSS_RATIO: 'Medical loss ratio standards (42 CFR 438.8)',
} as const;
export type ModifiedProvision = keyof typeof MODIFIED_PROVISIONS;
export const MODIFIED_PROVISION_KEYS = keysOf(MODIFIED_PROVISIONS);

/**
 * The Medicaid populations a rate certification covers where D-SNP applies, as CMS lists them:
 * dual eligibles enrolled in a D-SNP, Medicaid-only enrollees, and dual eligibles not in a D-SNP.
 */
export const MEDICAID_POPULATIONS = {
  MEDICARE_MEDICAID_WITH_DSNP: 'Medicare-Medicaid dual eligible individuals enrolled through a D-SNP',
  MEDICAID_ONLY: 'Medicaid-only',
  MEDICARE_MEDICAID_WITHOUT_DSNP: 'Medicare-Medicaid dual eligible individuals not enrolled through a D-SNP',
} as const;
export type MedicaidPopulation = keyof typeof MEDICAID_POPULATIONS;
export const MEDICAID_POPULATION_KEYS = keysOf(MEDICAID_POPULATIONS);

export const ACTUARIAL_FIRMS = [
  'MERCER',
  'MILLIMAN',
  'OPTUMAS',
  'GUIDEHOUSE',
  'DELOITTE',
  'STATE_IN_HOUSE',
  'OTHER',
] as const;
export const ACTUARY_COMMUNICATION_PREFERENCES = ['OACT_TO_ACTUARY', 'OACT_TO_STATE'] as const;

export const MAX_PROGRAMS = 50;
export const MAX_RATE_CERTIFICATIONS = 20;
export const MAX_ACTUARIES = 5;
export const MAX_CONTACTS = 10;

/** A calendar date `YYYY-MM-DD` that exists (no 2025-02-30). */
export const IsoDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'is not a real calendar date');

/** A list of enum values without repeats. */
function distinctOf<T extends readonly [string, ...string[]]>(values: T) {
  return z
    .array(z.enum(values))
    .max(values.length)
    .refine((a) => new Set(a).size === a.length, 'must not repeat a value');
}
const setOf = <T extends readonly [string, ...string[]]>(values: T) => distinctOf(values).default([]);
/**
 * Like `setOf`, but absent until answered: for questions added after drafts existed, so a
 * draft made before them reads back as it was written, on every store.
 */
const optionalSetOf = <T extends readonly [string, ...string[]]>(values: T) => distinctOf(values).optional();

const shortText = storableString().max(200);

export const ContactSchema = z.object({
  name: shortText.default(''),
  title: shortText.default(''),
  email: storableString().max(320).default(''),
});
export type Contact = z.infer<typeof ContactSchema>;

export const ActuarySchema = z.object({
  name: shortText.default(''),
  title: shortText.default(''),
  email: storableString().max(320).default(''),
  actuarialFirm: z.enum(ACTUARIAL_FIRMS).optional(),
  actuarialFirmOther: shortText.optional(),
});
export type Actuary = z.infer<typeof ActuarySchema>;

export const RateCertificationSchema = z.object({
  id: z.uuid(),
  rateType: z.enum(RATE_TYPES).optional(),
  rateProgramIds: z.array(z.uuid()).max(MAX_PROGRAMS).default([]),
  rateDateStart: IsoDateSchema.optional(),
  rateDateEnd: IsoDateSchema.optional(),
  rateDateCertified: IsoDateSchema.optional(),
  effectiveDateStart: IsoDateSchema.optional(),
  effectiveDateEnd: IsoDateSchema.optional(),
  certifyingActuaries: z.array(ActuarySchema).max(MAX_ACTUARIES).default([]),
  capitationType: z.enum(CAPITATION_TYPES).optional(),
  medicaidPopulations: optionalSetOf(MEDICAID_POPULATION_KEYS),
});
export type RateCertification = z.infer<typeof RateCertificationSchema>;

export const FormDataSchema = z.object({
  submissionType: z.enum(SUBMISSION_TYPES),
  programIds: z
    .array(z.uuid())
    .max(MAX_PROGRAMS)
    .refine((a) => new Set(a).size === a.length, 'must not repeat a program')
    .default([]),
  submissionDescription: storableString().max(10_000).default(''),
  contractType: z.enum(CONTRACT_TYPES).optional(),
  contractDateStart: IsoDateSchema.optional(),
  contractDateEnd: IsoDateSchema.optional(),
  managedCareEntities: setOf(MANAGED_CARE_ENTITIES),
  federalAuthorities: setOf(FEDERAL_AUTHORITIES),
  itemsBeingAmended: setOf(ITEMS_BEING_AMENDED),
  otherItemBeingAmended: storableString().max(1000).optional(),
  relatedToCovid19: z.boolean().optional(),
  // Added with the review (issue 11): optional, so drafts made before them stay valid as stored.
  populationCovered: z.enum(POPULATIONS_COVERED).optional(),
  riskBasedContract: z.boolean().optional(),
  contractExecutionStatus: z.enum(CONTRACT_EXECUTION_STATUSES).optional(),
  dsnpContract: z.boolean().optional(),
  /** For an amendment: each provision answered yes (modified) or no; unanswered ones are absent. */
  modifiedProvisions: z.partialRecord(z.enum(MODIFIED_PROVISION_KEYS), z.boolean()).optional(),
  rateCertifications: z
    .array(RateCertificationSchema)
    .max(MAX_RATE_CERTIFICATIONS)
    // Rate documents tie to a rate certification by id, so ids must be unique.
    .refine((a) => new Set(a.map((r) => r.id)).size === a.length, 'must not repeat a rate certification id')
    .default([]),
  stateContacts: z.array(ContactSchema).max(MAX_CONTACTS).default([]),
  actuaryCommunicationPreference: z.enum(ACTUARY_COMMUNICATION_PREFERENCES).optional(),
});
/** Form data after parsing (defaults filled in). */
export type FormData = z.infer<typeof FormDataSchema>;
/** Form data as a client may send it (defaults optional). */
export type FormDataInput = z.input<typeof FormDataSchema>;
