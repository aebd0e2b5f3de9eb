/**
 * The lifecycle's rules, one test each: which status each step starts from, the version guard
 * (checked after the status), reasons, form and document validation, what each step writes and
 * the audit event it records. Packages are deep-frozen, so a step that mutates its input fails.
 */
import { describe, expect, it } from 'vitest';
import {
  type Actor,
  AUDIT_SUMMARIES,
  INITIAL_SUBMISSION_REASON,
  isUuid,
  lifecycle,
  MAX_REASON_LENGTH,
  type Package,
  type PackageAction,
} from '../../src/domain/index.js';
import { contractOnlyDraft, deepFreeze, doc, ID_KIND, uid } from './fixtures.js';
import {
  CMS,
  counterIds,
  cross,
  draftPackage,
  NOW,
  otherStatuses,
  PACKAGES_BY_STATUS,
  PKG_ID,
  pathsOf,
  refusal,
  resubmittedPackage,
  STATE,
  STATUSES,
  type Status,
  SUBMITTED_AT,
  submittedPackage,
  unlockedPackage,
} from './plan-builders.js';

const NEW_ID = uid(ID_KIND.package, 42);
const createStep = (extra: Partial<lifecycle.CreateStep> = {}): lifecycle.CreateStep => ({
  actor: STATE,
  at: NOW,
  newId: counterIds(),
  id: NEW_ID,
  stateCode: 'MN',
  formData: contractOnlyDraft().formData,
  ...extra,
});
const versioned = <E extends object>(pkg: Package, extra?: E) => ({
  actor: STATE,
  at: NOW,
  newId: counterIds(),
  expectedVersion: pkg.version,
  ...(extra as E),
});
const BAD_FORM = { submissionType: 'CONTRACT_ONLY', programIds: ['not-a-uuid'], stateContacts: 'nobody' };

describe('createDraft', () => {
  it('refuses an id that is not a uuid, before looking at the form', () => {
    const e = refusal(() => lifecycle.createDraft(createStep({ id: 'package-1', formData: BAD_FORM })));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(pathsOf(e)).toEqual(['id']);
  });

  it('refuses a bad form before any number is taken, naming each field under formData', () => {
    const e = refusal(() => lifecycle.createDraft(createStep({ formData: BAD_FORM })));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(pathsOf(e)).toEqual(['formData.programIds.0', 'formData.stateContacts']);
  });

  it('refuses bad document records, naming each field under documents', () => {
    const documents = [{ ...doc(1, 'CONTRACT'), sha256: 'nope' }];
    const e = refusal(() => lifecycle.createDraft(createStep({ documents })));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(pathsOf(e)).toEqual(['documents.0.sha256']);
  });

  it('builds the first draft revision under the number it is given', () => {
    const plan = lifecycle.createDraft(createStep({ newId: counterIds(900) }));
    expect(plan).toMatchObject({ id: NEW_ID, stateCode: 'MN' });
    const { after, event } = plan.build(12);
    expect(after).toEqual({
      id: NEW_ID,
      stateCode: 'MN',
      stateNumber: 12,
      status: 'DRAFT',
      version: 1,
      createdAt: NOW,
      updatedAt: NOW,
      initiallySubmittedAt: null,
      reviewStatus: null,
      reviewActions: [],
      questions: [],
      revisions: [
        {
          id: uid(ID_KIND.revision, 900),
          number: 1,
          createdAt: NOW,
          formData: contractOnlyDraft().formData,
          documents: [],
          submitInfo: null,
          unlockInfo: null,
          rateLinks: [],
        },
      ],
    });
    expect(event).toEqual({ actor: STATE, action: 'CREATE', summary: AUDIT_SUMMARIES.create(12), at: NOW });
    expect(event.summary).toContain('12');
  });

  it('keeps the form as parsed, defaults filled, and the documents the server recorded', () => {
    const documents = [doc(1, 'CONTRACT')];
    const input = deepFreeze({ submissionType: 'CONTRACT_ONLY' });
    const { after } = lifecycle.createDraft(createStep({ formData: input, documents })).build(1);
    expect(after.revisions[0]!.formData).toMatchObject({
      submissionType: 'CONTRACT_ONLY',
      programIds: [],
      rateCertifications: [],
      stateContacts: [],
    });
    expect(after.revisions[0]!.documents).toEqual(documents);
    expect(after.revisions[0]!.documents).not.toBe(documents);
  });

  it('makes a random uuid for the revision when no newId is injected', () => {
    const { newId: _, ...step } = createStep();
    const { after } = lifecycle.createDraft(step).build(1);
    expect(isUuid(after.revisions[0]!.id)).toBe(true);
  });
});

