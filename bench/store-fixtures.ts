/** Realistic inputs for the store benchmark: a full contract-and-rates package and its documents. */
import { createHash, randomUUID } from 'node:crypto';
import type { Actor, FormData, Package, PackageDocument, PackageStatus, State } from '../src/domain/index.js';

const PROGRAM_IDS = [randomUUID(), randomUUID()];

export const ACTOR: Actor = { id: randomUUID(), email: 'analyst@dhs.state.mn.us', role: 'STATE_USER' };

export function state(code: string): State {
  return {
    code,
    name: `State ${code}`,
    programs: [
      { id: PROGRAM_IDS[0]!, name: 'PMAP', fullName: 'Prepaid Medical Assistance Program' },
      { id: PROGRAM_IDS[1]!, name: 'MSC+', fullName: 'Minnesota Senior Care Plus' },
    ],
  };
}

const RATE_IDS = [randomUUID(), randomUUID()];

/** Complete form data (every default filled in), so the store's parse returns it unchanged. */
export const FORM_DATA: FormData = {
  submissionType: 'CONTRACT_AND_RATES',
  programIds: PROGRAM_IDS,
  submissionDescription:
    'Base contract for calendar year 2026 covering families and children, adults without children and ' +
    'seniors, together with the actuarially sound capitation rates for both programs. Rates reflect the ' +
    'updated encounter data and the unwinding of continuous enrollment.',
  contractType: 'BASE',
  contractDateStart: '2026-01-01',
  contractDateEnd: '2026-12-31',
  managedCareEntities: ['MCO', 'PIHP'],
  federalAuthorities: ['STATE_PLAN', 'WAIVER_1915B'],
  itemsBeingAmended: [],
  relatedToCovid19: false,
  populationCovered: 'MEDICAID',
  riskBasedContract: true,
  contractExecutionStatus: 'EXECUTED',
  dsnpContract: true,
  rateCertifications: RATE_IDS.map((id, i) => ({
    id,
    rateType: 'NEW' as const,
    rateProgramIds: [PROGRAM_IDS[i]!],
    rateDateStart: '2026-01-01',
    rateDateEnd: '2026-12-31',
    rateDateCertified: '2025-10-15',
    capitationType: 'RATE_CELL' as const,
    medicaidPopulations: ['MEDICARE_MEDICAID_WITH_DSNP' as const, 'MEDICAID_ONLY' as const],
    certifyingActuaries: [
      {
        name: `Actuary ${i + 1}`,
        title: 'Principal',
        email: `actuary${i + 1}@mercer.com`,
        actuarialFirm: 'MERCER',
      },
    ],
  })),
  stateContacts: [
    { name: 'Jordan Lee', title: 'Managed Care Contract Manager', email: 'jordan.lee@state.mn.us' },
    { name: 'Sam Rivera', title: 'Rate Setting Lead', email: 'sam.rivera@state.mn.us' },
  ],
  actuaryCommunicationPreference: 'OACT_TO_ACTUARY',
};

const DOCUMENT_SHAPES: { name: string; category: PackageDocument['category']; rate?: number }[] = [
  { name: 'MN-2026-base-contract.pdf', category: 'CONTRACT' },
  { name: 'MN-2026-contract-redline.docx', category: 'CONTRACT_SUPPORTING' },
  { name: 'PMAP-2026-rate-certification.pdf', category: 'RATE', rate: 0 },
  { name: 'MSC-2026-rate-certification.pdf', category: 'RATE', rate: 1 },
  { name: 'rate-development-workbook.xlsx', category: 'RATE_SUPPORTING', rate: 0 },
];

/** A document as an upload records it (scanned clean), the `index`th of its list. */
export function uploadedDocument<C extends PackageDocument['category']>(
  name: string,
  category: C,
  index: number,
  addedAt: string,
) {
  const id = randomUUID();
  return {
    id,
    name,
    bucket: 'carepack-uploads-prod',
    key: `uploads/${id}/${name}`,
    size: 250_000 + index * 1_337_000,
    contentType: name.endsWith('.pdf') ? 'application/pdf' : 'application/octet-stream',
    sha256: createHash('sha256').update(id).digest('hex'),
    category,
    addedAt,
    scanStatus: 'CLEAN' as const,
  };
}

/** Five documents as uploads produce them; fresh ids each call (ids are per package). */
export function documents(): PackageDocument[] {
  const addedAt = new Date().toISOString();
  return DOCUMENT_SHAPES.map((s, i) => ({
    ...uploadedDocument(s.name, s.category, i, addedAt),
    ...(s.rate === undefined ? {} : { rateId: RATE_IDS[s.rate]! }),
  }));
}

/** A package as the store would hold it, for seeding without going through the store. */
export function syntheticPackage(
  stateCode: string,
  stateNumber: number,
  status: PackageStatus,
  at: string,
): Package {
  const submitInfo = { at, by: ACTOR, reason: 'Initial submission' };
  const revision = (number: number, submitted: boolean) => ({
    id: randomUUID(),
    number,
    createdAt: at,
    formData: FORM_DATA,
    documents: [],
    submitInfo: submitted ? submitInfo : null,
    unlockInfo: null,
    rateLinks: [],
  });
  const revisions =
    status === 'DRAFT' || status === 'SUBMITTED'
      ? [revision(1, status === 'SUBMITTED')]
      : [revision(2, status === 'RESUBMITTED'), revision(1, true)];
  return {
    id: randomUUID(),
    stateCode,
    stateNumber,
    status,
    version: revisions.length * 2 - (revisions[0]!.submitInfo ? 0 : 1),
    createdAt: at,
    updatedAt: at,
    initiallySubmittedAt: status === 'DRAFT' ? null : at,
    revisions,
    reviewStatus: status === 'DRAFT' ? null : 'UNDER_REVIEW',
    reviewActions: [],
    questions: [],
  };
}
