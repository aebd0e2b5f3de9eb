/**
 * The rules of rates shared between packages (rates.ts), as plans over a graph of records
 * (rate-graph.ts). Each plan is pure: it reads the graph, refuses with a DomainError, asks for
 * more records (`GraphNeeds`), or returns every record it changes — both sides of every link —
 * with the audit events. A store runs it under `Store.changeGraph`.
 *
 * Who: a state user of the package's state creates, edits, links, unlinks, submits and deletes;
 * CMS unlocks and withdraws (packages and rates). Another state's user gets NOT_FOUND, as for packages.
 */
import type { z } from 'zod';
import { AUDIT_SUMMARIES } from '../audit.js';
import { DomainError, invalidField, invalidFields } from '../errors.js';
import { MAX_RATE_CERTIFICATIONS } from '../form-data.js';
import { isUuid } from '../ids.js';
import { currentRevision, type Package, type Revision } from '../package.js';
import {
  lastSubmittedRateRevision,
  linkedRateIds,
  MAX_PACKAGES_PER_RATE,
  type Rate,
  RateDocumentListSchema,
  RateFormDataSchema,
  type RateLink,
  type RateRevision,
} from '../rates.js';
import { actorOf, type User } from '../reference.js';
import { assertStorableText } from '../text.js';
import { type FieldError, validateRateForSubmit } from '../validate-submit.js';
import { assertStatusAndVersion, type PackageChange } from './package-change.js';
import {
  ChangeDraft,
  missingFrom,
  newIdOf,
  packageIn,
  rateIn,
  rateNotFound,
  rateTransition,
  rateVersionConflict,
  withRateLinks,
} from './rate-change.js';
import type { GraphChange, GraphNeeds, RateGraph } from './rate-graph.js';
import { planUndoUnlock, type ReviewRequest } from './review-plans.js';
import {
  assertMayAuthor,
  planDelete,
  planResubmit,
  planSubmit,
  planUnlock,
  type UserStep,
} from './user-plans.js';

export {
  planUndoPackageWithdrawal,
  planUndoRateWithdrawal,
  planWithdrawPackage,
  planWithdrawRate,
} from './rate-withdrawal-plans.js';

export interface PackageStep extends UserStep {
  packageId: string;
}
export interface VersionedPackageStep extends PackageStep {
  expectedVersion: number;
}

const actorIn = (step: { user: User }) => actorOf(step.user);

/** A revision may link at most MAX_RATE_CERTIFICATIONS rates. */
function assertRoomForLink(revision: Revision) {
  if (revision.rateLinks.length >= MAX_RATE_CERTIFICATIONS)
    throw invalidField(
      'rateLinks',
      `a package carries at most ${MAX_RATE_CERTIFICATIONS} rate certifications`,
    );
}

/** A rate's form or documents as the domain keeps them, or VALIDATION_FAILED naming `<prefix>.*`. */
function parseRate<T>(schema: z.ZodType<T>, value: unknown, prefix: string, what: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw invalidFields(
    `${what} are invalid`,
    parsed.error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].join('.'), message: i.message })),
  );
}

/** The rates a package carries (both sides of its links), read — or asked for. */
const ratesOf = (graph: RateGraph, pkg: Package) => missingFrom(graph, { rateIds: [...linkedRateIds(pkg)] });

const recordPackageChange = (draft: ChangeDraft, planned: PackageChange, packageId: string) => {
  if (planned.after) draft.putPackage(planned.after);
  else draft.deletePackage(packageId);
  return draft.event(packageId, planned.event.actor, planned.event.action, planned.event.summary);
};

/**
 * A new child rate on a DRAFT or UNLOCKED package of the user's state: a DRAFT rate (one
 * unsubmitted revision) whose parent is the package, linked by the package's current revision
 * (`rateLinks` + `{ rateId, rateRevision: null }`); the rate's `packageIds` is [packageId].
 * `formData` is parsed with RateFormDataSchema (VALIDATION_FAILED naming `formData.*`);
 * `rateId` is chosen by the caller (a uuid; a repeat is ALREADY_EXISTS). At most
 * MAX_RATE_CERTIFICATIONS links per revision. Event CREATE_RATE on the package.
 */
