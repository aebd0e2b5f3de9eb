/**
 * Packages in each status, a fixed clock and counter ids for the change-plan tests. Packages are
 * written out by hand (not made by the lifecycle under test) and deep-frozen, so a plan that
 * mutates the package it read throws.
 */
import {
  type Actor,
  actorOf,
  DomainError,
  type FormData,
  type Package,
  type PackageDocument,
  type Revision,
} from '../../src/domain/index.js';
import { cmsUser, contractOnlyDraft, deepFreeze, doc, ID_KIND, stateUser, uid } from './fixtures.js';

export const PKG_ID = uid(ID_KIND.package, 1);
export const STATE_NUMBER = 7;

/** The fixed clock: when the package was made, submitted, unlocked, resubmitted; `NOW` for the step. */
export const CREATED_AT = '2026-01-01T09:00:00.000Z';
export const SUBMITTED_AT = '2026-01-02T09:00:00.000Z';
export const UNLOCKED_AT = '2026-01-03T09:00:00.000Z';
export const RESUBMITTED_AT = '2026-01-04T09:00:00.000Z';
export const NOW = '2026-02-01T12:00:00.000Z';

export const STATE = actorOf(stateUser('MN'));
export const CMS = actorOf(cmsUser());

/** New ids from a counter, so a plan's revision ids are known in advance. */
export function counterIds(start = 900) {
  let n = start;
  return () => uid(ID_KIND.revision, n++);
}

interface RevisionParts {
  formData?: FormData;
  documents?: readonly PackageDocument[];
  submitted?: { at: string; by: Actor; reason: string };
  unlocked?: { at: string; by: Actor; reason: string };
}

function rev(number: number, createdAt: string, parts: RevisionParts = {}): Revision {
  return {
    id: uid(ID_KIND.revision, number),
    number,
    createdAt,
    formData: parts.formData ?? contractOnlyDraft().formData,
    documents: [...(parts.documents ?? contractOnlyDraft().documents)],
    submitInfo: parts.submitted ?? null,
    unlockInfo: parts.unlocked ?? null,
    rateLinks: [],
  };
}

function pkg(head: Pick<Package, 'status' | 'version' | 'updatedAt'>, revisions: Revision[]): Package {
  return deepFreeze({
    id: PKG_ID,
    stateCode: 'MN',
    stateNumber: STATE_NUMBER,
    createdAt: CREATED_AT,
    initiallySubmittedAt: head.status === 'DRAFT' ? null : SUBMITTED_AT,
    ...head,
    revisions,
    reviewStatus: head.status === 'DRAFT' ? null : 'UNDER_REVIEW',
    reviewActions: [],
    questions: [],
  });
}

/** The first revision once submitted: the complete contract-only draft. */
const firstSubmitted = (parts: RevisionParts = {}) =>
  rev(1, CREATED_AT, {
    ...parts,
    submitted: { at: SUBMITTED_AT, by: STATE, reason: 'Initial submission' },
  });

/** What CMS sent back and the state changed: a new description and one more document. */
const secondRevisionParts = (): RevisionParts => ({
  formData: { ...contractOnlyDraft().formData, submissionDescription: 'Dates fixed after review' },
  documents: [...contractOnlyDraft().documents, doc(3, 'CONTRACT_SUPPORTING')],
  unlocked: { at: UNLOCKED_AT, by: CMS, reason: 'Fix the dates' },
});

/** A never-submitted draft, version 1 (complete unless `parts` say otherwise). */
export function draftPackage(parts: RevisionParts = {}): Package {
  return pkg({ status: 'DRAFT', version: 1, updatedAt: CREATED_AT }, [rev(1, CREATED_AT, parts)]);
}

/** Submitted once, version 2. */
export function submittedPackage(): Package {
  return pkg({ status: 'SUBMITTED', version: 2, updatedAt: SUBMITTED_AT }, [firstSubmitted()]);
}

/** Submitted, then unlocked by CMS: version 3, a second (draft) revision on top. */
export function unlockedPackage(parts: RevisionParts = {}): Package {
  return pkg({ status: 'UNLOCKED', version: 3, updatedAt: UNLOCKED_AT }, [
    rev(2, UNLOCKED_AT, { ...secondRevisionParts(), ...parts }),
    firstSubmitted(),
  ]);
}

/** Submitted, unlocked and resubmitted: version 4, two submitted revisions that differ. */
export function resubmittedPackage(): Package {
  return pkg({ status: 'RESUBMITTED', version: 4, updatedAt: RESUBMITTED_AT }, [
    rev(2, UNLOCKED_AT, {
      ...secondRevisionParts(),
      submitted: { at: RESUBMITTED_AT, by: STATE, reason: 'Dates fixed' },
    }),
    firstSubmitted(),
  ]);
}

export const PACKAGES_BY_STATUS = {
  DRAFT: draftPackage,
  SUBMITTED: submittedPackage,
  UNLOCKED: unlockedPackage,
  RESUBMITTED: resubmittedPackage,
} as const;
export type Status = keyof typeof PACKAGES_BY_STATUS;
export const STATUSES = Object.keys(PACKAGES_BY_STATUS) as Status[];
export const otherStatuses = (...allowed: Status[]) => STATUSES.filter((s) => !allowed.includes(s));

/** Every pair of an `a` and a `b`, for tables of tests. */
export const cross = <A, B>(as: readonly A[], bs: readonly B[]) =>
  as.flatMap((a) => bs.map((b) => [a, b] as [A, B]));

/** The DomainError `fn` throws; fails the test when it throws nothing or something else. */
export function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error('expected a DomainError, but the plan went ahead');
}

/** The field paths a refusal names, in order. */
export const pathsOf = (e: DomainError) => e.fields.map((f) => f.path);
