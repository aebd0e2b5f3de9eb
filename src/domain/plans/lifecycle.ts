/**
 * The life of a package as a state machine: each transition a pure function from the package as
 * read to the package after and its audit event. These hold the rules of status, version, form
 * shape, documents and reasons; `user-plans.ts` adds who may act and what a submission must hold.
 *
 *   create → DRAFT ─submit→ SUBMITTED ─unlock→ UNLOCKED ─resubmit→ RESUBMITTED ─unlock→ …
 *   A DRAFT or UNLOCKED package is edited; only a never-submitted DRAFT is deleted.
 *   An approved or withdrawn package is not unlocked. CMS's review decisions: review-plans.ts.
 */
import { AUDIT_SUMMARIES, type AuditAction } from '../audit.js';
import { DocumentListSchema, type PackageDocument } from '../document.js';
import { invalidField, invalidFields, invalidTransition } from '../errors.js';
import { type FormData, FormDataSchema } from '../form-data.js';
import { isUuid } from '../ids.js';
import { lastSubmittedRevision, type Package, type Revision } from '../package.js';
import { requireReason } from '../reasons.js';
import type { Actor, StateCode } from '../reference.js';
import { assertStorableText } from '../text.js';
import type { FieldError } from '../validate-submit.js';
import {
  assertStatusAndVersion,
  type KeptChange,
  type PackageChange,
  withCurrentRevision,
  withNewRevision,
} from './package-change.js';

export const INITIAL_SUBMISSION_REASON = 'Initial submission';

/** Who acts, when, and (for changes of an existing package) on which version they saw. */
export interface Step {
  actor: Actor;
  /** The server's clock. */
  at: string;
  /** New ids for revisions; default `crypto.randomUUID`. */
  newId?: () => string;
}
export interface VersionedStep extends Step {
  expectedVersion: number;
}

const idOf = (step: Step) => (step.newId ?? (() => globalThis.crypto.randomUUID()))();
const event = (step: Step, action: AuditAction, summary: string) => ({
  actor: step.actor,
  action,
  summary,
  at: step.at,
});

const issuesToFields = (prefix: string, issues: { path: PropertyKey[]; message: string }[]): FieldError[] =>
  issues.map((i) => ({ path: [prefix, ...i.path.map(String)].join('.'), message: i.message }));

/** The form as the domain keeps it (defaults filled), or VALIDATION_FAILED naming each field. */
export function parseFormData(formData: unknown): FormData {
  const parsed = FormDataSchema.safeParse(formData);
  if (!parsed.success)
    throw invalidFields('form data is invalid', issuesToFields('formData', parsed.error.issues));
  return parsed.data;
}

/** A revision's document list, or VALIDATION_FAILED naming each field. */
export function parseDocuments(documents: unknown): PackageDocument[] {
  const parsed = DocumentListSchema.safeParse(documents);
  if (!parsed.success)
    throw invalidFields('documents are invalid', issuesToFields('documents', parsed.error.issues));
  return parsed.data;
}

/** Every string of the request (form, documents, reason, actor, audit wording) must be storable. */
const assertStorableStep = (step: Step) => assertStorableText(step);

export interface CreateStep extends Step {
  /** Chosen by the caller (a uuid), so a retry is recognised: a repeat is ALREADY_EXISTS. */
  id: string;
  stateCode: StateCode;
  formData: unknown;
  /** Records the server already made (a copy or a test); a user's new draft has none (see planCreate). */
  documents?: readonly PackageDocument[];
}

/** A draft about to be created: validated now, so bad input burns no number; built once numbered. */
export interface NewPackagePlan {
  id: string;
  stateCode: StateCode;
  /** The form as parsed (defaults filled), for rules the caller adds before creating. */
  formData: FormData;
  /** The package with its first draft revision and its CREATE event, under the given number. */
  build(stateNumber: number): KeptChange;
}

export function createDraft(step: CreateStep): NewPackagePlan {
  assertStorableStep(step);
  if (!isUuid(step.id)) throw invalidField('id', 'must be a uuid');
  const formData = parseFormData(step.formData);
  const documents = parseDocuments(step.documents ?? []);
  return {
    id: step.id,
    stateCode: step.stateCode,
    formData,
    build(stateNumber) {
      const revision: Revision = {
        id: idOf(step),
        number: 1,
        createdAt: step.at,
        // Parsing made fresh objects that only this plan holds: no copy needed.
        formData,
        documents,
        submitInfo: null,
        unlockInfo: null,
        // Rates join a draft through the rate plans (rate-plans.ts), never at creation.
        rateLinks: [],
      };
      const after: Package = {
        id: step.id,
        stateCode: step.stateCode,
        stateNumber,
        status: 'DRAFT',
        version: 1,
        createdAt: step.at,
        updatedAt: step.at,
        initiallySubmittedAt: null,
        revisions: [revision],
        reviewStatus: null,
        reviewActions: [],
        questions: [],
      };
      return { after, event: event(step, 'CREATE', AUDIT_SUMMARIES.create(stateNumber)) };
    },
  };
}

