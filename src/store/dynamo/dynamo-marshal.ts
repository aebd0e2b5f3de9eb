/** Conversions between domain records and the items of the single table. */
import { isDeepStrictEqual } from 'node:util';
import {
  type ApiClient,
  cmsFacts,
  deriveReviewStatus,
  type FormData,
  openQuestionCount,
  type Package,
  type PackageDocument,
  type PackageSummary,
  type Question,
  type ReviewAction,
  type Revision,
  type State,
  type User,
  type UserAuditEvent,
  withDerivedStatuses,
} from '../../domain/index.js';
import type { AuditEvent } from '../store.js';
import {
  apiClientKey,
  auditKey,
  CMS_FACT_ATTRIBUTES,
  documentKey,
  HEAD_SK,
  headIndexAttributes,
  headKey,
  INDEX_ATTRIBUTES,
  questionKey,
  REVIEW_STATUS_ATTRIBUTE,
  reviewActionKey,
  revisionKey,
  stateKey,
  userAuditKey,
  userKey,
} from './dynamo-keys.js';

export type Item = Record<string, unknown>;

const KEY_ATTRIBUTES = new Set(['PK', 'SK', 'kind', ...INDEX_ATTRIBUTES]);

function withoutKeys(item: Item): Item {
  const out: Item = {};
  for (const [k, v] of Object.entries(item)) if (!KEY_ATTRIBUTES.has(k)) out[k] = v;
  return out;
}

export const stateToItem = (s: State): Item => ({ ...stateKey(s.code), kind: 'state', ...s });
export const itemToState = (i: Item): State => withoutKeys(i) as State;
export const userToItem = (u: User): Item => ({ ...userKey(u.id), kind: 'user', ...u });
/** The user alone: its session generation and version (see dynamo-users.ts) are not part of the domain record. */
export function itemToUser(i: Item): User {
  const { sessionGeneration: _generation, userVersion: _version, ...user } = withoutKeys(i);
  return user as User;
}

export const apiClientToItem = (c: ApiClient): Item => ({ ...apiClientKey(c.id), kind: 'api-client', ...c });
export const itemToApiClient = (i: Item): ApiClient => withoutKeys(i) as unknown as ApiClient;

export const userAuditToItem = (e: UserAuditEvent): Item => ({
  ...userAuditKey(e.at, e.id),
  kind: 'user-audit',
  ...e,
});
export const itemToUserAudit = (i: Item): UserAuditEvent => withoutKeys(i) as unknown as UserAuditEvent;

export function headToItem(pkg: Package): Item {
  const current = pkg.revisions[0]!;
  // CMS's lists read these, never the current revision's, so an unlocked draft stays private.
  const cms = cmsFacts(pkg);
  // Derived from the revisions and actions, never taken from the record handed in (an import's).
  const reviewStatus = deriveReviewStatus({
    revisions: pkg.revisions,
    reviewActions: pkg.reviewActions ?? [],
  });
  return {
    ...headKey(pkg.id),
    kind: 'head',
    id: pkg.id,
    stateCode: pkg.stateCode,
    stateNumber: pkg.stateNumber,
    status: pkg.status,
    version: pkg.version,
    createdAt: pkg.createdAt,
    updatedAt: pkg.updatedAt,
    ...(pkg.initiallySubmittedAt ? { initiallySubmittedAt: pkg.initiallySubmittedAt } : {}),
    revisionCount: pkg.revisions.length,
    currentRevisionNumber: current.number,
    submissionType: current.formData.submissionType,
    programIds: current.formData.programIds,
    // The lists' badge; the questions themselves are their own items.
    openQuestions: openQuestionCount(pkg.questions),
    ...(reviewStatus ? { [REVIEW_STATUS_ATTRIBUTE]: reviewStatus } : {}),
    ...(cms
      ? {
          [CMS_FACT_ATTRIBUTES.updatedAt]: cms.updatedAt,
          [CMS_FACT_ATTRIBUTES.revisionCount]: cms.revisionCount,
          [CMS_FACT_ATTRIBUTES.submissionType]: cms.submissionType,
          [CMS_FACT_ATTRIBUTES.programIds]: cms.programIds,
        }
      : {}),
    ...headIndexAttributes({ ...pkg, reviewStatus }, cms?.updatedAt ?? null),
  };
}