export function planCreateRate(
  graph: RateGraph,
  step: VersionedPackageStep & { rateId: string; formData: unknown },
): GraphChange | GraphNeeds {
  assertStorableText(step);
  const pkg = packageIn(graph, step.packageId);
  assertMayAuthor(pkg, step.user);
  assertStatusAndVersion(pkg, 'update', step.expectedVersion);
  if (!isUuid(step.rateId)) throw invalidField('rateId', 'must be a uuid');
  if (graph.rates.has(step.rateId))
    throw new DomainError('ALREADY_EXISTS', `rate ${step.rateId} already exists`, [], { id: step.rateId });
  const formData = parseRate(RateFormDataSchema, step.formData, 'formData', 'the rate certification fields');
  const current = currentRevision(pkg);
  assertRoomForLink(current);
  const rate: Rate = {
    id: step.rateId,
    stateCode: pkg.stateCode,
    stateRateNumber: 0,
    parentPackageId: pkg.id,
    status: 'DRAFT',
    version: 1,
    createdAt: step.at,
    updatedAt: step.at,
    initiallySubmittedAt: null,
    revisions: [
      {
        id: newIdOf(step),
        number: 1,
        createdAt: step.at,
        formData,
        documents: [],
        submitInfo: null,
        unlockInfo: null,
        submittedWith: null,
      },
    ],
    packageIds: [],
    withdrawals: [],
  };
  return new ChangeDraft(graph, step.at)
    .putRate(rate)
    .putPackage(withRateLinks(pkg, [...current.rateLinks, { rateId: rate.id, rateRevision: null }], step.at))
    .event(pkg.id, actorIn(step), 'CREATE_RATE', (label) => AUDIT_SUMMARIES.createRate(label(rate.id)))
    .finish();
}

/**
 * Edits a rate's form data and/or documents: only the parent's state, only while the parent is
 * DRAFT or UNLOCKED and the rate's newest revision is unsubmitted; `expectedVersion` is the
 * rate's. Event UPDATE_RATE on the parent. The rate's documents are records the server made
 * (the service builds them), validated by RateDocumentListSchema.
 */
export function planUpdateRate(
  graph: RateGraph,
  step: UserStep & {
    rateId: string;
    expectedVersion: number;
    formData?: unknown;
    documents?: unknown;
  },
): GraphChange | GraphNeeds {
  assertStorableText(step);
  const rate = rateIn(graph, step.rateId, step.user);
  const lacking = missingFrom(graph, { packageIds: [rate.parentPackageId] });
  if (lacking) return lacking;
  const parent = packageIn(graph, rate.parentPackageId);
  assertMayAuthor(parent, step.user);
  assertStatusAndVersion(parent, 'update');
  const newest = rate.revisions[0]!;
  if (rate.status === 'WITHDRAWN' || newest.submitInfo !== null)
    throw rateTransition(rate.id, 'edit', rate.status);
  if (rate.version !== step.expectedVersion)
    throw rateVersionConflict(rate.id, step.expectedVersion, rate.version);
  const edited: RateRevision = {
    ...newest,
    formData:
      step.formData === undefined
        ? newest.formData
        : parseRate(RateFormDataSchema, step.formData, 'formData', 'the rate certification fields'),
    documents:
      step.documents === undefined
        ? newest.documents
        : parseRate(RateDocumentListSchema, step.documents, 'documents', 'the rate documents'),
  };
  return new ChangeDraft(graph, step.at)
    .putRate({ ...rate, revisions: [edited, ...rate.revisions.slice(1)] })
    .event(parent.id, actorIn(step), 'UPDATE_RATE', (label) => AUDIT_SUMMARIES.updateRate(label(rate.id)))
    .finish();
}

