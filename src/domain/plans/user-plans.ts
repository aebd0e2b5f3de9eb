/**
 * The plans the portal runs for its users: who may act (domain/access), what the state's
 * reference data allows, what a submission must hold (validate-submit), then the lifecycle
 * step. Each is pure; the service binds one to a request and hands it to `Store.changePackage`.
 */
import { canAuthor, canUnlock } from '../access.js';
import { AUDIT_SUMMARIES } from '../audit.js';
import { type PackageDocument, sameNameInList } from '../document.js';
import { applyDocumentChanges, type DocumentChange, placementErrors } from '../document-changes.js';
import { DomainError, forbidden, invalidFields } from '../errors.js';
import type { FormData } from '../form-data.js';
import { currentRevision, type Package } from '../package.js';
import { actorOf, type Program, type StateCode, type User } from '../reference.js';
import { type FieldError, type SubmitContext, validateForSubmit } from '../validate-submit.js';
import * as lifecycle from './lifecycle.js';
import {
  assertStatusAndVersion,
  assertVisible,
  type KeptChange,
  type PackageChange,
} from './package-change.js';

/** The user who acts and the server's clock. */
export interface UserStep {
  user: User;
  at: string;
  newId?: () => string;
}
interface VersionedUserStep extends UserStep {
  expectedVersion: number;
}
/** The programs of the package's state (reference data), which forms may name. */
interface WithPrograms {
  programs: readonly Pick<Program, 'id'>[];
}

const stepOf = (s: UserStep) => ({
  actor: actorOf(s.user),
  at: s.at,
  ...(s.newId ? { newId: s.newId } : {}),
});

/** Drafting, editing, submitting and deleting belong to the package's own state. */
export function assertMayAuthor(pkg: Package, user: User): void {
  assertVisible(pkg, user);
  if (!canAuthor(user, pkg.stateCode))
    throw forbidden(`only ${pkg.stateCode} state users change this package`);
}

/** Every program a form names must be one of its state's. */
export function assertStatePrograms(
  stateCode: StateCode,
  formData: FormData,
  programs: WithPrograms['programs'],
) {
  const known = new Set(programs.map((p) => p.id));
  const fields: FieldError[] = [];
  const check = (id: string, path: string) => {
    if (!known.has(id)) fields.push({ path, message: `is not a program of ${stateCode}` });
  };
  formData.programIds.forEach((id, i) => {
    check(id, `formData.programIds.${i}`);
  });
  formData.rateCertifications.forEach((r, ri) => {
    r.rateProgramIds.forEach((id, i) => {
      check(id, `formData.rateCertifications.${ri}.rateProgramIds.${i}`);
    });
  });
  if (fields.length > 0) throw invalidFields('some programs do not belong to the state', fields);
}

/** A state user's new draft, of their own state. */
export function planCreate(step: UserStep & WithPrograms & { id: string; formData: unknown }) {
  const { user } = step;
  if (user.role !== 'STATE_USER') throw forbidden('only state users create packages');
  const plan = lifecycle.createDraft({
    ...stepOf(step),
    id: step.id,
    stateCode: user.stateCode,
    formData: step.formData,
  });
  assertStatePrograms(user.stateCode, plan.formData, step.programs);
  return plan;
}

export interface UpdateRequest extends VersionedUserStep, WithPrograms {
  formData?: FormData;
  /** The recorded documents to keep, by id, renamed or re-categorised (see `applyDocumentChanges`). */
  documents?: readonly DocumentChange[];
}

export function planUpdate(pkg: Package, request: UpdateRequest): KeptChange {
  assertMayAuthor(pkg, request.user);
  if (request.formData) assertStatePrograms(pkg.stateCode, request.formData, request.programs);
  const current = currentRevision(pkg);
  let documents: PackageDocument[] | undefined;
  if (request.documents) {
    const result = applyDocumentChanges(
      current.documents,
      request.documents,
      request.formData ?? current.formData,
    );
    if ('errors' in result) throw invalidFields('some document changes are not allowed', result.errors);
    documents = result.documents;
  }
  return lifecycle.editDraft(pkg, {
    ...stepOf(request),
    expectedVersion: request.expectedVersion,
    ...(request.formData ? { formData: request.formData } : {}),
    ...(documents ? { documents } : {}),
  });
}

/** What the package's child rates lack (rate-plans.ts), reported with the package's own gaps. */
interface WithRateErrors {
  rateErrors?: readonly FieldError[];
}

