/**
 * The domain: every rule of a package's life, pure (no I/O), and where each lives.
 *
 * - Life cycle (plans/lifecycle.ts): create → DRAFT; edit while DRAFT or UNLOCKED; submit a DRAFT;
 *   CMS unlocks a SUBMITTED/RESUBMITTED package (with a reason), which opens a new draft revision
 *   copied from the last submitted one; the state resubmits it (with a reason); only a
 *   never-submitted draft is deleted. Every change names the version it read (package.ts:
 *   ACTION_FROM, deriveStatus). A submitted revision is never changed again.
 * - Who may (access.ts, plans/user-plans.ts): a state user sees and authors its own state's
 *   packages; CMS sees packages submitted at least once and unlocks them; others get 404, not 403.
 * - What a submission must hold (validate-submit.ts; its header lists CMS's rules, the ones kept
 *   stricter on purpose, and how an amendment's yes/no provision answers replaced the checklist of
 *   items being amended), what the form may hold (form-data.ts), what
 *   documents may be and how a draft may change them (document.ts, document-changes.ts), the one
 *   reason rule (reasons.ts), which text is storable (text.ts), the package name (naming.ts),
 *   what CMS sees of an unlocked package (package.ts: cmsFacts), the audit wording (audit.ts), the
 *   lists' updated-date range (updated-range.ts).
 * - CMS's review (review.ts, plans/review-plans.ts): a review status beside the submission status
 *   (UNDER_REVIEW or NOT_SUBJECT_TO_REVIEW on submit, APPROVED, WITHDRAWN), derived from the last
 *   submitted revision and CMS's decisions (approve, withdraw, their undoing, undo unlock), each a
 *   versioned plan with a reason; what users see combines both (review.ts: displayStatus).
 * - Questions and answers (questions.ts, plans/question-plans.ts): a CMS reviewer with a division
 *   asks, with documents, in rounds per division; no new question while one is open; only the
 *   package's own state responds, once per question. Records of the package, never rewritten.
 * - Rates as records shared between a state's packages (rates.ts, plans/rate-graph.ts,
 *   plans/rate-plans.ts): a rate belongs to the package that created it and is linked by others of
 *   its state; links freeze on submit; CMS withdraws a rate from every package at once. Plans over
 *   a graph of records that the store writes all together (`Store.changeGraph`).
 * - Refusals (errors.ts): a DomainError with a code the API maps to one HTTP status.
 * - Guaranteed by every store, not by a plan (src/store/store.ts): per-state package numbers are
 *   unique and never reused; a change and its audit event are written together or not at all.
 */
export * from './access.js';
export * from './api-clients.js';
export * from './audit.js';
export * from './document.js';
export * from './document-changes.js';
export * from './errors.js';
export * from './form-data.js';
export * from './ids.js';
export * from './naming.js';
export * from './package.js';
export * from './plans/draft-plans.js';
export { withRatesOf } from './plans/graph-work.js';
export * as lifecycle from './plans/lifecycle.js';
export {
  INITIAL_SUBMISSION_REASON,
  type NewPackagePlan,
  parseDocuments,
  parseFormData,
  type Step,
  type VersionedStep,
} from './plans/lifecycle.js';
export * from './plans/package-change.js';
export * from './plans/question-plans.js';
export * from './plans/rate-graph.js';
export * from './plans/rate-plans.js';
export * from './plans/review-plans.js';
export * from './plans/user-plans.js';
export * from './questions.js';
export * from './rate-migration.js';
export * from './rate-projection.js';
export * from './rates.js';
export * from './reasons.js';
export * from './reference.js';
export * from './review.js';
export * from './text.js';
export * from './updated-range.js';
export * from './user-audit.js';
export * from './validate-submit.js';
