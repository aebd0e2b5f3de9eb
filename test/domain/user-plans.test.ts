/**
 * The portal's plans for users: who may see and act on a package (404 before 403, so nothing
 * leaks across states), which programs a form may name, what a submission must hold (checked
 * after status and version), and how document changes, uploads and removals are recorded.
 */
import { describe, expect, it } from 'vitest';
import {
  AUDIT_SUMMARIES,
  actorOf,
  assertDocumentPlacement,
  assertMayAuthor,
  type FormData,
  type Package,
  planAddDocument,
  planCreate,
  planDelete,
  planRemoveDocument,
  planResubmit,
  planSubmit,
  planUnlock,
  planUpdate,
  type User,
} from '../../src/domain/index.js';
import {
  adminUser,
  cmsUser,
  contractAndRatesDraft,
  contractOnlyDraft,
  doc,
  FOREIGN_PROGRAM_ID,
  ID_KIND,
  MN,
  MSHO,
  PMAP,
  RATE_1,
  stateUser,
  uid,
} from './fixtures.js';
import {
  counterIds,
  cross,
  draftPackage,
  NOW,
  otherStatuses,
  PACKAGES_BY_STATUS,
  pathsOf,
  refusal,
  STATUSES,
  submittedPackage,
  unlockedPackage,
} from './plan-builders.js';

const MN_USER = stateUser('MN');
const TX_USER = stateUser('TX', 2);
const CMS_USER = cmsUser();
const ADMIN = adminUser();
const CMS_SIDE: [string, User][] = [
  ['CMS', CMS_USER],
  ['an admin', ADMIN],
];
const programs = MN.programs;

const NEW_DOC = doc(20, 'CONTRACT_SUPPORTING', { name: 'notes.pdf', scanStatus: 'PENDING' });
const versioned = (pkg: Package, user: User) => ({ user, at: NOW, expectedVersion: pkg.version });

/** Every plan on an existing package, as `user` would run it with a sound request. */
const PLANS = {
  update: (pkg: Package, user: User) => planUpdate(pkg, { ...versioned(pkg, user), programs }),
  submit: (pkg: Package, user: User) => planSubmit(pkg, { ...versioned(pkg, user), programs }),
  resubmit: (pkg: Package, user: User) =>
    planResubmit(pkg, { ...versioned(pkg, user), programs, reason: 'why' }),
  unlock: (pkg: Package, user: User) => planUnlock(pkg, { ...versioned(pkg, user), reason: 'why' }),
  delete: (pkg: Package, user: User) => planDelete(pkg, versioned(pkg, user)),
  addDocument: (pkg: Package, user: User) => planAddDocument(pkg, { user, at: NOW, document: NEW_DOC }),
  removeDocument: (pkg: Package, user: User) =>
    planRemoveDocument(pkg, { user, at: NOW, documentId: pkg.revisions[0]!.documents[0]!.id }),
  placement: (pkg: Package, user: User) => assertDocumentPlacement(pkg, user, NEW_DOC),
  mayAuthor: (pkg: Package, user: User) => assertMayAuthor(pkg, user),
};
type PlanName = keyof typeof PLANS;
const ALL_PLANS = Object.keys(PLANS) as PlanName[];
const AUTHORING_PLANS = ALL_PLANS.filter((p) => p !== 'unlock');

describe('who may see a package', () => {
  it.each(cross(ALL_PLANS, STATUSES))(
    '%s: a user of another state gets NOT_FOUND on a %s package',
    (plan, status) => {
      const e = refusal(() => PLANS[plan](PACKAGES_BY_STATUS[status](), TX_USER));
      expect(e.code).toBe('NOT_FOUND');
    },
  );

  it.each(cross(ALL_PLANS, CMS_SIDE).map(([plan, [who, user]]) => [plan, who, user] as const))(
    '%s: %s gets NOT_FOUND on a never-submitted draft',
    (plan, _, user) => {
      expect(refusal(() => PLANS[plan](draftPackage(), user)).code).toBe('NOT_FOUND');
    },
  );
});

