/**
 * The single-table layout: every key and index value is built here and nowhere else.
 * See docs/dynamodb.md for the access pattern each one serves.
 */
import type { PackageStatus, ReviewStatus, StateCode } from '../../domain/index.js';

export const STATES_PK = 'STATES';
export const USERS_PK = 'USERS';
export const HEAD_SK = 'HEAD';

export const stateKey = (code: StateCode) => ({ PK: STATES_PK, SK: `STATE#${code}` });
export const userKey = (id: string) => ({ PK: USERS_PK, SK: `USER#${id}` });
export const packagePk = (id: string) => `PKG#${id}`;
export const headKey = (id: string) => ({ PK: packagePk(id), SK: HEAD_SK });

const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const revisionSk = (n: number) => `REV#${pad(n, 6)}`;
export const revisionKey = (id: string, n: number) => ({ PK: packagePk(id), SK: revisionSk(n) });
export const documentSkPrefix = (n: number) => `${revisionSk(n)}#DOC#`;
export const documentKey = (id: string, n: number, docId: string) => ({
  PK: packagePk(id),
  SK: `${documentSkPrefix(n)}${docId}`,
});
/**
 * CMS's review actions, oldest `000001`: `REVIEW#` sorts after `REV#…` (`#` before `I`), so the
 * package Query (`SK >= HEAD`) reads them with the head; audit items (`AUDIT#`) sort before `HEAD`.
 */
export const REVIEW_SK_PREFIX = 'REVIEW#';
export const reviewActionKey = (id: string, n: number) => ({
  PK: packagePk(id),
  SK: `${REVIEW_SK_PREFIX}${pad(n, 6)}`,
});
/**
 * CMS's questions (each holding its response once given), by position, oldest `0001` (as the S3
 * record names them: `question-0001.json`). `QUESTION#` sorts after `HEAD` and before `REV#`, so
 * the package Query reads them with the head.
 */
export const QUESTION_SK_PREFIX = 'QUESTION#';
export const questionKey = (id: string, n: number) => ({
  PK: packagePk(id),
  SK: `${QUESTION_SK_PREFIX}${pad(n, 4)}`,
});
export const AUDIT_SK_PREFIX = 'AUDIT#';
export const auditKey = (packageId: string, at: string, eventId: string) => ({
  PK: packagePk(packageId),
  SK: `${AUDIT_SK_PREFIX}${at}#${eventId}`,
});

/**
 * Administrators' changes to users (user audit), all in one partition, newest last in sort-key
 * order: `listUserAudit` reads it backwards. Admin changes are rare, far below one partition's
 * throughput (1,000 writes, 3,000 reads a second).
 */
export const USER_AUDIT_PK = 'USERAUDIT';
export const USER_AUDIT_SK_PREFIX = 'EVENT#';
export const userAuditKey = (at: string, eventId: string) => ({
  PK: USER_AUDIT_PK,
  SK: `${USER_AUDIT_SK_PREFIX}${at}#${eventId}`,
});

/**
 * API clients (issue 14), all in one partition: an administrator lists them all at once, and a
 * bearer request reads one by key. They are few (one per integration), and `lastUsedAt` is
 * written at most once a minute per client, far below one partition's throughput.
 */
export const API_CLIENTS_PK = 'APICLIENTS';
export const apiClientKey = (id: string) => ({ PK: API_CLIENTS_PK, SK: `CLIENT#${id}` });

/** Where the table's one-off upgrades keep their progress (see dynamo-review-backfill.ts). */
export const upgradeKey = (name: string) => ({ PK: 'UPGRADES', SK: `UPGRADE#${name}` });

/** The per-state counter that `UpdateItem ADD` increments to allocate package numbers. */
export const counterKey = (code: StateCode) => ({ PK: `STATE#${code}`, SK: 'COUNTER' });
export const NUMBER_CLAIM_SK_PREFIX = 'NUMBER#';
/** One claim item per allocated number: a conditional put makes a duplicate impossible. */
export const numberClaimKey = (code: StateCode, n: number) => ({
  PK: `STATE#${code}`,
  SK: `${NUMBER_CLAIM_SK_PREFIX}${pad(n, 10)}`,
});
/** The number a claim's sort key holds (the padding makes sort-key order numeric order). */
export const claimedNumber = (sk: string) => Number(sk.slice(NUMBER_CLAIM_SK_PREFIX.length));

