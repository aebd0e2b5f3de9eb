/** Packages in each state an event leaves them in, built directly (no store). */
import type { Actor, Contact, Package, ReviewAction, Revision } from '../../src/domain/index.js';
import { FormDataSchema } from '../../src/domain/index.js';
import { isQuestionEvent, type PackageEvent, type PackageEventType } from '../../src/notify/index.js';

export const PACKAGE_ID = '00000000-0000-4000-8000-00000000abcd';
export const PMAP_ID = '00000000-0000-4000-8000-000000000001';

const actor = (n: number, email: string, role: Actor['role'] = 'STATE_USER'): Actor => ({
  id: `00000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`,
  email,
  role,
});
export const SAM = actor(1, 'sam.submitter@mn.example.gov');
export const BOB = actor(2, 'bob.resubmitter@mn.example.gov');
export const CAROL_CMS = actor(3, 'carol.reviewer@cms.example.gov', 'CMS_USER');

export const CONTACTS: Contact[] = [
  { name: 'Ann Contact', title: 'Lead', email: 'Ann.Contact@MN.example.gov' },
  { name: 'Ann again', title: 'Lead', email: ' ann.contact@mn.example.gov ' },
  { name: 'Sam (also a contact)', title: 'Analyst', email: 'SAM.SUBMITTER@mn.example.gov' },
  { name: 'Typo', title: '', email: 'not-an-email' },
  { name: 'Blank', title: '', email: '' },
];

export const CMS_LIST = [
  'review@cms.example.gov',
  'REVIEW@cms.example.gov',
  'oact@cms.example.gov',
  'bad address',
];

interface RevisionSpec {
  number: number;
  at: string;
  submitted?: { by: Actor; reason: string; at: string };
  unlocked?: { by: Actor; reason: string; at: string };
  contacts?: Contact[];
}

function revision(spec: RevisionSpec): Revision {
  return {
    id: `00000000-0000-4000-8000-0000000002${String(spec.number).padStart(2, '0')}`,
    number: spec.number,
    createdAt: spec.at,
    formData: FormDataSchema.parse({
      submissionType: 'CONTRACT_ONLY',
      programIds: [PMAP_ID],
      stateContacts: spec.contacts ?? CONTACTS,
    }),
    documents: [],
    submitInfo: spec.submitted ?? null,
    unlockInfo: spec.unlocked ?? null,
    rateLinks: [],
  };
}

function pkg(status: Package['status'], revisions: Revision[]): Package {
  return {
    id: PACKAGE_ID,
    stateCode: 'MN',
    stateNumber: 1,
    status,
    version: revisions.length * 2,
    createdAt: '2025-01-10T09:00:00.000Z',
    updatedAt: revisions[0]!.createdAt,
    initiallySubmittedAt: '2025-01-15T12:00:00.000Z',
    revisions,
    reviewStatus: 'UNDER_REVIEW',
    reviewActions: [],
    questions: [],
  };
}

const first = (extra: Partial<RevisionSpec> = {}) =>
  revision({
    number: 1,
    at: '2025-01-10T09:00:00.000Z',
    submitted: { by: SAM, reason: 'Initial submission', at: '2025-01-15T12:00:00.000Z' },
    ...extra,
  });

export const UNLOCK_REASON = 'Rates <tables> are missing & the dates are wrong.\nPlease fix both.';
export const RESUBMIT_REASON = 'Added the "rate" tables and fixed the dates.';

export function submitted(contacts?: Contact[]): Package {
  return pkg('SUBMITTED', [first(contacts ? { contacts } : {})]);
}