describe('who may act on a package', () => {
  it.each(cross(AUTHORING_PLANS, otherStatuses('DRAFT')))(
    '%s: CMS gets FORBIDDEN on a %s package it can see',
    (plan, status) => {
      const pkg = PACKAGES_BY_STATUS[status]();
      expect(refusal(() => PLANS[plan](pkg, CMS_USER)).code).toBe('FORBIDDEN');
      expect(refusal(() => PLANS[plan](pkg, ADMIN)).code).toBe('FORBIDDEN');
    },
  );

  it.each(STATUSES)('only CMS unlocks: the state user gets FORBIDDEN on its own %s package', (status) => {
    expect(refusal(() => PLANS.unlock(PACKAGES_BY_STATUS[status](), MN_USER)).code).toBe('FORBIDDEN');
  });

  it.each(CMS_SIDE)('%s unlocks a submitted package, recorded as the actor', (_, user) => {
    const { after, event } = PLANS.unlock(submittedPackage(), user);
    expect(after.status).toBe('UNLOCKED');
    expect(after.revisions[0]!.unlockInfo).toEqual({ at: NOW, by: actorOf(user), reason: 'why' });
    expect(event.actor).toEqual(actorOf(user));
  });

  it('CMS unlocks nothing without a reason', () => {
    const pkg = submittedPackage();
    const e = refusal(() => planUnlock(pkg, { ...versioned(pkg, CMS_USER), reason: '  ' }));
    expect(pathsOf(e)).toEqual(['reason']);
  });

  it('the state authors its own packages', () => {
    expect(() => assertMayAuthor(unlockedPackage(), MN_USER)).not.toThrow();
    expect(planDelete(draftPackage(), versioned(draftPackage(), MN_USER)).after).toBeNull();
  });
});

describe('planCreate', () => {
  const create = (user: User, formData: unknown) =>
    planCreate({ user, at: NOW, newId: counterIds(), programs, id: uid(ID_KIND.package, 5), formData });

  it.each(CMS_SIDE)('refuses %s: only state users create', (_, user) => {
    expect(refusal(() => create(user, contractOnlyDraft().formData)).code).toBe('FORBIDDEN');
    expect(refusal(() => create(user, { submissionType: 'EVERYTHING' })).code).toBe('FORBIDDEN');
  });

  it('refuses programs of another state, naming each', () => {
    const form = contractAndRatesDraft().formData;
    const [rate1, rate2] = form.rateCertifications;
    const formData: FormData = {
      ...form,
      programIds: [PMAP.id, FOREIGN_PROGRAM_ID],
      rateCertifications: [{ ...rate1!, rateProgramIds: [FOREIGN_PROGRAM_ID] }, rate2!],
    };
    const e = refusal(() => create(MN_USER, formData));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(pathsOf(e)).toEqual(['formData.programIds.1', 'formData.rateCertifications.0.rateProgramIds.0']);
  });

  it('refuses a bad form, naming the fields', () => {
    const e = refusal(() => create(MN_USER, { submissionType: 'EVERYTHING' }));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(pathsOf(e)).toEqual(['formData.submissionType']);
  });

  it("makes a draft of the user's own state, by the user, with no documents", () => {
    const plan = create(TX_USER, { submissionType: 'CONTRACT_ONLY' });
    expect(plan.stateCode).toBe('TX');
    const { after, event } = plan.build(3);
    expect(after).toMatchObject({ stateCode: 'TX', stateNumber: 3, status: 'DRAFT', version: 1 });
    expect(after.revisions[0]!.documents).toEqual([]);
    expect(event).toMatchObject({ action: 'CREATE', actor: actorOf(TX_USER), at: NOW });
  });
});

