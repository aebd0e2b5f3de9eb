/**
 * Rate certifications as records of their own (issue 13), shared between a state's packages.
 *
 * A rate belongs to the package that created it (its parent: only the parent's state edits it,
 * while the parent is a draft or unlocked) and may be linked by other packages of the SAME state
 * once submitted. A package revision names the rates it carries in `rateLinks`; a submitted
 * revision freezes each link to the rate revision it was submitted with, so what any submitted
 * revision carried reads back forever. The relation is kept on both sides: a rate's `packageIds`
 * are exactly the packages whose current or last submitted revision links it
 * (`linkedRateIds`), and every plan that changes one side changes the other in the same change.
 *
 *   created with its parent → DRAFT ─parent submits→ SUBMITTED ─parent unlocked→ UNLOCKED
 *   ─parent resubmits→ RESUBMITTED ─…;  CMS withdraws → WITHDRAWN ─undo→ (as before)
 */
import { z } from 'zod';
import { DocumentSchema, MAX_DOCUMENTS_PER_REVISION } from './document.js';
import { RateCertificationSchema } from './form-data.js';
import {
  ActionInfoSchema,
  deriveStatus,
  lastSubmittedRevision,
  type Package,
  type PackageStatus,
} from './package.js';
import { ActorSchema, StateCodeSchema } from './reference.js';

export { type RateLink, RateLinkListSchema, RateLinkSchema } from './rate-link.js';

import { storableString } from './text.js';

export const RATE_STATUSES = ['DRAFT', 'SUBMITTED', 'UNLOCKED', 'RESUBMITTED', 'WITHDRAWN'] as const;
export const RateStatusSchema = z.enum(RATE_STATUSES);
export type RateStatus = z.infer<typeof RateStatusSchema>;

/**
 * At most this many packages carry one rate. A withdrawal gives each of them a new revision in
 * one atomic change, and the backends' transactions are bounded (DynamoDB: 100 items, 4 MB).
 */
export const MAX_PACKAGES_PER_RATE = 10;

/** What the parent's state fills in for a rate: the rate certification's form, without its id. */
export const RateFormDataSchema = RateCertificationSchema.omit({ id: true });
export type RateFormData = z.infer<typeof RateFormDataSchema>;
export type RateFormDataInput = z.input<typeof RateFormDataSchema>;

/** A rate's own documents: the certification (RATE) and its supporting documents. */
export const RateDocumentSchema = DocumentSchema.omit({ rateId: true }).extend({
  category: z.enum(['RATE', 'RATE_SUPPORTING']),
});
export type RateDocument = z.infer<typeof RateDocumentSchema>;

export const RateDocumentListSchema = z
  .array(RateDocumentSchema)
  .max(MAX_DOCUMENTS_PER_REVISION)
  .superRefine((docs, ctx) => {
    const ids = new Set<string>();
    const names = new Set<string>();
    docs.forEach((d, i) => {
      if (ids.has(d.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'is used twice' });
      ids.add(d.id);
      const key = `${d.category}|${d.name.toLowerCase()}`;
      if (names.has(key))
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${d.name}" is already in this list` });
      names.add(key);
    });
  });

/** The package submission that froze a rate revision. */
export const SubmittedWithSchema = z.object({
  packageId: z.uuid(),
  /** The package's revision number that carried this rate revision when it was submitted. */
  packageRevision: z.number().int().positive(),
});

export const RateRevisionSchema = z.object({
  id: z.uuid(),
  /** 1 for the first revision, +1 for each unlock of its parent. */
  number: z.number().int().positive(),
  createdAt: z.iso.datetime(),
  formData: RateFormDataSchema,
  documents: RateDocumentListSchema,
  submitInfo: ActionInfoSchema.nullable(),
  /** Set on a revision its parent's unlock created. */
  unlockInfo: ActionInfoSchema.nullable(),
  /** Null until submitted; then which package submission froze it. */
  submittedWith: SubmittedWithSchema.nullable(),
});
export type RateRevision = z.infer<typeof RateRevisionSchema>;

export const RATE_WITHDRAWAL_ACTIONS = ['WITHDRAW', 'UNDO_WITHDRAWAL'] as const;