/** Submitted by Sam, unlocked, resubmitted by Bob, unlocked again. */
export function unlocked(): Package {
  return pkg('UNLOCKED', [
    revision({
      number: 3,
      at: '2025-03-01T08:30:00.000Z',
      unlocked: { by: CAROL_CMS, reason: UNLOCK_REASON, at: '2025-03-01T08:30:00.000Z' },
      contacts: [{ name: 'Dee', title: 'Lead', email: 'dee@mn.example.gov' }],
    }),
    revision({
      number: 2,
      at: '2025-02-01T10:00:00.000Z',
      unlocked: { by: CAROL_CMS, reason: 'First round', at: '2025-02-01T10:00:00.000Z' },
      submitted: { by: BOB, reason: 'Fixed', at: '2025-02-10T10:00:00.000Z' },
      contacts: [{ name: 'Dee', title: 'Lead', email: 'dee@mn.example.gov' }],
    }),
    first(),
  ]);
}

/** Submitted by Sam, unlocked, resubmitted by Bob. */
export function resubmitted(): Package {
  return pkg('RESUBMITTED', [
    revision({
      number: 2,
      at: '2025-02-01T10:00:00.000Z',
      unlocked: { by: CAROL_CMS, reason: UNLOCK_REASON, at: '2025-02-01T10:00:00.000Z' },
      submitted: { by: BOB, reason: RESUBMIT_REASON, at: '2025-02-10T16:45:00.000Z' },
      contacts: [{ name: 'Dee', title: 'Lead', email: 'dee@mn.example.gov' }],
    }),
    first(),
  ]);
}

export const WITHDRAW_REASON = 'The state asked to <withdraw> it & start over.';
export const UNDO_REASON = 'Recorded on the wrong package.';

const decision = (
  n: number,
  action: ReviewAction['action'],
  at: string,
  reason: string,
  releasedOn?: string,
): ReviewAction => ({
  id: `00000000-0000-4000-8000-0000000003${String(n).padStart(2, '0')}`,
  action,
  at,
  by: CAROL_CMS,
  reason,
  ...(releasedOn ? { releasedOn } : {}),
});

/** Resubmitted by Bob, then approved by Carol (no note), released to the state on 2025-02-20. */
export function approved(reason = ''): Package {
  return {
    ...resubmitted(),
    reviewStatus: 'APPROVED',
    reviewActions: [decision(1, 'APPROVE', '2025-02-21T15:00:00.000Z', reason, '2025-02-20')],
  };
}

/** Resubmitted by Bob, then withdrawn by Carol. */
export function withdrawn(): Package {
  return {
    ...resubmitted(),
    reviewStatus: 'WITHDRAWN',
    reviewActions: [decision(1, 'WITHDRAW', '2025-02-22T09:15:00.000Z', WITHDRAW_REASON)],
  };
}

/** Withdrawn, then the withdrawal undone: under review again. */
export function withdrawalUndone(): Package {
  const w = withdrawn();
  return {
    ...w,
    reviewStatus: 'UNDER_REVIEW',
    reviewActions: [
      decision(2, 'UNDO_WITHDRAWAL', '2025-02-23T10:00:00.000Z', UNDO_REASON),
      ...w.reviewActions,
    ],
  };
}

/** Approved, then the approval undone: under review again. */
export function approvalUndone(): Package {
  const a = approved();
  return {
    ...a,
    reviewStatus: 'UNDER_REVIEW',
    reviewActions: [
      decision(2, 'UNDO_APPROVAL', '2025-02-24T08:30:00.000Z', UNDO_REASON),
      ...a.reviewActions,
    ],
  };
}

/** Resubmitted by Bob, unlocked again, and the unlock undone: revision 2 is current again. */
export function unlockUndone(): Package {
  return {
    ...resubmitted(),
    reviewActions: [decision(1, 'UNDO_UNLOCK', '2025-03-02T11:20:00.000Z', UNDO_REASON)],
  };
}

export const RATE_ID = '00000000-0000-4000-8000-000000000501';
export const ACTUARY_EMAIL = 'ada.actuary@milliman.example.com';
export const QUESTION_ID = '00000000-0000-4000-8000-000000000601';
export const QUESTION_TEXT = 'Why do the <rates> & the contract differ?';
export const RESPONSE_TEXT = 'They do not: see the attached table.';
const RUTH_OACT = actor(4, 'ruth.oact@cms.example.gov', 'CMS_USER');