describe('editDraft', () => {
  it('refuses a stale expected version', () => {
    const pkg = unlockedPackage();
    const e = refusal(() => lifecycle.editDraft(pkg, versioned(pkg, { expectedVersion: 2 })));
    expect(e.code).toBe('VERSION_CONFLICT');
    expect(e.details).toMatchObject({ expectedVersion: 2, actualVersion: 3 });
  });

  it('checks the status before the version', () => {
    const pkg = submittedPackage();
    const e = refusal(() => lifecycle.editDraft(pkg, versioned(pkg, { expectedVersion: 1 })));
    expect(e.code).toBe('INVALID_TRANSITION');
  });

  it('lands on any version when none is expected (document changes)', () => {
    const pkg = unlockedPackage();
    const { after } = lifecycle.editDraft(pkg, { actor: STATE, at: NOW });
    expect(after.version).toBe(4);
  });

  it('replaces the form only, one version on, dated now; the rest of the package stays', () => {
    const pkg = unlockedPackage();
    const formData = { ...contractOnlyDraft().formData, submissionDescription: 'Edited' };
    const { after, event } = lifecycle.editDraft(pkg, versioned(pkg, { formData }));
    const [current, older] = pkg.revisions;
    expect(after).toEqual({
      ...pkg,
      version: pkg.version + 1,
      updatedAt: NOW,
      revisions: [{ ...current, formData }, older],
    });
    expect(event).toEqual({ actor: STATE, action: 'UPDATE', summary: AUDIT_SUMMARIES.update, at: NOW });
  });

  it('replaces the documents only when given', () => {
    const pkg = draftPackage();
    const documents = [doc(9, 'CONTRACT')];
    const { after } = lifecycle.editDraft(pkg, versioned(pkg, { documents }));
    expect(after.revisions[0]).toEqual({ ...pkg.revisions[0], documents });
  });

  it('keeps form and documents when neither is given, yet counts the change', () => {
    const pkg = draftPackage();
    const { after } = lifecycle.editDraft(pkg, versioned(pkg));
    expect(after).toEqual({ ...pkg, version: 2, updatedAt: NOW });
  });

  it('refuses a bad form or bad documents, naming the fields', () => {
    const pkg = draftPackage();
    const badForm = refusal(() => lifecycle.editDraft(pkg, versioned(pkg, { formData: BAD_FORM })));
    expect(badForm.code).toBe('VALIDATION_FAILED');
    expect(pathsOf(badForm)).toEqual(['formData.programIds.0', 'formData.stateContacts']);
    const twice = [doc(1, 'CONTRACT'), doc(1, 'CONTRACT')];
    const badDocs = refusal(() => lifecycle.editDraft(pkg, versioned(pkg, { documents: twice })));
    expect(badDocs.code).toBe('VALIDATION_FAILED');
    expect(pathsOf(badDocs)).toEqual(['documents.1.id', 'documents.1.name']);
  });

  it('records the audit action and summary it is told to', () => {
    const pkg = draftPackage();
    const audit = { action: 'UPLOAD', summary: 'Uploaded a.pdf' } as const;
    const { event } = lifecycle.editDraft(pkg, versioned(pkg, { audit }));
    expect(event).toEqual({ actor: STATE, at: NOW, ...audit });
  });
});

describe('submit', () => {
  it('freezes a DRAFT as SUBMITTED, with the initial reason, and dates the first submission', () => {
    const pkg = draftPackage();
    const { after, event } = lifecycle.submit(pkg, versioned(pkg));
    expect(after).toEqual({
      ...pkg,
      status: 'SUBMITTED',
      version: 2,
      updatedAt: NOW,
      initiallySubmittedAt: NOW,
      reviewStatus: 'UNDER_REVIEW',
      revisions: [
        { ...pkg.revisions[0], submitInfo: { at: NOW, by: STATE, reason: INITIAL_SUBMISSION_REASON } },
      ],
    });
    expect(INITIAL_SUBMISSION_REASON).toBe('Initial submission');
    expect(event).toEqual({ actor: STATE, action: 'SUBMIT', summary: AUDIT_SUMMARIES.submit, at: NOW });
  });

  it('refuses a stale version, after the status', () => {
    const draft = draftPackage();
    expect(refusal(() => lifecycle.submit(draft, versioned(draft, { expectedVersion: 0 }))).code).toBe(
      'VERSION_CONFLICT',
    );
    const sent = submittedPackage();
    expect(refusal(() => lifecycle.submit(sent, versioned(sent, { expectedVersion: 0 }))).code).toBe(
      'INVALID_TRANSITION',
    );
  });
});