/**
 * Links a submitted rate of the SAME state to a DRAFT or UNLOCKED package: never another state's
 * (NOT_FOUND, nothing leaks), never a rate that was never submitted or is withdrawn (409
 * INVALID_TRANSITION), never twice nor its own child (it is linked already: 409 INVALID_TRANSITION), at most
 * MAX_RATE_CERTIFICATIONS per revision and MAX_PACKAGES_PER_RATE per rate (VALIDATION_FAILED).
 * Both sides change: the package's current revision links it, the rate's `packageIds` gains the
 * package (rate version +1). Event LINK_RATE on the package. `expectedVersion` is the package's.
 */
export function planLinkRate(
  graph: RateGraph,
  step: VersionedPackageStep & { rateId: string },
): GraphChange | GraphNeeds {
  assertStorableText(step);
  const pkg = packageIn(graph, step.packageId);
  assertMayAuthor(pkg, step.user);
  assertStatusAndVersion(pkg, 'update', step.expectedVersion);
  const rate = rateIn(graph, step.rateId, step.user);
  // Rates are shared within a state only; another state's rate does not exist for this package.
  if (rate.stateCode !== pkg.stateCode) throw rateNotFound(rate.id);
  if (!lastSubmittedRateRevision(rate)) throw rateTransition(rate.id, 'link', 'a draft of its own package');
  if (rate.status === 'WITHDRAWN') throw rateTransition(rate.id, 'link', 'WITHDRAWN');
  const current = currentRevision(pkg);
  // Its own child is linked already (a child once submitted never leaves its parent).
  if (current.rateLinks.some((l) => l.rateId === rate.id))
    throw rateTransition(rate.id, 'link', 'linked to this package already');
  assertRoomForLink(current);
  if (!rate.packageIds.includes(pkg.id) && rate.packageIds.length >= MAX_PACKAGES_PER_RATE)
    throw invalidField('rateId', `is carried by ${MAX_PACKAGES_PER_RATE} packages already`);
  return new ChangeDraft(graph, step.at)
    .putPackage(withRateLinks(pkg, [...current.rateLinks, { rateId: rate.id, rateRevision: null }], step.at))
    .event(pkg.id, actorIn(step), 'LINK_RATE', (label) => AUDIT_SUMMARIES.linkRate(label(rate.id)))
    .finish();
}

/**
 * Removes a rate from a DRAFT or UNLOCKED package's current revision. A linked rate: the link
 * goes, never the rate (its `packageIds` loses the package unless the last submitted revision
 * still carries it). A child rate never submitted: the rate is deleted (REMOVE_RATE). A child
 * rate once submitted cannot leave its parent (409; CMS withdraws it instead).
 */
export function planUnlinkRate(
  graph: RateGraph,
  step: VersionedPackageStep & { rateId: string },
): GraphChange | GraphNeeds {
  assertStorableText(step);
  const pkg = packageIn(graph, step.packageId);
  assertMayAuthor(pkg, step.user);
  assertStatusAndVersion(pkg, 'update', step.expectedVersion);
  const current = currentRevision(pkg);
  if (!current.rateLinks.some((l) => l.rateId === step.rateId))
    throw rateTransition(step.rateId, 'unlink', 'not linked to this package');
  const lacking = missingFrom(graph, { rateIds: [step.rateId] });
  if (lacking) return lacking;
  const rate = graph.rates.get(step.rateId);
  const draft = new ChangeDraft(graph, step.at).putPackage(
    withRateLinks(
      pkg,
      current.rateLinks.filter((l) => l.rateId !== step.rateId),
      step.at,
    ),
  );
  if (rate?.parentPackageId === pkg.id) {
    // A submitted rate is CMS's record: its parent cannot drop it (CMS withdraws it instead).
    if (lastSubmittedRateRevision(rate))
      throw rateTransition(rate.id, 'remove', 'submitted with this package');
    return draft
      .deleteRate(rate.id)
      .event(pkg.id, actorIn(step), 'REMOVE_RATE', (label) => AUDIT_SUMMARIES.removeRate(label(rate.id)))
      .finish();
  }
  return draft
    .event(pkg.id, actorIn(step), 'UNLINK_RATE', (label) => AUDIT_SUMMARIES.unlinkRate(label(step.rateId)))
    .finish();
}

