/**
 * The package use cases: who may do what (domain/access), which rules apply
 * (domain/validate-submit), then one store call. HTTP-free, so the API and the CLI share it.
 */
import {
  type ActionInfo,
  cmsFacts,
  currentRevision,
  type DisplayStatus,
  type DocumentChange,
  discardedFileKeys,
  displayStatus,
  type FormData,
  invalidFields,
  type Package,
  type PackageDocument,
  type PackageStatus,
  type PackageSummary,
  packageName,
  planApprove,
  planCreate,
  planDelete,
  planResubmit,
  planSubmit,
  planUndoApproval,
  planUndoUnlock,
  planUndoWithdrawal,
  planUnlock,
  planUpdate,
  planWithdraw,
  type ReviewStatus,
  type Revision,
  type StateCode,
  type User,
} from '../domain/index.js';
import type { FileStore } from '../files/file-store.js';
import { type Clock, isoNow, systemClock } from '../lib/clock.js';
import { type LifecycleEventType, type Notifier, packageEvent } from '../notify/index.js';
import type { AuditEvent, ListOrder, Page, PageRequest, Store } from '../store/store.js';
import { visibleEvents, visiblePackage, visibleRevisions } from './access.js';
import { filteredPage } from './filtered-page.js';
import { decisionKey, packageHeading, snapshotKey, writeOnce } from './package-record.js';
import type { ReferenceData } from './reference-data.js';

export type PackageSummaryView = PackageSummary & {
  name: string;
  /** What the user is shown: Approved or Withdrawn outrank Submitted/Resubmitted (domain displayStatus). */
  displayStatus: DisplayStatus;
};

export type PackageView = Omit<Package, 'revisions'> & {
  name: string;
  /** What the user is shown: Approved or Withdrawn outrank Submitted/Resubmitted (domain displayStatus). */
  displayStatus: DisplayStatus;
  /** Newest first. CMS sees only submitted revisions, never a state's work in progress. */
  revisions: Revision[];
  /** Why CMS sent the package back, while it is unlocked. */
  unlockInfo: ActionInfo | null;
};

export interface ListQuery extends PageRequest {
  status?: PackageStatus;
  /** Only packages with this review status (never-submitted drafts have none). */
  reviewStatus?: ReviewStatus;
  /** CMS only: one state's packages. */
  stateCode?: StateCode;
  /** Only packages whose current revision names this program (for CMS: the last submitted one). */
  programId?: string;
  /** `newest` (default): most recently updated first; `oldest`: the reverse. */
  order?: ListOrder;
}

/** A CMS decision: the version it was made on, and why (an approval by a CMS reviewer may leave it out). */
export interface ReviewInput {
  expectedVersion: number;
  reason?: string | undefined;
}

export interface ApproveInput extends ReviewInput {
  /** `YYYY-MM-DD`, not after today: when the approval was released to the state. */
  releasedOn: string;
}

export interface DraftChanges {
  formData?: FormData;
  /** The recorded documents to keep, by id, renamed or re-categorised; see `applyDocumentChanges`. */
  documents?: DocumentChange[];
}

/** What happens beside the store when a package is submitted, unlocked or resubmitted. */
export interface PackageEffects {
  files?: FileStore;
  notifier?: Notifier;
  log?: { error(details: object, message: string): void };
  /** The server's clock (tests inject one). */
  clock?: Clock;
}

export { decisionKey, snapshotKey } from './package-record.js';

export class PackageService {
  constructor(
    private readonly store: Store,
    private readonly reference: ReferenceData,
    private readonly effects: PackageEffects = {},
  ) {}

  /**
   * A program filter must fit the list: a known program of another state than the one listed is
   * a VALIDATION_FAILED on `programId`. An unknown program (perhaps since removed from the
   * reference data, still named by old packages) is simply filtered on. A CMS list by program
   * without a state reads only the program's state, where every package naming it lives.
   */
  async list(user: User, query: ListQuery): Promise<Page<PackageSummaryView>> {
    const { stateCode, ...rest } = query;
    const programState = rest.programId
      ? await this.reference.stateOfProgram(rest.programId.toLowerCase())
      : undefined;
    const wrongProgram = (listed: StateCode) =>
      invalidFields('the program belongs to another state', [
        { path: 'programId', message: `is not a program of ${listed}` },
      ]);
    let page: Page<PackageSummary>;
    if (user.role === 'STATE_USER') {
      if (stateCode && stateCode !== user.stateCode) {
        throw invalidFields('state users list their own state only', [
          { path: 'stateCode', message: `must be ${user.stateCode} or left out` },
        ]);
      }
      if (programState && programState !== user.stateCode) throw wrongProgram(user.stateCode);
      page = await this.store.listByState(user.stateCode, rest);
    } else {
      if (stateCode && programState && programState !== stateCode) throw wrongProgram(stateCode);
      const inState = stateCode ?? programState;
      page = await this.store.listSubmitted(inState ? { ...rest, stateCode: inState } : rest);
    }
    const items = await Promise.all(
      page.items.map(async (s) => ({
        ...s,
        name: await this.nameOf(s, s.programIds),
        displayStatus: displayStatus(s.status, s.reviewStatus),
      })),
    );
    return { ...page, items };
  }