describe('unlock', () => {
  const unlockStep = (pkg: Package, reason: string | undefined, extra = {}) =>
    versioned(pkg, { actor: CMS, newId: counterIds(700), reason, ...extra });

  it('copies the last submitted revision into a new draft revision carrying the unlock', () => {
    const pkg = resubmittedPackage();
    const { after, event } = lifecycle.unlock(pkg, unlockStep(pkg, '  Rates are missing  '));
    const last = pkg.revisions[0]!;
    expect(after).toEqual({
      ...pkg,
      status: 'UNLOCKED',
      version: 5,
      updatedAt: NOW,
      revisions: [
        {
          id: uid(ID_KIND.revision, 700),
          number: 3,
          createdAt: NOW,
          formData: last.formData,
          documents: last.documents,
          submitInfo: null,
          unlockInfo: { at: NOW, by: CMS, reason: 'Rates are missing' },
          rateLinks: [],
        },
        ...pkg.revisions,
      ],
    });
    expect(after.initiallySubmittedAt).toBe(SUBMITTED_AT);
    expect(event).toEqual({
      actor: CMS,
      action: 'UNLOCK',
      summary: AUDIT_SUMMARIES.unlock('Rates are missing'),
      at: NOW,
    });
  });

  it('copies, so the new draft shares nothing with the frozen revision', () => {
    const pkg = submittedPackage();
    const [draft, frozen] = lifecycle.unlock(pkg, unlockStep(pkg, 'why')).after.revisions;
    expect(draft!.formData).not.toBe(frozen!.formData);
    expect(draft!.documents).not.toBe(frozen!.documents);
  });

  it('takes a reason of exactly the longest length, counted after trimming', () => {
    const pkg = submittedPackage();
    const reason = ` ${'x'.repeat(MAX_REASON_LENGTH)} `;
    const { after } = lifecycle.unlock(pkg, unlockStep(pkg, reason));
    expect(after.revisions[0]!.unlockInfo!.reason).toBe('x'.repeat(MAX_REASON_LENGTH));
  });

  it('checks the reason before the status and the version', () => {
    const draft = draftPackage();
    expect(pathsOf(refusal(() => lifecycle.unlock(draft, unlockStep(draft, ''))))).toEqual(['reason']);
    const sent = submittedPackage();
    const stale = unlockStep(sent, '', { expectedVersion: 1 });
    expect(pathsOf(refusal(() => lifecycle.unlock(sent, stale)))).toEqual(['reason']);
  });

  it('refuses a stale version, after the status', () => {
    const sent = submittedPackage();
    const stale = refusal(() => lifecycle.unlock(sent, unlockStep(sent, 'why', { expectedVersion: 1 })));
    expect(stale.code).toBe('VERSION_CONFLICT');
    const draft = draftPackage();
    const wrong = refusal(() => lifecycle.unlock(draft, unlockStep(draft, 'why', { expectedVersion: 9 })));
    expect(wrong.code).toBe('INVALID_TRANSITION');
  });
});

describe('resubmit', () => {
  const resubmitStep = (pkg: Package, reason: string | undefined, extra = {}) =>
    versioned(pkg, { reason, ...extra });

  it('freezes an UNLOCKED draft as RESUBMITTED with the trimmed reason; the first submission stays dated', () => {
    const pkg = unlockedPackage();
    const { after, event } = lifecycle.resubmit(pkg, resubmitStep(pkg, ' Dates fixed '));
    const [current, older] = pkg.revisions;
    expect(after).toEqual({
      ...pkg,
      status: 'RESUBMITTED',
      version: 4,
      updatedAt: NOW,
      initiallySubmittedAt: SUBMITTED_AT,
      revisions: [{ ...current, submitInfo: { at: NOW, by: STATE, reason: 'Dates fixed' } }, older],
    });
    expect(event).toEqual({
      actor: STATE,
      action: 'RESUBMIT',
      summary: AUDIT_SUMMARIES.resubmit('Dates fixed'),
      at: NOW,
    });
  });

  it('checks the reason before the status, and the status before the version', () => {
    const sent = submittedPackage();
    expect(pathsOf(refusal(() => lifecycle.resubmit(sent, resubmitStep(sent, ''))))).toEqual(['reason']);
    const staleWrong = resubmitStep(sent, 'why', { expectedVersion: 9 });
    expect(refusal(() => lifecycle.resubmit(sent, staleWrong)).code).toBe('INVALID_TRANSITION');
    const unlocked = unlockedPackage();
    const stale = resubmitStep(unlocked, 'why', { expectedVersion: 2 });
    expect(refusal(() => lifecycle.resubmit(unlocked, stale)).code).toBe('VERSION_CONFLICT');
  });
});