describe('planUpdate', () => {
  const update = (pkg: Package, extra: Partial<Parameters<typeof planUpdate>[1]>) =>
    planUpdate(pkg, { ...versioned(pkg, MN_USER), programs, ...extra });

  it('replaces the form, refusing programs of another state', () => {
    const pkg = draftPackage();
    const formData = { ...contractOnlyDraft().formData, programIds: [MSHO.id] };
    expect(update(pkg, { formData }).after.revisions[0]!.formData).toEqual(formData);
    const foreign = { ...formData, programIds: [MSHO.id, FOREIGN_PROGRAM_ID] };
    const e = refusal(() => update(pkg, { formData: foreign }));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(pathsOf(e)).toEqual(['formData.programIds.1']);
  });

  it('renames, reorders and drops recorded documents, keeping the form', () => {
    const pkg = unlockedPackage();
    const [first, , third] = pkg.revisions[0]!.documents;
    const { after, event } = update(pkg, {
      documents: [{ id: third!.id, name: 'renamed.pdf' }, { id: first!.id }],
    });
    expect(after.revisions[0]!.documents).toEqual([{ ...third, name: 'renamed.pdf' }, first]);
    expect(after.revisions[0]!.formData).toEqual(pkg.revisions[0]!.formData);
    expect(event).toMatchObject({ action: 'UPDATE', summary: AUDIT_SUMMARIES.update });
  });

  it('refuses a document id the draft has not recorded', () => {
    const pkg = draftPackage();
    const [first] = pkg.revisions[0]!.documents;
    const unknown = uid(ID_KIND.document, 99);
    const e = refusal(() => update(pkg, { documents: [{ id: first!.id }, { id: unknown }] }));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(pathsOf(e)).toEqual(['documents.1.id']);
  });

  it('places rate documents against the form being saved, else the current one', () => {
    const pkg = draftPackage(contractAndRatesDraft());
    const keepAll = pkg.revisions[0]!.documents.map((d) => ({ id: d.id }));
    expect(update(pkg, { documents: keepAll }).after.revisions[0]!.documents).toEqual(
      pkg.revisions[0]!.documents,
    );
    const form = contractAndRatesDraft().formData;
    const oneRate = { ...form, rateCertifications: form.rateCertifications.slice(0, 1) };
    const e = refusal(() => update(pkg, { formData: oneRate, documents: keepAll }));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(pathsOf(e)).toEqual(['documents.4.rateId']);
  });
});

describe('planSubmit', () => {
  const submit = (pkg: Package, extra = {}) =>
    planSubmit(pkg, { ...versioned(pkg, MN_USER), programs, ...extra });
  const { stateContacts: _, ...noContacts } = contractOnlyDraft().formData;
  const incomplete = { formData: { ...noContacts, stateContacts: [] }, documents: [] };

  it('submits a complete draft for the state user', () => {
    const { after, event } = submit(draftPackage());
    expect(after.status).toBe('SUBMITTED');
    expect(after.revisions[0]!.submitInfo?.by).toEqual(actorOf(MN_USER));
    expect(event).toMatchObject({ action: 'SUBMIT', actor: actorOf(MN_USER) });
  });

  it('refuses an incomplete package, listing every missing field', () => {
    const e = refusal(() => submit(draftPackage(incomplete)));
    expect(e.code).toBe('SUBMISSION_INCOMPLETE');
    expect(pathsOf(e)).toEqual(['formData.stateContacts', 'documents']);
  });

  it("checks the form's programs against the state's", () => {
    const e = refusal(() => submit(draftPackage(), { programs: [MSHO] }));
    expect(e.code).toBe('SUBMISSION_INCOMPLETE');
    expect(pathsOf(e)).toEqual(['formData.programIds.0']);
  });

  it('checks status and version before completeness', () => {
    expect(refusal(() => submit(unlockedPackage(incomplete))).code).toBe('INVALID_TRANSITION');
    expect(refusal(() => submit(draftPackage(incomplete), { expectedVersion: 9 })).code).toBe(
      'VERSION_CONFLICT',
    );
  });
});

describe('planResubmit', () => {
  const resubmit = (pkg: Package, extra = {}) =>
    planResubmit(pkg, { ...versioned(pkg, MN_USER), programs, reason: ' Dates fixed ', ...extra });
  const incomplete = { documents: [] };

  it('resubmits a complete unlocked draft with the trimmed reason', () => {
    const { after, event } = resubmit(unlockedPackage());
    expect(after.status).toBe('RESUBMITTED');
    expect(after.revisions[0]!.submitInfo).toEqual({ at: NOW, by: actorOf(MN_USER), reason: 'Dates fixed' });
    expect(event.summary).toBe(AUDIT_SUMMARIES.resubmit('Dates fixed'));
  });

  it('refuses an incomplete draft, after status and version', () => {
    const e = refusal(() => resubmit(unlockedPackage(incomplete)));
    expect(e.code).toBe('SUBMISSION_INCOMPLETE');
    expect(pathsOf(e)).toEqual(['documents']);
    expect(refusal(() => resubmit(draftPackage(incomplete))).code).toBe('INVALID_TRANSITION');
    expect(refusal(() => resubmit(unlockedPackage(incomplete), { expectedVersion: 2 })).code).toBe(
      'VERSION_CONFLICT',
    );
  });

  it('refuses a blank reason', () => {
    expect(pathsOf(refusal(() => resubmit(unlockedPackage(), { reason: '' })))).toEqual(['reason']);
  });
});

