/**
 * What the pages say about the rates a package carries (the API's `rates` on each revision) and
 * what they offer on them: which are this package's own and which are linked from another, which
 * search results can still be linked, when a package carries an older revision of a rate than
 * was submitted since, and which of CMS's rate decisions a rate allows now.
 */
import { isCmsLike } from '@carepack/domain/access.js';
import type { ListRatesQuery, RateLinkView, RateStatus, RateSummaryView, User } from '../api/types.js';

/** The rates of a revision by id: the projection lists one per link, in the form's order. */
export const ratesById = (rates: readonly RateLinkView[] | undefined): Map<string, RateLinkView> =>
  new Map((rates ?? []).map((r) => [r.rateId, r]));

/** A rate another package owns: shown read-only here; only its parent edits it. */
export const isLinked = (rates: ReadonlyMap<string, RateLinkView>, rateId: string): boolean =>
  rates.get(rateId)?.isChild === false;

/**
 * The sentence a page shows when the rate was submitted again after the revision this package
 * carries (CMS reviews what the package was submitted with, so the difference must be visible).
 */
export function newerRevisionNote(
  link: Pick<RateLinkView, 'rateRevision' | 'latestSubmittedRevision'>,
): string | null {
  if (link.latestSubmittedRevision === null || link.latestSubmittedRevision <= link.rateRevision) return null;
  return `A newer revision of this rate certification was submitted (revision ${link.latestSubmittedRevision}); this package carries revision ${link.rateRevision}.`;
}

/** Whether a rate search result can be linked to the package, and if not, why (shown instead of the button). */
export type LinkChoice =
  | { kind: 'LINK' }
  | { kind: 'ALREADY_HERE' }
  | { kind: 'WITHDRAWN' }
  | { kind: 'FULL' };

/**
 * The rule of the link plan as the page can know it: a rate already carried (its own child
 * included) is not linked twice, a withdrawn one not at all, and a revision carries at most `max`.
 */
export function linkChoice(
  result: Pick<RateSummaryView, 'id' | 'status'>,
  carried: ReadonlySet<string>,
  max: number,
): LinkChoice {
  if (carried.has(result.id)) return { kind: 'ALREADY_HERE' };
  if (result.status === 'WITHDRAWN') return { kind: 'WITHDRAWN' };
  if (carried.size >= max) return { kind: 'FULL' };
  return { kind: 'LINK' };
}

export type RateDecision = 'WITHDRAW' | 'UNDO_WITHDRAWAL';

/**
 * CMS's decisions on a rate as the rate plans allow them: withdraw a submitted rate that is not
 * being revised (its parent unlocked: UNLOCKED), undo a withdrawal. The server still refuses a
 * withdrawal while a package carrying the rate is approved or unlocked, and says which.
 */
export function rateDecisions(rate: { status: RateStatus }, user: Pick<User, 'role'>): RateDecision[] {
  if (!isCmsLike(user as User)) return [];
  if (rate.status === 'WITHDRAWN') return ['UNDO_WITHDRAWAL'];
  if (rate.status === 'SUBMITTED' || rate.status === 'RESUBMITTED') return ['WITHDRAW'];
  return [];
}

/**
 * The query behind "Link an existing rate certification": the state's own submitted rates whose
 * name or number holds what was typed (trimmed), or the newest ones while nothing is typed.
 */
export function rateSearchQuery(stateCode: string, typed: string, limit = 10): ListRatesQuery {
  const q = typed.trim();
  return { stateCode, limit, ...(q ? { q } : {}) };
}