describe('reasons (unlock and resubmit)', () => {
  const WITH_REASON = {
    unlock: (reason: string | undefined) =>
      lifecycle.unlock(submittedPackage(), versioned(submittedPackage(), { actor: CMS, reason })),
    resubmit: (reason: string | undefined) =>
      lifecycle.resubmit(unlockedPackage(), versioned(unlockedPackage(), { reason })),
  };
  const BAD_REASONS = [
    ['missing', undefined],
    ['blank', ' \n\t '],
    ['too long', 'x'.repeat(MAX_REASON_LENGTH + 1)],
    ['unstorable', 'why\u0000'],
  ] as const;

  it.each(
    cross(['unlock', 'resubmit'] as const, BAD_REASONS).map(([step, [what, reason]]) => [step, what, reason]),
  )('%s refuses a %s reason on the reason field', (step, _, reason) => {
    const e = refusal(() => WITH_REASON[step](reason));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(pathsOf(e)).toEqual(['reason']);
  });
});

describe('deleteDraft', () => {
  it('deletes a DRAFT: nothing after, a DELETE event', () => {
    const pkg = draftPackage();
    expect(lifecycle.deleteDraft(pkg, versioned(pkg))).toEqual({
      after: null,
      event: { actor: STATE, action: 'DELETE', summary: AUDIT_SUMMARIES.delete, at: NOW },
    });
  });

  it('refuses a stale version', () => {
    const pkg = draftPackage();
    const e = refusal(() => lifecycle.deleteDraft(pkg, versioned(pkg, { expectedVersion: 2 })));
    expect(e.code).toBe('VERSION_CONFLICT');
  });
});

/** Each step on an existing package, run by the actor it belongs to with a sound request. */
const RUN: Record<PackageAction, (pkg: Package, actor?: Actor) => unknown> = {
  update: (pkg, actor = STATE) => lifecycle.editDraft(pkg, versioned(pkg, { actor })),
  submit: (pkg, actor = STATE) => lifecycle.submit(pkg, versioned(pkg, { actor })),
  unlock: (pkg, actor = CMS) => lifecycle.unlock(pkg, versioned(pkg, { actor, reason: 'why' })),
  resubmit: (pkg, actor = STATE) => lifecycle.resubmit(pkg, versioned(pkg, { actor, reason: 'why' })),
  delete: (pkg, actor = STATE) => lifecycle.deleteDraft(pkg, versioned(pkg, { actor })),
};
const ACTIONS = Object.keys(RUN) as PackageAction[];

/** The state machine: the statuses each step starts from. */
const STARTS_FROM: Record<PackageAction, Status[]> = {
  update: ['DRAFT', 'UNLOCKED'],
  submit: ['DRAFT'],
  unlock: ['SUBMITTED', 'RESUBMITTED'],
  resubmit: ['UNLOCKED'],
  delete: ['DRAFT'],
};
const allowed = ACTIONS.flatMap((a) => STARTS_FROM[a].map((s) => [a, s] as const));
const refused = ACTIONS.flatMap((a) => otherStatuses(...STARTS_FROM[a]).map((s) => [a, s] as const));

describe('which status each step starts from', () => {
  it.each(allowed)('%s runs on a %s package', (action, status) => {
    expect(() => RUN[action](PACKAGES_BY_STATUS[status]())).not.toThrow();
  });

  it.each(refused)('%s on a %s package is INVALID_TRANSITION', (action, status) => {
    const e = refusal(() => RUN[action](PACKAGES_BY_STATUS[status]()));
    expect(e.code).toBe('INVALID_TRANSITION');
    expect(e.details).toEqual({ id: PKG_ID, action, status });
  });
});

describe('every step', () => {
  const UNSTORABLE = { ...STATE, email: 'a\u0000@mn.example.gov' };

  it('create refuses an actor it cannot store', () => {
    const e = refusal(() => lifecycle.createDraft(createStep({ actor: UNSTORABLE })));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(pathsOf(e)).toEqual(['actor.email']);
  });

  it.each(ACTIONS)('%s refuses an actor it cannot store', (action) => {
    const pkg = PACKAGES_BY_STATUS[STARTS_FROM[action][0]!]();
    const e = refusal(() => RUN[action](pkg, UNSTORABLE));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(pathsOf(e)).toEqual(['actor.email']);
  });

  it.each(STATUSES)('leaves the %s package it read as it was, whether it goes ahead or refuses', (status) => {
    // Unfrozen, so a mutation shows as a difference even where the step then refuses.
    const pkg: Package = structuredClone(PACKAGES_BY_STATUS[status]());
    const before = structuredClone(pkg);
    const tries = [
      ...ACTIONS.map((action) => () => RUN[action](pkg)),
      () => lifecycle.editDraft(pkg, versioned(pkg, { formData: contractOnlyDraft().formData })),
      () => lifecycle.editDraft(pkg, versioned(pkg, { documents: [doc(9, 'CONTRACT')] })),
    ];
    for (const step of tries) {
      try {
        step();
      } catch {
        // A refusal must leave it too.
      }
    }
    expect(pkg).toEqual(before);
  });
});