/** The list indexes. Each is sparse: an attribute is set only on items the index should hold. */
export const INDEXES = {
  byState: 'byState',
  byStateStatus: 'byStateStatus',
  submitted: 'submitted',
  submittedByState: 'submittedByState',
  submittedByStatus: 'submittedByStatus',
  submittedByStateStatus: 'submittedByStateStatus',
  byStateReview: 'byStateReview',
  submittedByReview: 'submittedByReview',
  submittedByStateReview: 'submittedByStateReview',
} as const;
export type IndexName = (typeof INDEXES)[keyof typeof INDEXES];

/** The states' indexes sort on `listKey`: most recently updated first when read backwards. */
export const LIST_SORT_ATTRIBUTE = 'listKey';
/**
 * CMS's indexes sort on `cmsListKey`: the time of the last submit, unlock or resubmit, which a
 * state's edits of an unlocked draft do not move.
 */
export const CMS_LIST_SORT_ATTRIBUTE = 'cmsListKey';
export const INDEX_PARTITION_ATTRIBUTE: Record<IndexName, string> = {
  byState: 'byStatePK',
  byStateStatus: 'byStateStatusPK',
  submitted: 'submittedPK',
  submittedByState: 'submittedByStatePK',
  submittedByStatus: 'submittedByStatusPK',
  submittedByStateStatus: 'submittedByStateStatusPK',
  byStateReview: 'byStateReviewPK',
  submittedByReview: 'submittedByReviewPK',
  submittedByStateReview: 'submittedByStateReviewPK',
};
export const INDEX_SORT_ATTRIBUTE: Record<IndexName, string> = {
  byState: LIST_SORT_ATTRIBUTE,
  byStateStatus: LIST_SORT_ATTRIBUTE,
  submitted: CMS_LIST_SORT_ATTRIBUTE,
  submittedByState: CMS_LIST_SORT_ATTRIBUTE,
  submittedByStatus: CMS_LIST_SORT_ATTRIBUTE,
  submittedByStateStatus: CMS_LIST_SORT_ATTRIBUTE,
  byStateReview: LIST_SORT_ATTRIBUTE,
  submittedByReview: CMS_LIST_SORT_ATTRIBUTE,
  submittedByStateReview: CMS_LIST_SORT_ATTRIBUTE,
};
/** The indexes by review status, added to tables of the layout before reviews (see dynamo-tables.ts). */
export const REVIEW_INDEXES: readonly IndexName[] = [
  'byStateReview',
  'submittedByReview',
  'submittedByStateReview',
];
/** The head attribute holding the review status (domain `deriveReviewStatus`), set once submitted. */
export const REVIEW_STATUS_ATTRIBUTE = 'reviewStatus';
/** Every attribute the indexes use, which a read hands back only as a cursor position. */
export const INDEX_ATTRIBUTES: readonly string[] = [
  LIST_SORT_ATTRIBUTE,
  CMS_LIST_SORT_ATTRIBUTE,
  ...Object.values(INDEX_PARTITION_ATTRIBUTE),
];

/** The head attributes that hold what CMS sees (domain `cmsFacts`), set once submitted. */
export const CMS_FACT_ATTRIBUTES = {
  updatedAt: 'cmsUpdatedAt',
  revisionCount: 'cmsRevisionCount',
  submissionType: 'cmsSubmissionType',
  programIds: 'cmsProgramIds',
} as const;

export interface HeadIndexFacts {
  id: string;
  stateCode: StateCode;
  status: PackageStatus;
  updatedAt: string;
  /** Null until first submitted (domain `deriveReviewStatus`). */
  reviewStatus: ReviewStatus | null;
}

export const byStateReviewPartition = (code: StateCode, rs: ReviewStatus) => `STATE#${code}#REVIEW#${rs}`;
export const submittedByReviewPartition = (rs: ReviewStatus) => `SUBMITTED#REVIEW#${rs}`;
export const submittedByStateReviewPartition = (code: StateCode, rs: ReviewStatus) =>
  `SUBMITTED#STATE#${code}#REVIEW#${rs}`;

/**
 * The index attributes of a package head, derived from its state; `cmsUpdatedAt` is given once
 * the package was submitted (domain `cmsFacts`), and puts it in CMS's indexes.
 */
