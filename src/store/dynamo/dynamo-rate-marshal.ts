/**
 * Conversions between rates and their items: a head (everything a list shows, with the counts
 * of the other items so a reader can key them exactly, and a copy of the newest revision when it
 * is small), one item per revision holding its documents, one per withdrawal or undo. Layout in
 * docs/dynamodb.md.
 */
import {
  type Rate,
  type RateRevision,
  type RateSummary,
  type RateWithdrawal,
  rateSummary,
} from '../../domain/index.js';
import {
  INDEX_ATTRIBUTES,
  RATE_HEAD_SK,
  rateHeadKey,
  rateIndexAttributes,
  rateNumberClaimKey,
  rateRevisionKey,
  rateWithdrawalKey,
} from './dynamo-keys.js';
import type { Item } from './dynamo-marshal.js';

/** The head attribute a list's program filter tests: the last submitted revision's rate programs. */
export const RATE_PROGRAMS_ATTRIBUTE = 'shownProgramIds';

/**
 * The head attribute holding a copy of the newest revision (as its item, without keys). A rate
 * read keys every other item, so a rate of one small revision and no withdrawal is its head alone:
 * a package's rates read in one request and one item each. Written with every head (every change
 * writes the head), so it is never older than the revision item; heads written before it, or
 * whose newest revision is large, lack it and the revision item is read.
 */
const NEWEST_ATTRIBUTE = 'newestRevision';
/**
 * Above this (JSON bytes) the newest revision is not copied: the head stays small in the list
 * indexes (which project every attribute) and in transactions changing up to 50 rates at once.
 */
export const NEWEST_COPY_MAX_BYTES = 8_000;

const HEAD_ONLY = new Set([
  'PK',
  'SK',
  'kind',
  'revisionCount',
  'withdrawalCount',
  'shown',
  NEWEST_ATTRIBUTE,
  RATE_PROGRAMS_ATTRIBUTE,
  ...INDEX_ATTRIBUTES,
]);

/** The newest revision as the head carries it (JSON), or undefined when it is too large to copy. */
function newestCopy(rate: Rate): string | undefined {
  const { PK: _pk, SK: _sk, kind: _kind, ...copy } = rateRevisionToItem(rate.id, rate.revisions[0]!);
  const json = JSON.stringify(copy);
  return Buffer.byteLength(json) <= NEWEST_COPY_MAX_BYTES ? json : undefined;
}

/** A copy the head holds as JSON text (or, written before that, as a map). */
const decoded = <T>(value: unknown): T | undefined =>
  typeof value === 'string' ? (JSON.parse(value) as T) : (value as T | undefined);

export function rateHeadToItem(rate: Rate): Item {
  const { revisions, withdrawals, ...head } = rate;
  const summary = rateSummary(rate);
  const newest = newestCopy(rate);
  return {
    ...rateHeadKey(rate.id),
    kind: 'rate',
    ...head,
    revisionCount: revisions.length,
    withdrawalCount: withdrawals.length,
    ...(newest ? { [NEWEST_ATTRIBUTE]: newest } : {}),
    // What the lists show, so a list reads heads only; absent (and in no list) until submitted.
    ...(summary
      ? {
          shown: JSON.stringify(summary.shown),
          [RATE_PROGRAMS_ATTRIBUTE]: summary.shown.formData.rateProgramIds,
          ...rateIndexAttributes(rate),
        }
      : {}),
  };
}

/**
 * A revision with its documents (at most 48 of under 2 KB each: the item stays far below 400 KB).
 * An unset `submitInfo` is absent, not null, so the guard `attribute_not_exists(submitInfo)` holds.
 */
export function rateRevisionToItem(rateId: string, r: RateRevision): Item {
  const { submitInfo, unlockInfo, submittedWith, ...rest } = r;
  return {
    ...rateRevisionKey(rateId, r.number),
    kind: 'rate-revision',
    ...rest,
    ...(submitInfo ? { submitInfo } : {}),
    ...(unlockInfo ? { unlockInfo } : {}),
    ...(submittedWith ? { submittedWith } : {}),
  };
}

function itemToRateRevision(i: Item): RateRevision {
  const r = strip(i, KEYS);
  return {
    ...r,
    submitInfo: r.submitInfo ?? null,
    unlockInfo: r.unlockInfo ?? null,
    submittedWith: r.submittedWith ?? null,
  } as RateRevision;
}

