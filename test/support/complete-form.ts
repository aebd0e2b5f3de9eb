/**
 * One complete, submittable contract-and-rates form (a base contract of a D-SNP plan: an
 * amendment also answers every provision, see `amendmentProvisions`). The conformance fixtures, the package
 * factory and the HTTP flow test all start from it; a test that needs a value of its own
 * passes it as an override.
 */
import { randomUUID } from 'node:crypto';
import { type FormDataInput, MODIFIED_PROVISION_KEYS } from '../../src/domain/index.js';

/** What an amendment answers about every provision: yes for the capitation rates, no otherwise. */
export const amendmentProvisions = (): NonNullable<FormDataInput['modifiedProvisions']> =>
  Object.fromEntries(MODIFIED_PROVISION_KEYS.map((p) => [p, p === 'CAPITATION_RATES']));

export interface CompleteFormOptions {
  /** The programs the contract covers; its one rate certification certifies the first. */
  programIds: string[];
  /** The rate certification's id, for a test that ties a rate document to it. */
  rateId?: string;
}

export function completeForm(
  { programIds, rateId = randomUUID() }: CompleteFormOptions,
  overrides: Partial<FormDataInput> = {},
): FormDataInput {
  return {
    submissionType: 'CONTRACT_AND_RATES',
    programIds,
    submissionDescription: 'Base contract for calendar year 2027 with capitation rates',
    contractType: 'BASE',
    contractDateStart: '2027-01-01',
    contractDateEnd: '2027-12-31',
    managedCareEntities: ['MCO'],
    federalAuthorities: ['STATE_PLAN', 'WAIVER_1115'],
    relatedToCovid19: false,
    populationCovered: 'MEDICAID',
    riskBasedContract: true,
    contractExecutionStatus: 'EXECUTED',
    dsnpContract: true,
    rateCertifications: [
      {
        id: rateId,
        rateType: 'NEW',
        rateProgramIds: programIds.slice(0, 1),
        rateDateStart: '2027-01-01',
        rateDateEnd: '2027-12-31',
        rateDateCertified: '2026-10-01',
        capitationType: 'RATE_CELL',
        medicaidPopulations: ['MEDICARE_MEDICAID_WITH_DSNP', 'MEDICAID_ONLY'],
        certifyingActuaries: [
          { name: 'Ada Actuary', title: 'FSA', email: 'ada@mercer.example.com', actuarialFirm: 'MERCER' },
        ],
      },
    ],
    stateContacts: [{ name: 'Sam State', title: 'Program lead', email: 'sam@state.example.gov' }],
    actuaryCommunicationPreference: 'OACT_TO_ACTUARY',
    ...overrides,
  };
}

/** Every answer a contract-only submission needs but its programs and its contract document. */
export const CONTRACT_ONLY_READY = {
  contractType: 'BASE',
  contractDateStart: '2027-01-01',
  contractDateEnd: '2027-12-31',
  managedCareEntities: ['MCO'],
  federalAuthorities: ['STATE_PLAN'],
  populationCovered: 'MEDICAID',
  riskBasedContract: true,
  contractExecutionStatus: 'EXECUTED',
  dsnpContract: false,
  submissionDescription: 'Calendar year 2027 base contract',
  stateContacts: [{ name: 'Mina', title: 'Lead', email: 'contact@mn.example.gov' }],
} satisfies Partial<FormDataInput>;

/** A contract-only form naming these programs that passes every submit rule once it has a CONTRACT document. */
export const contractOnlyReady = (programIds: string[], overrides: Partial<FormDataInput> = {}) => ({
  submissionType: 'CONTRACT_ONLY' as const,
  programIds,
  ...CONTRACT_ONLY_READY,
  ...overrides,
});