  /** The server's time, as every record carries it. */
  private now(): string {
    return isoNow(this.effects.clock ?? systemClock);
  }

  /** The programs of a state, which its forms may name (reference data, kept in memory). */
  private async programsOf(stateCode: StateCode) {
    return (await this.reference.state(stateCode))?.programs ?? [];
  }

  /** A new draft holds form data only: documents are recorded by uploading them to it. */
  async create(user: User, input: { formData: FormData }, id: string) {
    const programs = await this.ownPrograms(user);
    const plan = planCreate({ user, at: this.now(), id, formData: input.formData, programs });
    return this.view(user, await this.store.createPackage(plan));
  }

  async get(user: User, id: string): Promise<PackageView> {
    return this.view(user, await this.visible(user, id));
  }

  /*
   * Each change below is one store read: the store runs the domain's plan on the package as it
   * reads it, and the plan decides everything (who may, status, version, content).
   */

  async update(user: User, id: string, expectedVersion: number, changes: DraftChanges) {
    const programs = await this.ownPrograms(user);
    const { before, after } = await this.store.changePackage(id, (pkg) =>
      planUpdate(pkg, { user, at: this.now(), expectedVersion, programs, ...changes }),
    );
    await this.deleteUnreferencedFiles(currentRevision(before).documents, after.revisions);
    return this.view(user, after);
  }

  async remove(user: User, id: string, expectedVersion: number): Promise<void> {
    const { before } = await this.store.changePackage(id, (pkg) =>
      planDelete(pkg, { user, at: this.now(), expectedVersion }),
    );
    await this.deleteUnreferencedFiles(currentRevision(before).documents, []);
  }

  /**
   * Deletes the files of `dropped` documents that no revision in `kept` references. A file a
   * submitted revision holds is never deleted. Best effort: the change is already committed,
   * and a file left behind loses nothing.
   */
  private async deleteUnreferencedFiles(dropped: readonly PackageDocument[], kept: readonly Revision[]) {
    const inUse = new Set(kept.flatMap((r) => r.documents.map((d) => d.key)));
    await this.deleteFiles(dropped.map((d) => d.key).filter((key) => !inUse.has(key)));
  }

  /** Deletes these files, best effort: a failure is logged, never raised (the change is committed). */
  private async deleteFiles(keys: readonly string[]) {
    const { files, log } = this.effects;
    if (!files) return;
    for (const key of keys) {
      await files.delete(key).catch((err: unknown) => {
        log?.error({ err, key }, 'could not delete the file of a removed document');
      });
    }
  }

  async submit(user: User, id: string, expectedVersion: number) {
    const programs = await this.ownPrograms(user);
    const { after } = await this.store.changePackage(id, (pkg) =>
      planSubmit(pkg, { user, at: this.now(), expectedVersion, programs }),
    );
    await this.announce('SUBMIT', after);
    return this.view(user, after);
  }

  async resubmit(user: User, id: string, expectedVersion: number, reason: string) {
    const programs = await this.ownPrograms(user);
    const { after } = await this.store.changePackage(id, (pkg) =>
      planResubmit(pkg, { user, at: this.now(), expectedVersion, programs, reason }),
    );
    await this.announce('RESUBMIT', after);
    return this.view(user, after);
  }

  async unlock(user: User, id: string, expectedVersion: number, reason: string) {
    const { after } = await this.store.changePackage(id, (pkg) =>
      planUnlock(pkg, { user, at: this.now(), expectedVersion, reason }),
    );
    await this.announce('UNLOCK', after);
    return this.view(user, after);
  }

  /*
   * CMS's review decisions: each is the domain's plan, bound to the server's clock, run by the
   * store under its version guard; then the emails, which can neither fail nor undo it.
   */

  async approve(user: User, id: string, input: ApproveInput) {
    const { after } = await this.store.changePackage(id, (pkg) =>
      planApprove(pkg, { user, at: this.now(), ...input }),
    );
    await this.announce('APPROVE', after);
    return this.view(user, after);
  }