/** A head item of CMS's indexes as CMS sees it: the facts of the last submission. */
export function itemToCmsSummary(i: Item): PackageSummary {
  const summary = itemToSummary(i);
  summary.updatedAt = i[CMS_FACT_ATTRIBUTES.updatedAt] as string;
  summary.revisionCount = i[CMS_FACT_ATTRIBUTES.revisionCount] as number;
  summary.submissionType = i[CMS_FACT_ATTRIBUTES.submissionType] as PackageSummary['submissionType'];
  summary.programIds = (i[CMS_FACT_ATTRIBUTES.programIds] as string[] | undefined) ?? [];
  return summary;
}

export function itemToSummary(i: Item): PackageSummary {
  return {
    id: i.id as string,
    stateCode: i.stateCode as string,
    stateNumber: i.stateNumber as number,
    status: i.status as PackageSummary['status'],
    version: i.version as number,
    createdAt: i.createdAt as string,
    updatedAt: i.updatedAt as string,
    initiallySubmittedAt: (i.initiallySubmittedAt as string | undefined) ?? null,
    revisionCount: i.revisionCount as number,
    submissionType: i.submissionType as PackageSummary['submissionType'],
    programIds: (i.programIds as string[]) ?? [],
    // A head written before questions existed has none open.
    openQuestions: (i.openQuestions as number | undefined) ?? 0,
    // A head written before reviews existed has no review status: submitted means under review.
    reviewStatus:
      (i.reviewStatus as PackageSummary['reviewStatus'] | undefined) ??
      (i.initiallySubmittedAt ? 'UNDER_REVIEW' : null),
  };
}

/**
 * A revision's item. `documentsOf`: the number of an earlier submitted revision of the package
 * whose documents this one has, exactly: they are read from there, not written again.
 */
export function revisionToItem(packageId: string, r: Revision, documentsOf?: number): Item {
  return {
    ...revisionKey(packageId, r.number),
    kind: 'revision',
    id: r.id,
    number: r.number,
    createdAt: r.createdAt,
    formData: r.formData,
    ...(r.submitInfo ? { submitInfo: r.submitInfo } : {}),
    ...(r.unlockInfo ? { unlockInfo: r.unlockInfo } : {}),
    ...(r.rateLinks.length > 0 ? { rateLinks: r.rateLinks } : {}),
    ...(documentsOf !== undefined ? { documentsOf } : {}),
  };
}

/**
 * The earlier revision a SUBMITTED revision may take its documents from: the newest submitted
 * one of `stored` older than it with exactly the same documents. Both are frozen forever and
 * deleted only with their package, so the reference never dangles; a draft revision (edited
 * document by document) always holds its own.
 */
export function documentsLender(stored: readonly Revision[], rev: Revision): number | undefined {
  if (rev.submitInfo === null || rev.documents.length === 0) return undefined;
  return stored.find(
    (r) => r.number < rev.number && r.submitInfo !== null && isDeepStrictEqual(r.documents, rev.documents),
  )?.number;
}

export function documentToItem(
  packageId: string,
  revisionNumber: number,
  d: PackageDocument,
  position: number,
): Item {
  return {
    ...documentKey(packageId, revisionNumber, d.id),
    kind: 'document',
    revisionNumber,
    position,
    ...d,
  };
}

function documentFromItem(i: Item): PackageDocument {
  const { revisionNumber: _r, position: _p, ...doc } = withoutKeys(i);
  return doc as PackageDocument;
}

/**
 * One review action of a package. `n` numbers a package's actions from its oldest (1), so the
 * items are never rewritten: a new action is a new item.
 */
