/**
 * What each package operation does to a package, as pure functions shared by every backend.
 * A backend reads the package, asks these for the next state, and persists the difference
 * under its own concurrency guard — so the rules live once, not once per backend.
 */
import { randomUUID } from 'node:crypto';
import {
  type Actor,
  canTransition,
  DocumentListSchema,
  deriveStatus,
  FormDataSchema,
  lastSubmittedRevision,
  type Package,
  type PackageAction,
  type PackageDocument,
  type Revision,
} from '../domain/index.js';
import { invalidInput, invalidTransition, versionConflict } from './errors.js';
import { isUuid } from './ids.js';
import { assertStorableText } from './storable-text.js';
import type { AuditAction, CreateDraftInput, TransitionInput, UpdateDraftInput } from './store.js';

export const INITIAL_SUBMISSION_REASON = 'Initial submission';

const nowIso = () => new Date().toISOString();

/** Refuses an action the package's status or version does not allow. Status is checked first. */
export function assertAllowed(pkg: Package, action: PackageAction, expectedVersion: number): void {
  if (!canTransition(action, pkg.status)) throw invalidTransition(pkg.id, action, pkg.status);
  if (pkg.version !== expectedVersion) throw versionConflict(pkg.id, expectedVersion, pkg.version);
}

function parseFormData(formData: unknown) {
  const parsed = FormDataSchema.safeParse(formData);
  if (!parsed.success) throw invalidInput('form data is invalid', { issues: parsed.error.issues });
  assertStorableText(parsed.data, ['formData']);
  return parsed.data;
}

function parseDocuments(documents: unknown): PackageDocument[] {
  const parsed = DocumentListSchema.safeParse(documents);
  if (!parsed.success) throw invalidInput('documents are invalid', { issues: parsed.error.issues });
  assertStorableText(parsed.data, ['documents']);
  return parsed.data;
}

export function requireReason(reason: string | undefined, action: string): string {
  const trimmed = reason?.trim() ?? '';
  if (trimmed === '') throw invalidInput(`a reason is required to ${action}`, { field: 'reason' });
  if (trimmed.length > 5000)
    throw invalidInput('the reason is longer than 5000 characters', { field: 'reason' });
  return trimmed;
}

/** Validates a create input before any number is allocated, so bad input burns no number. */
export function parseCreateInput(
  input: CreateDraftInput,
): CreateDraftInput & { documents: PackageDocument[] } {
  assertStorableText({ id: input.id, stateCode: input.stateCode, actor: input.actor });
  if (!isUuid(input.id)) throw invalidInput('the package id must be a uuid', { field: 'id' });
  return {
    ...input,
    formData: parseFormData(input.formData),
    documents: parseDocuments(input.documents ?? []),
  };
}

/** A new package with one draft revision; `input` comes from `parseCreateInput`. */
export function newDraftPackage(input: ReturnType<typeof parseCreateInput>, stateNumber: number): Package {
  const at = nowIso();
  const revision: Revision = {
    id: randomUUID(),
    number: 1,
    createdAt: at,
    formData: input.formData,
    documents: input.documents,
    submitInfo: null,
    unlockInfo: null,
  };
  return {
    id: input.id,
    stateCode: input.stateCode,
    stateNumber,
    status: 'DRAFT',
    version: 1,
    createdAt: at,
    updatedAt: at,
    initiallySubmittedAt: null,
    revisions: [revision],
  };
}

function withCurrent(pkg: Package, current: Revision, at: string): Package {
  const revisions = [current, ...pkg.revisions.slice(1)];
  return { ...pkg, revisions, status: deriveStatus(revisions), version: pkg.version + 1, updatedAt: at };
}

export function applyUpdate(pkg: Package, input: UpdateDraftInput): Package {
  assertAllowed(pkg, 'update', input.expectedVersion);
  const current = pkg.revisions[0]!;
  const next: Revision = {
    ...current,
    formData: input.formData === undefined ? current.formData : parseFormData(input.formData),
    documents: input.documents === undefined ? current.documents : parseDocuments(input.documents),
  };
  return withCurrent(pkg, next, nowIso());
}

function freeze(
  pkg: Package,
  action: 'submit' | 'resubmit',
  actor: Actor,
  reason: string,
  expectedVersion: number,
) {
  assertAllowed(pkg, action, expectedVersion);
  const at = nowIso();
  const next = withCurrent(pkg, { ...pkg.revisions[0]!, submitInfo: { at, by: actor, reason } }, at);
  return { ...next, initiallySubmittedAt: pkg.initiallySubmittedAt ?? at };
}

export function applySubmit(pkg: Package, actor: Actor, expectedVersion: number): Package {
  return freeze(pkg, 'submit', actor, INITIAL_SUBMISSION_REASON, expectedVersion);
}

export function applyResubmit(
  pkg: Package,
  actor: Actor,
  reason: string | undefined,
  expectedVersion: number,
) {
  return freeze(pkg, 'resubmit', actor, requireReason(reason, 'resubmit'), expectedVersion);
}

/** A new draft revision, copied from the last submitted one, carrying CMS's reason. */
export function applyUnlock(pkg: Package, actor: Actor, reason: string | undefined, expectedVersion: number) {
  const why = requireReason(reason, 'unlock');
  assertAllowed(pkg, 'unlock', expectedVersion);
  const source = lastSubmittedRevision(pkg)!;
  const at = nowIso();
  const draft: Revision = {
    id: randomUUID(),
    number: pkg.revisions[0]!.number + 1,
    createdAt: at,
    formData: structuredClone(source.formData),
    documents: structuredClone(source.documents),
    submitInfo: null,
    unlockInfo: { at, by: actor, reason: why },
  };
  const revisions = [draft, ...pkg.revisions];
  return { ...pkg, revisions, status: deriveStatus(revisions), version: pkg.version + 1, updatedAt: at };
}

export function assertDeletable(pkg: Package, expectedVersion: number): void {
  assertAllowed(pkg, 'delete', expectedVersion);
}

export type ChangeAction = 'update' | 'submit' | 'resubmit' | 'unlock';

/** A change as both backends persist it: the package after, and the audit event that records it. */
export interface PlannedChange {
  after: Package;
  audit: { actor: Actor; action: AuditAction; summary: string };
}

/** What `action` does to `pkg`; throws the store error that refuses it. */
export function planChange(
  action: ChangeAction,
  pkg: Package,
  input: UpdateDraftInput & TransitionInput,
): PlannedChange {
  const { actor, expectedVersion, reason } = input;
  assertStorableText({ actor, reason, event: input.event });
  switch (action) {
    case 'update':
      return {
        after: applyUpdate(pkg, input),
        audit: { actor, ...(input.event ?? { action: 'UPDATE', summary: 'Draft updated' }) },
      };
    case 'submit':
      return {
        after: applySubmit(pkg, actor, expectedVersion),
        audit: { actor, action: 'SUBMIT', summary: 'Submitted to CMS' },
      };
    case 'resubmit': {
      const after = applyResubmit(pkg, actor, reason, expectedVersion);
      return {
        after,
        audit: {
          actor,
          action: 'RESUBMIT',
          summary: `Resubmitted: ${after.revisions[0]!.submitInfo!.reason}`,
        },
      };
    }
    case 'unlock': {
      const after = applyUnlock(pkg, actor, reason, expectedVersion);
      return {
        after,
        audit: { actor, action: 'UNLOCK', summary: `Unlocked: ${after.revisions[0]!.unlockInfo!.reason}` },
      };
    }
  }
}
