/**
 * Words for the domain's enum values, as the forms and the review page show them. Each table is
 * keyed by the domain's own type, so a value added to or dropped from the domain fails to compile
 * here rather than going missing on screen.
 */
import { MEDICAID_POPULATIONS, MODIFIED_PROVISIONS } from '@carepack/domain/form-data.js';
import type { FormData, PackageDocument, RateCertification, User } from '../api/types.js';

type Labels<K extends string> = Readonly<Record<K, string>>;
type Actuary = RateCertification['certifyingActuaries'][number];

/** A label table as the options of a choice, in its order. */
const optionsOf = <K extends string>(labels: Labels<K>) =>
  (Object.keys(labels) as K[]).map((value) => ({ value, label: labels[value] }));

export const SUBMISSION_TYPE_LABELS: Labels<FormData['submissionType']> = {
  CONTRACT_ONLY: 'Contract action only',
  CONTRACT_AND_RATES: 'Contract action and rate certification',
};
export const SUBMISSION_TYPES = optionsOf(SUBMISSION_TYPE_LABELS);

export const CONTRACT_TYPES = optionsOf<NonNullable<FormData['contractType']>>({
  BASE: 'Base contract',
  AMENDMENT: 'Amendment to base contract',
});
export const MANAGED_CARE_ENTITIES = optionsOf<FormData['managedCareEntities'][number]>({
  MCO: 'Managed Care Organization (MCO)',
  PIHP: 'Prepaid Inpatient Health Plan (PIHP)',
  PAHP: 'Prepaid Ambulatory Health Plans (PAHP)',
  PCCM: 'Primary Care Case Management Entity (PCCM Entity)',
});
export const FEDERAL_AUTHORITIES = optionsOf<FormData['federalAuthorities'][number]>({
  STATE_PLAN: '1932(a) State Plan Authority',
  WAIVER_1915B: '1915(b) Waiver Authority',
  WAIVER_1115: '1115 Waiver Authority',
  VOLUNTARY: '1915(a) Voluntary Authority',
  BENCHMARK: '1937 Benchmark Authority',
  TITLE_XXI: 'Title XXI Separate CHIP State Plan Authority',
});
export const POPULATIONS_COVERED = optionsOf<NonNullable<FormData['populationCovered']>>({
  MEDICAID: 'Medicaid',
  CHIP: 'CHIP only',
  MEDICAID_AND_CHIP: 'Medicaid and CHIP',
});
export const CONTRACT_EXECUTION_STATUSES = optionsOf<NonNullable<FormData['contractExecutionStatus']>>({
  EXECUTED: 'Fully executed',
  UNEXECUTED: 'Unexecuted by some or all parties',
});
/** The provisions an amendment answers yes or no about: the domain's one list and its labels. */
export const MODIFIED_PROVISION_OPTIONS = optionsOf(MODIFIED_PROVISIONS);
export const CAPITATION_TYPES = optionsOf<NonNullable<RateCertification['capitationType']>>({
  RATE_CELL: 'Certification of capitation rates specific to each rate cell',
  RATE_RANGE: 'Certification of rate ranges of capitation rates per rate cell',
});
export const MEDICAID_POPULATION_OPTIONS = optionsOf(MEDICAID_POPULATIONS);
/** A yes/no question's answer as a radio value, and back. */
export const YES_NO = optionsOf({ yes: 'Yes', no: 'No' });
export const yesNo = (answer: boolean | undefined) =>
  answer === undefined ? undefined : answer ? ('yes' as const) : ('no' as const);
export const yesNoLabel = (answer: boolean | undefined) =>
  answer === undefined ? '' : answer ? 'Yes' : 'No';

/** The checklist of items being amended, as forms before the yes/no provision answers had it. */
export const ITEMS_BEING_AMENDED = optionsOf<FormData['itemsBeingAmended'][number]>({
  BENEFITS_PROVIDED: 'Benefits provided',
  CAPITATION_RATES: 'Capitation rates',
  ENCOUNTER_DATA: 'Encounter data',
  ENROLLEE_ACCESS: 'Enrollee access',
  ENROLLMENT_PROCESS: 'Enrollment/disenrollment process',
  FINANCIAL_INCENTIVES: 'Financial incentives',
  GEO_AREA_SERVED: 'Geographic area served',
  GRIEVANCES_AND_APPEALS_SYSTEM: 'Grievances and appeals system',
  LENGTH_OF_CONTRACT_PERIOD: 'Length of contract period',
  NON_RISK_PAYMENT: 'Non-risk payment',
  PROGRAM_INTEGRITY: 'Program integrity',
  QUALITY_STANDARDS: 'Quality standards',
  RISK_SHARING_MECHANISM: 'Risk sharing mechanisms',
  OTHER: 'Other (please describe)',
});
export const RATE_TYPES = optionsOf<NonNullable<RateCertification['rateType']>>({
  NEW: 'New rate certification',
  AMENDMENT: 'Amendment to prior rate certification',
});
export const ACTUARIAL_FIRMS = optionsOf<NonNullable<Actuary['actuarialFirm']>>({
  MERCER: 'Mercer',
  MILLIMAN: 'Milliman',
  OPTUMAS: 'Optumas',
  GUIDEHOUSE: 'Guidehouse',
  DELOITTE: 'Deloitte',
  STATE_IN_HOUSE: 'State in-house actuary',
  OTHER: 'Other',
});
export const COMMUNICATION_PREFERENCES = optionsOf<NonNullable<FormData['actuaryCommunicationPreference']>>({
  OACT_TO_ACTUARY: 'OACT can communicate directly with the certifying actuaries',
  OACT_TO_STATE: 'OACT should contact the state, who will relay to the actuaries',
});
export const DOCUMENT_CATEGORIES: Labels<PackageDocument['category']> = {
  CONTRACT: 'Contract',
  CONTRACT_SUPPORTING: 'Contract supporting document',
  RATE: 'Rate certification',
  RATE_SUPPORTING: 'Rate supporting document',
};
export const SCAN_STATUS: Labels<PackageDocument['scanStatus']> = {
  NOT_SCANNED: 'Not scanned',
  PENDING: 'Scanning',
  CLEAN: 'No virus found',
  INFECTED: 'Virus found',
  ERROR: 'Scan failed',
};

export function labelOf(list: readonly { value: string; label: string }[], value: string | undefined) {
  return list.find((o) => o.value === value)?.label ?? '—';
}

/** Who a user is, in a few words: "MN state user", "CMS reviewer", "Administrator". */
export function roleLabel(user: User): string {
  if (user.role === 'STATE_USER') return `${user.stateCode} state user`;
  if (user.role === 'CMS_USER') return user.division ? `CMS reviewer, ${user.division}` : 'CMS reviewer';
  return 'Administrator';
}

/** The files a document input offers to pick (the server checks the content, not the name). */
export const DOCUMENT_ACCEPT = '.pdf,.doc,.docx,.xls,.xlsx,.csv,.txt';