/**
 * Submits (DRAFT) or resubmits (UNLOCKED, with the state's reason) a package with the rules of
 * user-plans (who, validation), and freezes its rates: each child rate whose newest revision is
 * unsubmitted is submitted with it (`submitInfo`, `submittedWith` = this package revision;
 * status SUBMITTED or RESUBMITTED; `initiallySubmittedAt` once); each link of the submitted
 * revision is frozen to the rate revision it carries — a child's newest, a linked rate's LAST
 * SUBMITTED one (a linked rate its parent has unlocked is sent as last submitted). A linked
 * rate withdrawn or never submitted meanwhile refuses the submit (VALIDATION_FAILED on
 * `rateLinks.i`). `packageIds` of rates dropped since the last submission lose the package.
 */
export function planSubmitPackage(
  graph: RateGraph,
  step: VersionedPackageStep & { reason?: string | undefined; programs: readonly { id: string }[] },
): GraphChange | GraphNeeds {
  const pkg = packageIn(graph, step.packageId);
  assertMayAuthor(pkg, step.user);
  const action = pkg.status === 'UNLOCKED' ? 'resubmit' : 'submit';
  assertStatusAndVersion(pkg, action, step.expectedVersion);
  const lacking = ratesOf(graph, pkg);
  if (lacking) return lacking;
  const { frozen, toSubmit, rateErrors } = freezeLinks(graph, pkg, step.at.slice(0, 10));
  const request = { ...step, reason: step.reason, rateErrors };
  const planned = action === 'submit' ? planSubmit(pkg, request) : planResubmit(pkg, request);
  const [revision, ...older] = planned.after.revisions as [Revision, ...Revision[]];
  const draft = recordPackageChange(
    new ChangeDraft(graph, step.at),
    { ...planned, after: { ...planned.after, revisions: [{ ...revision, rateLinks: frozen }, ...older] } },
    pkg.id,
  );
  for (const rate of toSubmit) {
    const [newest, ...rest] = rate.revisions as [RateRevision, ...RateRevision[]];
    draft.putRate({
      ...rate,
      initiallySubmittedAt: rate.initiallySubmittedAt ?? step.at,
      revisions: [
        {
          ...newest,
          submitInfo: revision.submitInfo,
          submittedWith: { packageId: pkg.id, packageRevision: revision.number },
        },
        ...rest,
      ],
    });
  }
  return draft.finish();
}

/**
 * What submitting the package's current revision does to its links: each frozen to the rate
 * revision it sends, the child rates to submit with it, and what those lack (`rates.<id>.<field>`).
 * A link to a rate withdrawn, gone or never submitted refuses the submit.
 */
function freezeLinks(graph: RateGraph, pkg: Package, today: string) {
  const current = currentRevision(pkg);
  const frozen: RateLink[] = [];
  const toSubmit: Rate[] = [];
  const rateErrors: FieldError[] = [];
  const linkErrors: FieldError[] = [];
  for (const [i, link] of current.rateLinks.entries()) {
    const rate = graph.rates.get(link.rateId);
    const problem = !rate
      ? 'this rate certification no longer exists; remove it'
      : rate.status === 'WITHDRAWN'
        ? 'CMS withdrew this rate certification; remove it'
        : rate.parentPackageId !== pkg.id && !lastSubmittedRateRevision(rate)
          ? 'this rate certification has not been submitted by its own package yet'
          : undefined;
    if (!rate || problem) {
      linkErrors.push({ path: `rateLinks.${i}`, message: problem! });
      continue;
    }
    const newest = rate.revisions[0]!;
    if (rate.parentPackageId === pkg.id) {
      if (newest.submitInfo === null) {
        const errors = validateRateForSubmit(newest, { packageForm: current.formData, today });
        rateErrors.push(...errors.map((e) => ({ ...e, path: `rates.${rate.id}.${e.path}` })));
        toSubmit.push(rate);
      }
      frozen.push({ rateId: rate.id, rateRevision: newest.number });
    } else {
      // A linked rate is sent as CMS last received it, even while its own parent has it unlocked.
      frozen.push({ rateId: rate.id, rateRevision: lastSubmittedRateRevision(rate)!.number });
    }
  }
  if (linkErrors.length > 0)
    throw invalidFields('some linked rate certifications cannot be submitted', linkErrors);
  return { frozen, toSubmit, rateErrors };
}