function assertComplete(
  pkg: Package,
  ctx: SubmitContext,
  action: 'submit' | 'resubmit',
  rateErrors: readonly FieldError[] = [],
) {
  const errors = [...validateForSubmit(currentRevision(pkg), ctx), ...rateErrors];
  if (errors.length > 0)
    throw new DomainError('SUBMISSION_INCOMPLETE', `the package cannot be ${action}ted yet`, errors);
}

export function planSubmit(
  pkg: Package,
  request: VersionedUserStep & WithPrograms & WithRateErrors,
): KeptChange {
  assertMayAuthor(pkg, request.user);
  assertStatusAndVersion(pkg, 'submit', request.expectedVersion);
  const ctx = { programs: request.programs, today: request.at.slice(0, 10) };
  assertComplete(pkg, ctx, 'submit', request.rateErrors);
  return lifecycle.submit(pkg, { ...stepOf(request), expectedVersion: request.expectedVersion });
}

export function planResubmit(
  pkg: Package,
  request: VersionedUserStep & WithPrograms & WithRateErrors & { reason: string | undefined },
): KeptChange {
  assertMayAuthor(pkg, request.user);
  assertStatusAndVersion(pkg, 'resubmit', request.expectedVersion);
  const ctx = { programs: request.programs, today: request.at.slice(0, 10) };
  assertComplete(pkg, ctx, 'resubmit', request.rateErrors);
  return lifecycle.resubmit(pkg, {
    ...stepOf(request),
    expectedVersion: request.expectedVersion,
    reason: request.reason,
  });
}

/** Unlocking belongs to CMS, with a reason. */
export function planUnlock(
  pkg: Package,
  request: VersionedUserStep & { reason: string | undefined },
): KeptChange {
  assertVisible(pkg, request.user);
  if (!canUnlock(request.user)) throw forbidden('only CMS users unlock packages');
  return lifecycle.unlock(pkg, {
    ...stepOf(request),
    expectedVersion: request.expectedVersion,
    reason: request.reason,
  });
}

export function planDelete(pkg: Package, request: VersionedUserStep): PackageChange {
  assertMayAuthor(pkg, request.user);
  return lifecycle.deleteDraft(pkg, { ...stepOf(request), expectedVersion: request.expectedVersion });
}

/** Where an uploaded document goes: its cleaned name, category and (rate documents) rate. */
export type DocumentPlacement = Pick<PackageDocument, 'name' | 'category' | 'rateId'>;

/**
 * May a document be added to this package, there? Checked before the file is stored (so a
 * refused upload costs no transfer) and again in the plan that records it.
 */
export function assertDocumentPlacement(pkg: Package, user: User, placement: DocumentPlacement): void {
  assertMayAuthor(pkg, user);
  assertStatusAndVersion(pkg, 'update');
  const revision = currentRevision(pkg);
  const errors = placementErrors(revision, placement, { name: 'file', rateId: 'rateId' });
  if (errors.length === 0) return;
  if (sameNameInList(revision.documents, placement))
    throw new DomainError(
      'DUPLICATE_DOCUMENT',
      `this list already has a document named "${placement.name}"`,
      errors,
    );
  throw invalidFields('the document cannot be placed there', errors);
}

/** Records an uploaded document (made by the server) in the draft. */
export function planAddDocument(pkg: Package, request: UserStep & { document: PackageDocument }): KeptChange {
  const { document } = request;
  assertDocumentPlacement(pkg, request.user, document);
  return lifecycle.editDraft(pkg, {
    ...stepOf(request),
    documents: [...currentRevision(pkg).documents, document],
    audit: {
      action: 'UPLOAD',
      summary: AUDIT_SUMMARIES.upload(document.name, document.category, document.scanStatus),
    },
  });
}

export function planRemoveDocument(pkg: Package, request: UserStep & { documentId: string }): KeptChange {
  assertMayAuthor(pkg, request.user);
  assertStatusAndVersion(pkg, 'update');
  const documents = currentRevision(pkg).documents;
  if (!documents.some((d) => d.id === request.documentId))
    throw new DomainError('NOT_FOUND', `document ${request.documentId} is not in this draft`);
  return lifecycle.editDraft(pkg, {
    ...stepOf(request),
    documents: documents.filter((d) => d.id !== request.documentId),
    audit: { action: 'REMOVE_DOCUMENT', summary: AUDIT_SUMMARIES.removeDocument },
  });
}
