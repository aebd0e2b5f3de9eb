/**
 * The form's steps, following the domain: which fields each step edits, so the rules
 * `validateForSubmit` reports can be shown on the step where they can be fixed.
 */
import type { FieldError, FormDataInput } from '../api/types.js';

export const STEPS = [
  { id: 'submission', label: 'Submission details' },
  { id: 'contract', label: 'Contract details' },
  { id: 'rates', label: 'Rate details' },
  { id: 'contacts', label: 'Contacts' },
  { id: 'documents', label: 'Documents' },
  { id: 'review', label: 'Review and submit' },
] as const;
export type StepId = (typeof STEPS)[number]['id'];

/** Rate details exist only for contract-and-rates submissions. */
export function stepsFor(form: Pick<FormDataInput, 'submissionType'>) {
  return STEPS.filter((s) => s.id !== 'rates' || form.submissionType === 'CONTRACT_AND_RATES');
}

const CONTRACT_FIELDS = [
  'contractType',
  'contractDateStart',
  'contractDateEnd',
  'managedCareEntities',
  'federalAuthorities',
  'itemsBeingAmended',
  'otherItemBeingAmended',
  'populationCovered',
  'riskBasedContract',
  'contractExecutionStatus',
  'dsnpContract',
  'modifiedProvisions',
];

export function stepOf(path: string): StepId {
  const [root, field, , sub] = path.split('.');
  if (root === 'documents') return 'documents';
  if (root === 'reason') return 'review';
  // A submit refused over a rate the package links (withdrawn meanwhile): the rates step unlinks it.
  if (root === 'rateLinks') return 'rates';
  if (field === 'rateCertifications') return sub === 'documents' ? 'documents' : 'rates';
  if (field === 'actuaryCommunicationPreference') return 'rates';
  if (field === 'stateContacts') return 'contacts';
  if (field && CONTRACT_FIELDS.includes(field)) return 'contract';
  return 'submission';
}

export const errorsOfStep = (errors: readonly FieldError[], step: StepId) =>
  errors.filter((e) => stepOf(e.path) === step);