/** CMS withdrawing a rate, or undoing that: who, when, why, and which packages it left or came back to. */
export const RateWithdrawalSchema = z.object({
  id: z.uuid(),
  action: z.enum(RATE_WITHDRAWAL_ACTIONS),
  at: z.iso.datetime(),
  by: ActorSchema,
  reason: storableString().min(1).max(5000),
  /** WITHDRAW: the packages that got a new revision without it; UNDO: those that got it back. */
  packageIds: z.array(z.uuid()).max(MAX_PACKAGES_PER_RATE),
});
export type RateWithdrawal = z.infer<typeof RateWithdrawalSchema>;

export const RateSchema = z.object({
  id: z.uuid(),
  stateCode: StateCodeSchema,
  /** Per-state rate number, allocated once when the rate is created, never reused (own sequence). */
  stateRateNumber: z.number().int().positive(),
  /** The package that created it, or the one it was re-parented to when that one was withdrawn. */
  parentPackageId: z.uuid(),
  status: RateStatusSchema,
  /** Optimistic-concurrency version: +1 on every change. */
  version: z.number().int().positive(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  initiallySubmittedAt: z.iso.datetime().nullable(),
  /** Newest first. */
  revisions: z.array(RateRevisionSchema).min(1),
  /** The packages carrying it now: those whose current or last submitted revision links it. */
  packageIds: z
    .array(z.uuid())
    .max(MAX_PACKAGES_PER_RATE)
    .refine((a) => new Set(a).size === a.length, 'must not repeat a package'),
  /** Withdrawals and their undoing, newest first. */
  withdrawals: z.array(RateWithdrawalSchema).default([]),
});
export type Rate = z.infer<typeof RateSchema>;

/** What a rate list shows: the head, and the revision CMS knows (the last submitted one). */
export const RateSummarySchema = RateSchema.omit({ revisions: true, withdrawals: true }).extend({
  revisionCount: z.number().int().positive(),
  /** The last submitted revision (a rate is listed only once submitted). */
  shown: RateRevisionSchema.pick({ number: true, formData: true, submitInfo: true }),
});
export type RateSummary = z.infer<typeof RateSummarySchema>;

/** The rate's status, from its revisions and its withdrawals alone. */
export function deriveRateStatus(rate: Pick<Rate, 'revisions' | 'withdrawals'>): RateStatus {
  if (rate.withdrawals[0]?.action === 'WITHDRAW') return 'WITHDRAWN';
  return deriveStatus(rate.revisions) satisfies PackageStatus;
}

/** The newest submitted revision of a rate, if it was ever submitted. */
export function lastSubmittedRateRevision(rate: Pick<Rate, 'revisions'>): RateRevision | undefined {
  return rate.revisions.find((r) => r.submitInfo !== null);
}

/** A rate revision by number. */
export function rateRevision(rate: Pick<Rate, 'revisions'>, n: number): RateRevision | undefined {
  return rate.revisions.find((r) => r.number === n);
}

/**
 * The rates a package carries now, by id: those its current revision or its last submitted
 * revision links. A rate's `packageIds` holds exactly the packages whose set holds the rate.
 */
export function linkedRateIds(pkg: Pick<Package, 'revisions'>): Set<string> {
  const ids = new Set<string>();
  for (const link of pkg.revisions[0]?.rateLinks ?? []) ids.add(link.rateId);
  for (const link of lastSubmittedRevision(pkg)?.rateLinks ?? []) ids.add(link.rateId);
  return ids;
}

/** Every rate any revision of the package ever linked: what reading a package with its rates reads. */
export function everLinkedRateIds(pkg: Pick<Package, 'revisions'>): Set<string> {
  return new Set(pkg.revisions.flatMap((r) => r.rateLinks.map((l) => l.rateId)));
}

/** The list entry of a rate, or null for a never-submitted one (lists show submitted rates only). */
export function rateSummary(rate: Rate): RateSummary | null {
  const shown = lastSubmittedRateRevision(rate);
  if (!shown) return null;
  const { revisions, withdrawals, ...head } = rate;
  return {
    ...head,
    revisionCount: revisions.length,
    shown: { number: shown.number, formData: shown.formData, submitInfo: shown.submitInfo },
  };
}