/** `n` numbers a rate's withdrawals from its oldest (1): a new one is a new item, never a rewrite. */
export const rateWithdrawalToItem = (rateId: string, w: RateWithdrawal, n: number): Item => ({
  ...rateWithdrawalKey(rateId, n),
  kind: 'rate-withdrawal',
  ...w,
});

export const rateClaimItem = (rate: Pick<Rate, 'id' | 'stateCode' | 'stateRateNumber'>): Item => ({
  ...rateNumberClaimKey(rate.stateCode, rate.stateRateNumber),
  rateId: rate.id,
});

/** Every item of a rate but its number claim: head, revisions, withdrawals. */
export function rateItems(rate: Rate): Item[] {
  const n = rate.withdrawals.length;
  return [
    rateHeadToItem(rate),
    ...rate.revisions.map((r) => rateRevisionToItem(rate.id, r)),
    ...rate.withdrawals.map((w, i) => rateWithdrawalToItem(rate.id, w, n - i)),
  ];
}

/** Heads whose newest-revision copy was decoded already: a read keys the children, then assembles. */
const newestDecoded = new WeakMap<Item, Item | undefined>();

/** The head's copy of its newest revision, if it carries one (and it is the newest). */
function newestOf(head: Item): Item | undefined {
  if (newestDecoded.has(head)) return newestDecoded.get(head);
  const copy = decoded<Item>(head[NEWEST_ATTRIBUTE]);
  const newest = copy && copy.number === head.revisionCount ? copy : undefined;
  newestDecoded.set(head, newest);
  return newest;
}

/**
 * The keys of every item a head says its rate has but does not carry itself: what a BatchGet
 * reads after the heads (none for a rate of one revision copied in its head and no withdrawal).
 */
export function rateChildKeys(head: Item): Item[] {
  const id = head.id as string;
  const stored = (head.revisionCount as number) - (newestOf(head) ? 1 : 0);
  return [
    ...Array.from({ length: stored }, (_, i) => rateRevisionKey(id, i + 1)),
    ...Array.from({ length: (head.withdrawalCount as number | undefined) ?? 0 }, (_, i) =>
      rateWithdrawalKey(id, i + 1),
    ),
  ];
}

const strip = (i: Item, drop: ReadonlySet<string>): Item =>
  Object.fromEntries(Object.entries(i).filter(([k]) => !drop.has(k)));
const KEYS = new Set(['PK', 'SK', 'kind']);
const bySkDescending = (a: Item, b: Item) => (String(a.SK) < String(b.SK) ? 1 : -1);

/**
 * Rebuilds a rate from its items (any order; the newest revision's item may be left out when the
 * head carries it): undefined without a head; `incomplete` when the items are not those the head
 * counts (read in two requests while a change landed: read again).
 */
export function itemsToRate(items: readonly Item[]): Rate | 'incomplete' | undefined {
  const head = items.find((i) => i.SK === RATE_HEAD_SK);
  if (!head) return undefined;
  const newest = newestOf(head);
  // The head's copy stands for the newest revision (written in the same change as its item).
  const revisions = items
    .filter((i) => i.kind === 'rate-revision' && (!newest || i.number !== newest.number))
    .sort(bySkDescending);
  if (newest) revisions.unshift(newest);
  const withdrawals = items.filter((i) => i.kind === 'rate-withdrawal').sort(bySkDescending);
  if (
    revisions.length !== head.revisionCount ||
    withdrawals.length !== ((head.withdrawalCount as number | undefined) ?? 0)
  ) {
    return 'incomplete';
  }
  return {
    ...(strip(head, HEAD_ONLY) as Omit<Rate, 'revisions' | 'withdrawals'>),
    revisions: revisions.map(itemToRateRevision),
    withdrawals: withdrawals.map((i) => strip(i, KEYS) as RateWithdrawal),
  };
}

/** A rate head of the list indexes as its list entry. */
export function itemToRateSummary(head: Item): RateSummary {
  const { revisionCount, shown } = head;
  return {
    ...(strip(head, HEAD_ONLY) as Omit<RateSummary, 'revisionCount' | 'shown'>),
    revisionCount: revisionCount as number,
    shown: decoded<RateSummary['shown']>(shown)!,
  };
}
