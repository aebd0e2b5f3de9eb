/** Words for the domain's enum values, as the forms and the review page show them. */
export const SUBMISSION_TYPES = [
  { value: 'CONTRACT_ONLY', label: 'Contract action only' },
  { value: 'CONTRACT_AND_RATES', label: 'Contract action and rate certification' },
] as const;
export const CONTRACT_TYPES = [
  { value: 'BASE', label: 'Base contract' },
  { value: 'AMENDMENT', label: 'Amendment to base contract' },
] as const;
export const MANAGED_CARE_ENTITIES = [
  { value: 'MCO', label: 'Managed Care Organization (MCO)' },
  { value: 'PIHP', label: 'Prepaid Inpatient Health Plan (PIHP)' },
  { value: 'PAHP', label: 'Prepaid Ambulatory Health Plans (PAHP)' },
  { value: 'PCCM', label: 'Primary Care Case Management Entity (PCCM Entity)' },
] as const;
export const FEDERAL_AUTHORITIES = [
  { value: 'STATE_PLAN', label: '1932(a) State Plan Authority' },
  { value: 'WAIVER_1915B', label: '1915(b) Waiver Authority' },
  { value: 'WAIVER_1115', label: '1115 Waiver Authority' },
  { value: 'VOLUNTARY', label: '1915(a) Voluntary Authority' },
  { value: 'BENCHMARK', label: '1937 Benchmark Authority' },
  { value: 'TITLE_XXI', label: 'Title XXI Separate CHIP State Plan Authority' },
] as const;
export const ITEMS_BEING_AMENDED = [
  { value: 'BENEFITS_PROVIDED', label: 'Benefits provided' },
  { value: 'CAPITATION_RATES', label: 'Capitation rates' },
  { value: 'ENCOUNTER_DATA', label: 'Encounter data' },
  { value: 'ENROLLEE_ACCESS', label: 'Enrollee access' },
  { value: 'ENROLLMENT_PROCESS', label: 'Enrollment/disenrollment process' },
  { value: 'FINANCIAL_INCENTIVES', label: 'Financial incentives' },
  { value: 'GEO_AREA_SERVED', label: 'Geographic area served' },
  { value: 'GRIEVANCES_AND_APPEALS_SYSTEM', label: 'Grievances and appeals system' },
  { value: 'LENGTH_OF_CONTRACT_PERIOD', label: 'Length of contract period' },
  { value: 'NON_RISK_PAYMENT', label: 'Non-risk payment' },
  { value: 'PROGRAM_INTEGRITY', label: 'Program integrity' },
  { value: 'QUALITY_STANDARDS', label: 'Quality standards' },
  { value: 'RISK_SHARING_MECHANISM', label: 'Risk sharing mechanisms' },
  { value: 'OTHER', label: 'Other (please describe)' },
] as const;
export const RATE_TYPES = [
  { value: 'NEW', label: 'New rate certification' },
  { value: 'AMENDMENT', label: 'Amendment to prior rate certification' },
] as const;
export const ACTUARIAL_FIRMS = [
  { value: 'MERCER', label: 'Mercer' },
  { value: 'MILLIMAN', label: 'Milliman' },
  { value: 'OPTUMAS', label: 'Optumas' },
  { value: 'GUIDEHOUSE', label: 'Guidehouse' },
  { value: 'DELOITTE', label: 'Deloitte' },
  { value: 'STATE_IN_HOUSE', label: 'State in-house actuary' },
  { value: 'OTHER', label: 'Other' },
] as const;
export const COMMUNICATION_PREFERENCES = [
  { value: 'OACT_TO_ACTUARY', label: 'OACT can communicate directly with the certifying actuaries' },
  { value: 'OACT_TO_STATE', label: 'OACT should contact the state, who will relay to the actuaries' },
] as const;
export const DOCUMENT_CATEGORIES = {
  CONTRACT: 'Contract',
  CONTRACT_SUPPORTING: 'Contract supporting document',
  RATE: 'Rate certification',
  RATE_SUPPORTING: 'Rate supporting document',
} as const;
export const SCAN_STATUS = {
  NOT_SCANNED: 'Not scanned',
  PENDING: 'Scanning',
  CLEAN: 'No virus found',
  INFECTED: 'Virus found',
  ERROR: 'Scan failed',
} as const;

export function labelOf(list: readonly { value: string; label: string }[], value: string | undefined) {
  return list.find((o) => o.value === value)?.label ?? '—';
}
