import {
  lastSubmittedRevision,
  type Package,
  type Program,
  packageName,
  REVIEW_ACTIONS,
  type Revision,
} from '../domain/index.js';

/** CMS asked the state questions, or the state responded (issue 12): each tells both sides. */
export const QUESTION_EVENT_TYPES = ['QUESTION_ASKED', 'QUESTION_RESPONDED'] as const;
export type QuestionEventType = (typeof QUESTION_EVENT_TYPES)[number];

export const PACKAGE_EVENT_TYPES = [
  'SUBMIT',
  'UNLOCK',
  'RESUBMIT',
  ...REVIEW_ACTIONS,
  ...QUESTION_EVENT_TYPES,
] as const;
export type PackageEventType = (typeof PACKAGE_EVENT_TYPES)[number];
/** The events of a package's life and review: each writes its record of a revision or a decision. */
export type LifecycleEventType = Exclude<PackageEventType, QuestionEventType>;

/**
 * Every review decision sends email (each is the newest of the package's review actions); an
 * undone approval tells whoever the approval told (the state): it must not go on believing it.
 */
export const REVIEW_EVENT_TYPES = REVIEW_ACTIONS;
export type ReviewEventType = (typeof REVIEW_EVENT_TYPES)[number];

export function isReviewEvent(type: PackageEventType): type is ReviewEventType {
  return (REVIEW_EVENT_TYPES as readonly string[]).includes(type);
}

export function isQuestionEvent(type: PackageEventType): type is QuestionEventType {
  return (QUESTION_EVENT_TYPES as readonly string[]).includes(type);
}

/** What happened to a package, as the service saw it right after the store accepted the action. */
export interface PackageEvent {
  type: PackageEventType;
  /** The package as the store returned it after the action. */
  package: Package;
  /** e.g. `MN-PMAP-0001`. */
  name: string;
  /** Human labels of the package's programs, e.g. `PMAP (Prepaid Medical Assistance Program)`. */
  programNames: readonly string[];
  /** For a question event: the question asked or answered. */
  questionId?: string;
  /** For a question about a rate certification: the name CMS and actuaries know it by. */
  rateName?: string;
  /** The CMS users assigned to the package's state (issue 14): told whatever CMS's review list is. */
  analysts?: readonly string[];
}

/**
 * The revision the event is about: the one just (re)submitted, for an unlock the one CMS sent
 * back (the new draft is a copy of it, so names and contacts agree), for a review decision the
 * last submitted one (after an undone unlock, the one current again).
 */
export function subjectRevision(pkg: Package): Revision {
  return lastSubmittedRevision(pkg) ?? pkg.revisions[0]!;
}

/**
 * Builds an event from the package and the programs of `subjectRevision(pkg)`, so the service
 * does not repeat the naming rules. Programs are labelled in the same natural order as the name.
 */
export function packageEvent(
  type: PackageEventType,
  pkg: Package,
  programs: readonly Pick<Program, 'name' | 'fullName'>[],
  questionId?: string,
): PackageEvent {
  const natural = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
  const labels = [...programs]
    .sort((a, b) => natural.compare(a.name, b.name))
    .map((p) => (p.fullName && p.fullName !== p.name ? `${p.name} (${p.fullName})` : p.name));
  return {
    type,
    package: pkg,
    name: packageName(pkg.stateCode, programs, pkg.stateNumber),
    programNames: labels,
    ...(questionId !== undefined ? { questionId } : {}),
  };
}
