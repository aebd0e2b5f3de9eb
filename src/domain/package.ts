import { z } from 'zod';
import { DocumentListSchema } from './document.js';
import { FormDataSchema } from './form-data.js';
import { latestQuestionActivity, openQuestionCount, type Question, QuestionListSchema } from './questions.js';
import { RateLinkListSchema } from './rate-link.js';
import { ActorSchema, StateCodeSchema } from './reference.js';
import { deriveReviewStatus, type ReviewAction, ReviewActionSchema, ReviewStatusSchema } from './review.js';
import { storableString } from './text.js';

export const PACKAGE_STATUSES = ['DRAFT', 'SUBMITTED', 'UNLOCKED', 'RESUBMITTED'] as const;
export const PackageStatusSchema = z.enum(PACKAGE_STATUSES);
export type PackageStatus = z.infer<typeof PackageStatusSchema>;

/** Who submitted or unlocked a revision, when, and why. */
export const ActionInfoSchema = z.object({
  at: z.iso.datetime(),
  by: ActorSchema,
  reason: storableString().min(1).max(5000),
});
export type ActionInfo = z.infer<typeof ActionInfoSchema>;

export const RevisionSchema = z.object({
  id: z.uuid(),
  /** 1 for the first revision, +1 for each unlock. */
  number: z.number().int().positive(),
  createdAt: z.iso.datetime(),
  formData: FormDataSchema,
  documents: DocumentListSchema,
  submitInfo: ActionInfoSchema.nullable(),
  /** Set on the revision an unlock created: why CMS sent the package back. */
  unlockInfo: ActionInfoSchema.nullable(),
  /**
   * The rate records this revision carries (rates.ts): its own child rates and linked ones. Null
   * rate revisions on a draft; frozen to the rate revision sent on a submitted one. Absent in
   * records made before rates were records.
   */
  rateLinks: RateLinkListSchema,
});
export type Revision = z.infer<typeof RevisionSchema>;