export function headIndexAttributes(h: HeadIndexFacts, cmsUpdatedAt: string | null): Record<string, string> {
  const attrs: Record<string, string> = {
    [LIST_SORT_ATTRIBUTE]: `${h.updatedAt}#${h.id}`,
    byStatePK: `STATE#${h.stateCode}`,
    byStateStatusPK: `STATE#${h.stateCode}#${h.status}`,
  };
  if (cmsUpdatedAt !== null) {
    attrs[CMS_LIST_SORT_ATTRIBUTE] = `${cmsUpdatedAt}#${h.id}`;
    attrs.submittedPK = 'SUBMITTED';
    attrs.submittedByStatePK = `SUBMITTED#STATE#${h.stateCode}`;
    attrs.submittedByStatusPK = `SUBMITTED#STATUS#${h.status}`;
    attrs.submittedByStateStatusPK = `SUBMITTED#STATE#${h.stateCode}#${h.status}`;
  }
  if (h.reviewStatus !== null) {
    attrs.byStateReviewPK = byStateReviewPartition(h.stateCode, h.reviewStatus);
    if (cmsUpdatedAt !== null) {
      attrs.submittedByReviewPK = submittedByReviewPartition(h.reviewStatus);
      attrs.submittedByStateReviewPK = submittedByStateReviewPartition(h.stateCode, h.reviewStatus);
    }
  }
  return attrs;
}

/**
 * Rates (issue 13), each in its own partition: the head (`RATE`, sorts before `REV#`), one item
 * per revision (its documents inside) and one per withdrawal or undo, numbered from the oldest.
 * The head's sort key is not `HEAD`, so nothing that looks for package heads meets a rate.
 */
export const ratePk = (id: string) => `RATE#${id}`;
export const RATE_HEAD_SK = 'RATE';
export const rateHeadKey = (id: string) => ({ PK: ratePk(id), SK: RATE_HEAD_SK });
export const rateRevisionKey = (id: string, n: number) => ({ PK: ratePk(id), SK: revisionSk(n) });
export const RATE_WITHDRAWAL_SK_PREFIX = 'WITHDRAWAL#';
export const rateWithdrawalKey = (id: string, n: number) => ({
  PK: ratePk(id),
  SK: `${RATE_WITHDRAWAL_SK_PREFIX}${pad(n, 6)}`,
});

/** The per-state rate counter: a sequence of its own beside the package counter. */
export const rateCounterKey = (code: StateCode) => ({ PK: `STATE#${code}`, SK: 'RATECOUNTER' });
export const RATE_NUMBER_CLAIM_SK_PREFIX = 'RATENUMBER#';
/** One claim item per allocated rate number, as packages' `NUMBER#`. */
export const rateNumberClaimKey = (code: StateCode, n: number) => ({
  PK: `STATE#${code}`,
  SK: `${RATE_NUMBER_CLAIM_SK_PREFIX}${pad(n, 10)}`,
});
export const claimedRateNumber = (sk: string) => Number(sk.slice(RATE_NUMBER_CLAIM_SK_PREFIX.length));

/** The partition values of rates in the `submitted*` indexes: `RATES…`, never met by a package's `SUBMITTED…`. */
export const RATES_LIST_PARTITION = 'RATES';
export const ratesByStatePartition = (code: StateCode) => `RATES#STATE#${code}`;
export const ratesByStatusPartition = (status: string) => `RATES#STATUS#${status}`;
export const ratesByStateStatusPartition = (code: StateCode, status: string) =>
  `RATES#STATE#${code}#${status}`;

/**
 * The index attributes of a rate head once submitted (never-submitted rates are in no list):
 * the `submitted*` indexes, overloaded with `RATES…` partitions, sorted by `{updatedAt}#{id}`.
 */
export function rateIndexAttributes(r: {
  id: string;
  stateCode: StateCode;
  status: string;
  updatedAt: string;
}): Record<string, string> {
  return {
    [CMS_LIST_SORT_ATTRIBUTE]: `${r.updatedAt}#${r.id}`,
    submittedPK: RATES_LIST_PARTITION,
    submittedByStatePK: ratesByStatePartition(r.stateCode),
    submittedByStatusPK: ratesByStatusPartition(r.status),
    submittedByStateStatusPK: ratesByStateStatusPartition(r.stateCode, r.status),
  };
}