export interface EditStep extends Step {
  /** Omitted for document changes, which land on whatever version they find (see DocumentService). */
  expectedVersion?: number;
  /** Replaces the current revision's form when given. */
  formData?: unknown;
  /** Replaces the current revision's documents when given (records the server made). */
  documents?: readonly PackageDocument[];
  /** How the audit trail names this change; default UPDATE "Draft updated". */
  audit?: { action: 'UPDATE' | 'UPLOAD' | 'REMOVE_DOCUMENT'; summary: string };
}

/** Changes the current revision of a DRAFT or UNLOCKED package. */
export function editDraft(pkg: Package, step: EditStep): KeptChange {
  assertStorableStep(step);
  assertStatusAndVersion(pkg, 'update', step.expectedVersion);
  const current = pkg.revisions[0]!;
  const next: Revision = {
    ...current,
    formData: step.formData === undefined ? current.formData : parseFormData(step.formData),
    documents: step.documents === undefined ? current.documents : parseDocuments(step.documents),
  };
  const { action, summary } = step.audit ?? { action: 'UPDATE', summary: AUDIT_SUMMARIES.update };
  return { after: withCurrentRevision(pkg, next, step.at), event: event(step, action, summary) };
}

function freeze(pkg: Package, step: Step, reason: string): Package {
  const frozen: Revision = { ...pkg.revisions[0]!, submitInfo: { at: step.at, by: step.actor, reason } };
  const after = withCurrentRevision(pkg, frozen, step.at);
  return { ...after, initiallySubmittedAt: pkg.initiallySubmittedAt ?? step.at };
}

/** DRAFT → SUBMITTED: the revision is frozen for good. */
export function submit(pkg: Package, step: VersionedStep): KeptChange {
  assertStorableStep(step);
  assertStatusAndVersion(pkg, 'submit', step.expectedVersion);
  return {
    after: freeze(pkg, step, INITIAL_SUBMISSION_REASON),
    event: event(step, 'SUBMIT', AUDIT_SUMMARIES.submit),
  };
}

/** UNLOCKED → RESUBMITTED, with the state's reason. */
export function resubmit(pkg: Package, step: VersionedStep & { reason: string | undefined }): KeptChange {
  assertStorableStep(step);
  const reason = requireReason(step.reason, 'resubmit');
  assertStatusAndVersion(pkg, 'resubmit', step.expectedVersion);
  return {
    after: freeze(pkg, step, reason),
    event: event(step, 'RESUBMIT', AUDIT_SUMMARIES.resubmit(reason)),
  };
}

/** SUBMITTED/RESUBMITTED → UNLOCKED: a new draft revision copied from the last submitted one, with CMS's reason. */
export function unlock(pkg: Package, step: VersionedStep & { reason: string | undefined }): KeptChange {
  assertStorableStep(step);
  const reason = requireReason(step.reason, 'unlock');
  assertStatusAndVersion(pkg, 'unlock', step.expectedVersion);
  // A decided package is not sent back: an approval or a withdrawal must be undone first.
  if (pkg.reviewStatus === 'APPROVED' || pkg.reviewStatus === 'WITHDRAWN')
    throw invalidTransition(pkg.id, 'unlock', pkg.reviewStatus);
  const source = lastSubmittedRevision(pkg)!;
  const draft: Revision = {
    id: idOf(step),
    number: pkg.revisions[0]!.number + 1,
    createdAt: step.at,
    formData: structuredClone(source.formData),
    documents: structuredClone(source.documents),
    submitInfo: null,
    unlockInfo: { at: step.at, by: step.actor, reason },
    // The draft follows its rates again until it is resubmitted (rate-plans.ts unlocks the child rates).
    rateLinks: source.rateLinks.map((l) => ({ rateId: l.rateId, rateRevision: null })),
  };
  return {
    after: withNewRevision(pkg, draft, step.at),
    event: event(step, 'UNLOCK', AUDIT_SUMMARIES.unlock(reason)),
  };
}

/** Deletes a never-submitted draft; its number is never reused and its audit trail stays. */
export function deleteDraft(pkg: Package, step: VersionedStep): PackageChange {
  assertStorableStep(step);
  assertStatusAndVersion(pkg, 'delete', step.expectedVersion);
  return { after: null, event: event(step, 'DELETE', AUDIT_SUMMARIES.delete) };
}