/**
 * CMS unlocks a package (lifecycle rules): its new draft revision links the same rates
 * (unfrozen), and each CHILD rate not withdrawn is unlocked too — a new unsubmitted revision
 * copied from its last submitted one, with the unlock's `unlockInfo` (status UNLOCKED). Linked
 * rates are untouched: packages linking a rate keep showing the revision they were submitted with.
 */
export function planUnlockPackage(
  graph: RateGraph,
  step: VersionedPackageStep & { reason: string | undefined },
): GraphChange | GraphNeeds {
  const pkg = packageIn(graph, step.packageId);
  const planned = planUnlock(pkg, step);
  const lacking = ratesOf(graph, pkg);
  if (lacking) return lacking;
  const draft = recordPackageChange(new ChangeDraft(graph, step.at), planned, pkg.id);
  const opened = planned.after.revisions[0]!;
  for (const link of opened.rateLinks) {
    const rate = graph.rates.get(link.rateId);
    if (!rate || rate.parentPackageId !== pkg.id || rate.status === 'WITHDRAWN') continue;
    const source = lastSubmittedRateRevision(rate);
    if (!source || rate.revisions[0] !== source) continue;
    const reopened: RateRevision = {
      id: newIdOf(step),
      number: source.number + 1,
      createdAt: step.at,
      formData: structuredClone(source.formData),
      documents: structuredClone(source.documents),
      submitInfo: null,
      unlockInfo: opened.unlockInfo,
      submittedWith: null,
    };
    draft.putRate({ ...rate, revisions: [reopened, ...rate.revisions] });
  }
  return draft.finish();
}

/** CMS undoes an unlock: the package's draft revision goes, and so does each child rate's unlocked revision. */
export function planUndoUnlockPackage(
  graph: RateGraph,
  request: ReviewRequest & { packageId: string },
): GraphChange | GraphNeeds {
  const pkg = packageIn(graph, request.packageId);
  const planned = planUndoUnlock(pkg, request);
  const lacking = ratesOf(graph, pkg);
  if (lacking) return lacking;
  const draft = recordPackageChange(new ChangeDraft(graph, request.at), planned, pkg.id);
  for (const link of currentRevision(pkg).rateLinks) {
    const rate = graph.rates.get(link.rateId);
    if (!rate || rate.parentPackageId !== pkg.id || rate.revisions[0]!.submitInfo !== null) continue;
    // A rate the unlocked draft created was never submitted: it goes with the draft.
    if (rate.revisions.length === 1) draft.deleteRate(rate.id);
    else draft.putRate({ ...rate, revisions: rate.revisions.slice(1) });
  }
  return draft.finish();
}

/**
 * Deletes a never-submitted draft: its never-submitted child rates go with it, and linked rates'
 * `packageIds` lose it. The package's number and its audit trail stay (as `planDelete`).
 */
export function planDeletePackage(graph: RateGraph, step: VersionedPackageStep): GraphChange | GraphNeeds {
  const pkg = packageIn(graph, step.packageId);
  const planned = planDelete(pkg, step);
  const lacking = ratesOf(graph, pkg);
  if (lacking) return lacking;
  const draft = new ChangeDraft(graph, step.at);
  for (const link of currentRevision(pkg).rateLinks) {
    const rate = graph.rates.get(link.rateId);
    if (rate?.parentPackageId !== pkg.id || lastSubmittedRateRevision(rate)) continue;
    draft
      .deleteRate(rate.id)
      .event(pkg.id, actorIn(step), 'REMOVE_RATE', (label) => AUDIT_SUMMARIES.removeRate(label(rate.id)));
  }
  return recordPackageChange(draft, planned, pkg.id).finish();
}

export { canViewRate } from './rate-change.js';