export const PackageSchema = z.object({
  id: z.uuid(),
  stateCode: StateCodeSchema,
  /** Per-state sequence number, allocated once at draft creation, never reused. */
  stateNumber: z.number().int().positive(),
  status: PackageStatusSchema,
  /** Optimistic-concurrency version: +1 on every change. */
  version: z.number().int().positive(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  /** The first submission's time; never changes afterwards. */
  initiallySubmittedAt: z.iso.datetime().nullable(),
  /** Newest first. */
  revisions: z.array(RevisionSchema).min(1),
  /** CMS's review (review.ts): null until first submitted; derived from the revisions and the actions. */
  reviewStatus: ReviewStatusSchema.nullable().default(null),
  /** CMS's review decisions, newest first (absent in records made before reviews existed). */
  reviewActions: z.array(ReviewActionSchema).default([]),
  /** CMS's questions and the state's responses (questions.ts), newest first (absent in older records). */
  questions: QuestionListSchema.default([]),
});
export type Package = z.infer<typeof PackageSchema>;

/** What a list shows of a package: the head record without its revisions, review actions and questions. */
export const PackageSummarySchema = PackageSchema.omit({
  revisions: true,
  reviewActions: true,
  questions: true,
}).extend({
  revisionCount: z.number().int().positive(),
  /** Questions waiting for the state's response: the dashboards' badge (0 or 1 under the rules). */
  openQuestions: z.number().int().nonnegative(),
  submissionType: FormDataSchema.shape.submissionType,
  programIds: z.array(z.uuid()),
});
export type PackageSummary = z.infer<typeof PackageSummarySchema>;

/** Status follows from the revisions alone (newest first). */
export function deriveStatus(revisions: readonly Pick<Revision, 'submitInfo'>[]): PackageStatus {
  const newest = revisions[0];
  if (!newest) throw new Error('a package has at least one revision');
  const submitted = newest.submitInfo !== null;
  if (revisions.length === 1) return submitted ? 'SUBMITTED' : 'DRAFT';
  return submitted ? 'RESUBMITTED' : 'UNLOCKED';
}

export type PackageAction = 'update' | 'delete' | 'submit' | 'resubmit' | 'unlock';

/** Which status each action starts from. Everything else is an invalid transition. */
export const ACTION_FROM: Readonly<Record<PackageAction, readonly PackageStatus[]>> = {
  update: ['DRAFT', 'UNLOCKED'],
  delete: ['DRAFT'],
  submit: ['DRAFT'],
  resubmit: ['UNLOCKED'],
  unlock: ['SUBMITTED', 'RESUBMITTED'],
};

export function canTransition(action: PackageAction, status: PackageStatus): boolean {
  return ACTION_FROM[action].includes(status);
}

/** The newest revision: the one being edited while a package is a draft or unlocked. */
export function currentRevision<P extends { revisions: readonly Revision[] }>(pkg: P): Revision {
  return pkg.revisions[0]!;
}

/** The newest revision that CMS has received, if any. */
export function lastSubmittedRevision(pkg: Pick<Package, 'revisions'>): Revision | undefined {
  return pkg.revisions.find((r) => r.submitInfo !== null);
}

/** What CMS sees of a package's head, where it differs from what the state sees. */
export interface CmsFacts {
  /** When the package last changed for CMS: its last submit, unlock or resubmit. */
  updatedAt: string;
  /** The revisions CMS has received (the number of the last submitted one). */
  revisionCount: number;
  submissionType: PackageSummary['submissionType'];
  programIds: string[];
}

/**
 * What CMS sees: the last submitted revision, and the time of the last submit, unlock, resubmit,
 * review action, question or response — never the state's work on an unlocked draft. Null until the first
 * submission. Derived from the revisions, review actions and questions alone, so every backend writes it
 * with a head and recomputes it on import (copy, restore) without a format change.
 */
export function cmsFacts(
  pkg: Pick<Package, 'revisions'> & {
    reviewActions?: readonly ReviewAction[];
    questions?: readonly Question[];
  },
): CmsFacts | null {
  const submitted = lastSubmittedRevision(pkg);
  if (!submitted) return null;
  const current = currentRevision(pkg);
  const revisionAt = current.submitInfo?.at ?? current.unlockInfo?.at ?? submitted.submitInfo!.at;
  // A review decision (approve, withdraw, an undo) is news to CMS too: it moves the package up.
  // So is a question asked or answered.
  const newsAt = [pkg.reviewActions?.[0]?.at, latestQuestionActivity(pkg.questions ?? [])];
  const updatedAt = newsAt.reduce<string>(
    (latest, at) => (at !== undefined && at > latest ? at : latest),
    revisionAt,
  );
  return {
    updatedAt,
    revisionCount: pkg.revisions.filter((r) => r.submitInfo !== null).length,
    submissionType: submitted.formData.submissionType,
    programIds: submitted.formData.programIds,
  };
}

/** `pkg` with its derived statuses recomputed: what every writer stores (plans, imports). */
export function withDerivedStatuses(pkg: Package): Package {
  return { ...pkg, status: deriveStatus(pkg.revisions), reviewStatus: deriveReviewStatus(pkg) };
}

/**
 * A package record as any version of Carepack wrote it (in a backup, a copy's source), in
 * today's shape: one written before reviews existed has no review history, so it is under
 * review; one written before questions existed has none.
 */
export function currentPackageRecord(
  record: Package | Omit<Package, 'reviewStatus' | 'reviewActions' | 'questions'>,
): Package {
  return withDerivedStatuses({ reviewActions: [], questions: [], ...record } as Package);
}

export function summarize(pkg: Package): PackageSummary {
  const { revisions, reviewActions: _actions, questions, ...head } = pkg;
  const current = currentRevision(pkg);
  return {
    ...head,
    revisionCount: revisions.length,
    openQuestions: openQuestionCount(questions),
    submissionType: current.formData.submissionType,
    programIds: current.formData.programIds,
  };
}