const qaDocument = (n: number, name: string) => ({
  id: `00000000-0000-4000-8000-0000000007${String(n).padStart(2, '0')}`,
  name,
  bucket: 'carepack-documents',
  key: `packages/${PACKAGE_ID}/questions/${n}.pdf`,
  size: 10,
  contentType: 'application/pdf',
  sha256: 'a'.repeat(64),
  addedAt: '2025-02-25T10:00:00.000Z',
  scanStatus: 'CLEAN' as const,
});

/**
 * Resubmitted by Bob with a rate certification (one certifying actuary), then OACT's first
 * question about that rate; `preference` is the package's actuary communication preference.
 */
export function asked(
  options: { preference?: 'OACT_TO_ACTUARY' | 'OACT_TO_STATE'; aboutRate?: boolean } = {},
): Package {
  const base = resubmitted();
  const [current, ...older] = base.revisions;
  const formData = FormDataSchema.parse({
    ...current!.formData,
    submissionType: 'CONTRACT_AND_RATES',
    rateCertifications: [
      {
        id: RATE_ID,
        certifyingActuaries: [
          { name: 'Ada', title: 'Actuary', email: ACTUARY_EMAIL },
          { name: 'Typo', title: '', email: 'not-an-email' },
        ],
      },
    ],
    ...(options.preference ? { actuaryCommunicationPreference: options.preference } : {}),
  });
  return {
    ...base,
    revisions: [{ ...current!, formData }, ...older],
    questions: [
      {
        id: QUESTION_ID,
        division: 'OACT',
        round: 1,
        at: '2025-02-25T10:00:00.000Z',
        by: RUTH_OACT,
        text: QUESTION_TEXT,
        ...(options.aboutRate === false ? {} : { rateId: RATE_ID }),
        documents: [qaDocument(1, 'questions.pdf'), qaDocument(2, 'rates-table.xlsx')],
        response: null,
      },
    ],
  };
}

/** `asked()`, and Bob's response to the question. */
export function responded(options: Parameters<typeof asked>[0] = {}): Package {
  const a = asked(options);
  return {
    ...a,
    questions: [
      {
        ...a.questions[0]!,
        response: {
          id: '00000000-0000-4000-8000-000000000602',
          at: '2025-02-27T14:30:00.000Z',
          by: { ...BOB, email: 'bob.responder@mn.example.gov' },
          text: RESPONSE_TEXT,
          documents: [qaDocument(3, 'answers.pdf')],
        },
      },
    ],
  };
}

export function event(type: PackageEventType, p?: Package): PackageEvent {
  const byType: Record<PackageEventType, () => Package> = {
    SUBMIT: submitted,
    UNLOCK: unlocked,
    RESUBMIT: resubmitted,
    APPROVE: approved,
    UNDO_APPROVAL: approvalUndone,
    WITHDRAW: withdrawn,
    UNDO_WITHDRAWAL: withdrawalUndone,
    UNDO_UNLOCK: unlockUndone,
    QUESTION_ASKED: asked,
    QUESTION_RESPONDED: responded,
  };
  const pkg = p ?? byType[type]();
  return {
    type,
    package: pkg,
    name: 'MN-PMAP-0001',
    programNames: ['PMAP (Prepaid Medical Assistance Program)'],
    ...(isQuestionEvent(type) ? { questionId: pkg.questions[0]!.id } : {}),
  };
}

export const SETTINGS = {
  from: 'Carepack <no-reply@carepack.example.gov>',
  cmsReviewList: CMS_LIST,
  baseUrl: 'https://carepack.example.gov/',
};

export const LINK = `https://carepack.example.gov/packages/${PACKAGE_ID}`;