describe('planAddDocument', () => {
  const add = (pkg: Package, document = NEW_DOC) =>
    planAddDocument(pkg, { user: MN_USER, at: NOW, document });

  it('appends the document on whatever version it finds, recording an UPLOAD', () => {
    const pkg = unlockedPackage();
    const { after, event } = add(pkg);
    expect(after.version).toBe(pkg.version + 1);
    expect(after.revisions[0]!.documents).toEqual([...pkg.revisions[0]!.documents, NEW_DOC]);
    expect(event).toEqual({
      actor: actorOf(MN_USER),
      action: 'UPLOAD',
      summary: 'Uploaded notes.pdf (CONTRACT_SUPPORTING, PENDING)',
      at: NOW,
    });
    expect(event.summary).toBe(AUDIT_SUMMARIES.upload('notes.pdf', 'CONTRACT_SUPPORTING', 'PENDING'));
  });

  it('refuses a name already in the same list, ignoring case, as DUPLICATE_DOCUMENT', () => {
    const pkg = draftPackage();
    const taken = pkg.revisions[0]!.documents[0]!;
    const same = { ...NEW_DOC, category: taken.category, name: taken.name.toUpperCase() };
    const e = refusal(() => add(pkg, same));
    expect(e.code).toBe('DUPLICATE_DOCUMENT');
    expect(pathsOf(e)).toEqual(['file']);
    expect(() => assertDocumentPlacement(pkg, MN_USER, same)).toThrow(e.message);
  });

  it('takes the same name in another list', () => {
    const pkg = draftPackage();
    const taken = pkg.revisions[0]!.documents[0]!;
    const elsewhere = { ...NEW_DOC, name: taken.name, category: 'CONTRACT_SUPPORTING' as const };
    expect(taken.category).not.toBe(elsewhere.category);
    expect(add(pkg, elsewhere).after.revisions[0]!.documents).toContainEqual(elsewhere);
  });

  it('refuses a rate document for a rate the draft does not have', () => {
    const pkg = draftPackage();
    const e = refusal(() => add(pkg, doc(21, 'RATE', { rateId: RATE_1 })));
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(pathsOf(e)).toEqual(['rateId']);
  });

  it.each(otherStatuses('DRAFT', 'UNLOCKED'))('refuses to add to a %s package', (status) => {
    expect(refusal(() => add(PACKAGES_BY_STATUS[status]())).code).toBe('INVALID_TRANSITION');
  });
});

describe('planRemoveDocument', () => {
  const remove = (pkg: Package, documentId: string) =>
    planRemoveDocument(pkg, { user: MN_USER, at: NOW, documentId });

  it('removes a recorded document, recording REMOVE_DOCUMENT', () => {
    const pkg = unlockedPackage();
    const [first, ...rest] = pkg.revisions[0]!.documents;
    const { after, event } = remove(pkg, first!.id);
    expect(after.revisions[0]!.documents).toEqual(rest);
    expect(after.version).toBe(pkg.version + 1);
    expect(event).toEqual({
      actor: actorOf(MN_USER),
      action: 'REMOVE_DOCUMENT',
      summary: AUDIT_SUMMARIES.removeDocument,
      at: NOW,
    });
  });

  it('answers NOT_FOUND for a document the draft does not hold', () => {
    expect(refusal(() => remove(draftPackage(), uid(ID_KIND.document, 99))).code).toBe('NOT_FOUND');
  });

  it('checks the status first', () => {
    expect(refusal(() => remove(submittedPackage(), uid(ID_KIND.document, 99))).code).toBe(
      'INVALID_TRANSITION',
    );
  });
});