export function reviewActionToItem(packageId: string, action: ReviewAction, n: number): Item {
  return { ...reviewActionKey(packageId, n), kind: 'review', ...action };
}

/** The items of a package's review actions (newest first, as the domain keeps them). */
export function reviewActionItems(pkg: Pick<Package, 'id' | 'reviewActions'>): Item[] {
  const actions = pkg.reviewActions ?? [];
  return actions.map((a, i) => reviewActionToItem(pkg.id, a, actions.length - i));
}

const itemToReviewAction = (i: Item): ReviewAction => withoutKeys(i) as ReviewAction;

/**
 * One question of a package with its documents and, once given, its response. `n` is the
 * question's position from the package's oldest (1): asking adds an item, responding rewrites
 * that one item, and nothing else ever changes it.
 */
export function questionToItem(packageId: string, question: Question, n: number): Item {
  return { ...questionKey(packageId, n), kind: 'question', ...question };
}

/** The items of a package's questions (newest first, as the domain keeps them). */
export function questionItems(pkg: Pick<Package, 'id' | 'questions'>): Item[] {
  return pkg.questions.map((q, i) => questionToItem(pkg.id, q, pkg.questions.length - i));
}

const itemToQuestion = (i: Item): Question => withoutKeys(i) as Question;

/** Items of one kind, newest (highest sort key) first. */
const newestFirst = (items: readonly Item[], kind: string) =>
  items.filter((i) => i.kind === kind).sort((a, b) => (String(a.SK) < String(b.SK) ? 1 : -1));

/** Rebuilds a package from its head, revision, document, review action and question items (in any order). */
export function itemsToPackage(items: readonly Item[]): Package | undefined {
  const head = items.find((i) => i.SK === HEAD_SK);
  if (!head) return undefined;
  const docsByRevision = new Map<number, Item[]>();
  for (const i of items) {
    if (i.kind !== 'document') continue;
    const n = i.revisionNumber as number;
    const list = docsByRevision.get(n);
    if (list) list.push(i);
    else docsByRevision.set(n, [i]);
  }
  const revisionItems = items.filter((i) => i.kind === 'revision');
  const lenders = new Map(
    revisionItems.map((i) => [i.number as number, i.documentsOf as number | undefined]),
  );
  /** The revision holding the document items (following `documentsOf`, always to older revisions). */
  const holder = (n: number): number => {
    const lender = lenders.get(n);
    return lender === undefined || lender >= n ? n : holder(lender);
  };
  const revisions: Revision[] = revisionItems
    .map((i) => ({
      id: i.id as string,
      number: i.number as number,
      createdAt: i.createdAt as string,
      formData: i.formData as FormData,
      documents: (docsByRevision.get(holder(i.number as number)) ?? [])
        .sort((a, b) => (a.position as number) - (b.position as number))
        .map(documentFromItem),
      submitInfo: (i.submitInfo as Revision['submitInfo']) ?? null,
      unlockInfo: (i.unlockInfo as Revision['unlockInfo']) ?? null,
      rateLinks: (i.rateLinks as Revision['rateLinks'] | undefined) ?? [],
    }))
    .sort((a, b) => b.number - a.number);
  const { revisionCount: _c, submissionType: _s, programIds: _p, ...summary } = itemToSummary(head);
  const reviewActions = newestFirst(items, 'review').map(itemToReviewAction);
  const questions = newestFirst(items, 'question').map(itemToQuestion);
  // The head's count is for the lists; the package counts its questions itself.
  const { openQuestions: _o, ...fields } = summary;
  return withDerivedStatuses({ ...fields, revisions, reviewActions, questions });
}

export const auditToItem = (e: AuditEvent): Item => ({
  ...auditKey(e.packageId, e.at, e.id),
  kind: 'audit',
  ...e,
});
export const itemToAudit = (i: Item): AuditEvent => withoutKeys(i) as unknown as AuditEvent;