  /** Back under review; the state, told of the approval, is told it no longer holds. */
  async undoApproval(user: User, id: string, input: ReviewInput) {
    const { after } = await this.store.changePackage(id, (pkg) =>
      planUndoApproval(pkg, { user, at: this.now(), ...input }),
    );
    await this.announce('UNDO_APPROVAL', after);
    return this.view(user, after);
  }

  async withdraw(user: User, id: string, input: ReviewInput) {
    const { after } = await this.store.changePackage(id, (pkg) =>
      planWithdraw(pkg, { user, at: this.now(), ...input }),
    );
    await this.announce('WITHDRAW', after);
    return this.view(user, after);
  }

  async undoWithdrawal(user: User, id: string, input: ReviewInput) {
    const { after } = await this.store.changePackage(id, (pkg) =>
      planUndoWithdrawal(pkg, { user, at: this.now(), ...input }),
    );
    await this.announce('UNDO_WITHDRAWAL', after);
    return this.view(user, after);
  }

  /**
   * The last submitted revision is current again; the state's unsubmitted draft goes, and with
   * it (once that is written) the files only the draft held.
   */
  async undoUnlock(user: User, id: string, input: ReviewInput) {
    const { before, after } = await this.store.changePackage(id, (pkg) =>
      planUndoUnlock(pkg, { user, at: this.now(), ...input }),
    );
    await this.deleteFiles(discardedFileKeys(before, after));
    await this.announce('UNDO_UNLOCK', after);
    return this.view(user, after);
  }

  /** A state user's programs; nobody else authors, and the plan refuses them before using these. */
  private async ownPrograms(user: User) {
    return user.role === 'STATE_USER' ? this.programsOf(user.stateCode) : [];
  }

  /**
   * After a submission: an immutable JSON snapshot of the submitted revision beside its files,
   * so the record survives without the database; then (after any action that mails) the emails.
   * Neither may undo or fail the action, which is already committed.
   */
  private async announce(type: LifecycleEventType, pkg: Package) {
    try {
      await this.snapshotAndNotify(type, pkg);
    } catch (e) {
      this.effects.log?.error({ err: e, packageId: pkg.id, type }, 'after-action effects failed');
    }
  }

  private async snapshotAndNotify(type: LifecycleEventType, pkg: Package) {
    const { notifier } = this.effects;
    const revision = pkg.revisions[0]!;
    const { programs, name, head } = await packageHeading(this.reference, pkg);
    if (type === 'SUBMIT' || type === 'RESUBMIT') {
      await writeOnce(this.effects, snapshotKey(pkg.id, revision.number), {
        format: 'carepack-submission',
        version: 1,
        name,
        package: head,
        revision,
      });
    } else if (type !== 'UNLOCK') {
      // A review decision is part of the record too: the newest action, with the status it made.
      const decision = pkg.reviewActions[0]!;
      await writeOnce(this.effects, decisionKey(pkg.id, pkg.reviewActions.length), {
        format: 'carepack-review-decision',
        version: 1,
        name,
        package: { ...head, reviewStatus: pkg.reviewStatus },
        decision,
      });
    }
    notifier?.notify(packageEvent(type, pkg, programs));
  }

  /** The audit trail, oldest first; CMS does not see a state's work on an unlocked package. */
  async history(user: User, id: string, page: PageRequest): Promise<Page<AuditEvent>> {
    const pkg = await this.visible(user, id);
    const keep = visibleEvents(user, pkg);
    if (!keep) return this.store.listAudit(id, page);
    return filteredPage((request) => this.store.listAudit(id, request), keep, page);
  }

  private visible(user: User, id: string): Promise<Package> {
    return visiblePackage(this.store, user, id);
  }

  private async nameOf(pkg: { stateCode: StateCode; stateNumber: number }, programIds: readonly string[]) {
    return packageName(pkg.stateCode, await this.reference.programsByIds(programIds), pkg.stateNumber);
  }

  /**
   * The package as the user may see it. CMS sees the submitted revisions, named and dated by the
   * last submission (or the unlock since), never the state's work on an unlocked draft.
   */
  private async view(user: User, pkg: Package): Promise<PackageView> {
    const revisions = visibleRevisions(user, pkg);
    const shown = revisions[0] ?? currentRevision(pkg);
    const newest = currentRevision(pkg);
    const cms = user.role === 'STATE_USER' ? null : cmsFacts(pkg);
    return {
      ...pkg,
      ...(cms ? { updatedAt: cms.updatedAt } : {}),
      revisions,
      name: await this.nameOf(pkg, shown.formData.programIds),
      displayStatus: displayStatus(pkg.status, pkg.reviewStatus),
      unlockInfo: pkg.status === 'UNLOCKED' ? newest.unlockInfo : null,
    };
  }
}
