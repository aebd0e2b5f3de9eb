/**
 * The package use cases: who may do what (domain/access), which rules apply
 * (domain/validate-submit), then one store call. HTTP-free, so the API and the CLI share it.
 */
import {
  assertStatePrograms,
  type DisplayStatus,
  type DocumentChange,
  displayStatus,
  type FormData,
  type GraphChange,
  type GraphNeeds,
  type GraphResult,
  invalidFields,
  type Package,
  type PackageStatus,
  type PackageSummary,
  planApprove,
  planCreate,
  planDeletePackage,
  planSaveDraft,
  planSubmitPackage,
  planUndoApproval,
  planUndoPackageWithdrawal,
  planUndoUnlockPackage,
  planUnlockPackage,
  planWithdrawPackage,
  type Rate,
  type RateGraph,
  type ReviewStatus,
  type StateCode,
  type User,
  withRatesOf,
} from '../domain/index.js';
import type { FileStore } from '../files/file-store.js';
import { type Clock, isoNow, systemClock } from '../lib/clock.js';
import { type LifecycleEventType, type Notifier, packageEvent } from '../notify/index.js';
import type { AuditEvent, ListOrder, Page, PageRequest, Store } from '../store/store.js';
import { visibleEvents, visiblePackage } from './access.js';
import { filteredPage } from './filtered-page.js';
import { decisionKey, packageHeading, revisionRecord, snapshotKey, writeOnce } from './package-record.js';
import { type PackageView, PackageViews } from './package-views.js';
import type { ReferenceData } from './reference-data.js';
import { stateAnalysts } from './user-admin-service.js';

export type PackageSummaryView = PackageSummary & {
  name: string;
  /** What the user is shown: Approved or Withdrawn outrank Submitted/Resubmitted (domain displayStatus). */
  displayStatus: DisplayStatus;
};

export type { PackageView, RateLinkView, RevisionView } from './package-views.js';

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
  /** `YYYY-MM-DD`: only packages last updated (CMS: as CMS dates them) on or after / before this UTC day. */
  updatedFrom?: string;
  updatedTo?: string;
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
  readonly views: PackageViews;

  constructor(
    private readonly store: Store,
    private readonly reference: ReferenceData,
    private readonly effects: PackageEffects = {},
  ) {
    this.views = new PackageViews(store, reference);
  }

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
        name: await this.views.nameOf(s, s.programIds),
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

  /**
   * A new draft holds form data only: documents are recorded by uploading them to it. Rate
   * certifications in the form become its child rates, saved right after it is created (so the
   * draft answers at version 2); everything is checked before the draft is created.
   */
  async create(user: User, input: { formData: FormData }, id: string) {
    const programs = await this.ownPrograms(user);
    const { rateCertifications, ...form } = input.formData;
    const plan = planCreate({
      user,
      at: this.now(),
      id,
      formData: { ...form, rateCertifications: [] },
      programs,
    });
    if (rateCertifications.length > 0) assertStatePrograms(plan.stateCode, input.formData, programs);
    const created = await this.store.createPackage(plan);
    if (rateCertifications.length === 0) return this.views.view(user, created);
    return this.update(user, id, created.version, { formData: input.formData });
  }

  async get(user: User, id: string): Promise<PackageView> {
    return this.view(user, await this.visible(user, id));
  }

  /*
   * Each change below is one graph change: the store reads the package with its rates, runs the
   * domain's plan on them, and writes the package and the rates it changed together.
   */

  /** Runs a plan over the package and its rates; the package after (null: deleted) and every rate around it. */
  private async change(id: string, plan: (graph: RateGraph) => GraphChange | GraphNeeds) {
    const result = await this.store.changeGraph({ packageIds: [id] }, withRatesOf(id, plan));
    const before = result.before.packages.get(id)!;
    const after =
      result.packages.find((p) => p.id === id) ?? (result.deletedPackageIds.includes(id) ? null : before);
    return { result, before, after, rates: ratesAfter(result) };
  }

  /** Saves the editor's form and documents: the package and its child rates together (domain planSaveDraft). */
  async update(user: User, id: string, expectedVersion: number, changes: DraftChanges) {
    const programs = await this.ownPrograms(user);
    const { result, after, rates } = await this.change(id, (graph) =>
      planSaveDraft(graph, { user, at: this.now(), packageId: id, expectedVersion, programs, ...changes }),
    );
    await this.deleteFiles(discardedKeys(result));
    return this.view(user, after!, rates);
  }

  async remove(user: User, id: string, expectedVersion: number): Promise<void> {
    const { result } = await this.change(id, (graph) =>
      planDeletePackage(graph, { user, at: this.now(), packageId: id, expectedVersion }),
    );
    await this.deleteFiles(discardedKeys(result));
  }

  /** Deletes these files, best effort: a failure is logged, never raised (the change is committed). */
  async deleteFiles(keys: readonly string[]) {
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
    const { after, rates } = await this.change(id, (graph) =>
      planSubmitPackage(graph, { user, at: this.now(), packageId: id, expectedVersion, programs }),
    );
    await this.announce('SUBMIT', after!, rates);
    return this.view(user, after!, rates);
  }

  async resubmit(user: User, id: string, expectedVersion: number, reason: string) {
    const programs = await this.ownPrograms(user);
    const { after, rates } = await this.change(id, (graph) =>
      planSubmitPackage(graph, { user, at: this.now(), packageId: id, expectedVersion, programs, reason }),
    );
    await this.announce('RESUBMIT', after!, rates);
    return this.view(user, after!, rates);
  }

  async unlock(user: User, id: string, expectedVersion: number, reason: string) {
    const { after, rates } = await this.change(id, (graph) =>
      planUnlockPackage(graph, { user, at: this.now(), packageId: id, expectedVersion, reason }),
    );
    await this.announce('UNLOCK', after!, rates);
    return this.view(user, after!, rates);
  }

  /*
   * CMS's review decisions: each is the domain's plan, bound to the server's clock, run by the
   * store under its version guard; then the emails, which can neither fail nor undo it. An
   * approval touches no rate; a withdrawal (and its undoing) does.
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

  /** Its child rates no other package carries are withdrawn with it; the others get a new parent. */
  async withdraw(user: User, id: string, input: ReviewInput) {
    const { after, rates } = await this.change(id, (graph) =>
      planWithdrawPackage(graph, { user, at: this.now(), packageId: id, ...input }),
    );
    await this.announce('WITHDRAW', after!, rates);
    return this.view(user, after!, rates);
  }

  async undoWithdrawal(user: User, id: string, input: ReviewInput) {
    const { after, rates } = await this.change(id, (graph) =>
      planUndoPackageWithdrawal(graph, { user, at: this.now(), packageId: id, ...input }),
    );
    await this.announce('UNDO_WITHDRAWAL', after!, rates);
    return this.view(user, after!, rates);
  }

  /**
   * The last submitted revision is current again; the state's unsubmitted draft (and its child
   * rates' unlocked revisions) go, and with them (once that is written) the files only they held.
   */
  async undoUnlock(user: User, id: string, input: ReviewInput) {
    const { result, after, rates } = await this.change(id, (graph) =>
      planUndoUnlockPackage(graph, { user, at: this.now(), packageId: id, ...input }),
    );
    await this.deleteFiles(discardedKeys(result));
    await this.announce('UNDO_UNLOCK', after!, rates);
    return this.view(user, after!, rates);
  }

  /** A state user's programs; nobody else authors, and the plan refuses them before using these. */
  private async ownPrograms(user: User) {
    return user.role === 'STATE_USER' ? this.programsOf(user.stateCode) : [];
  }

  /**
   * After a submission: an immutable JSON snapshot of the submitted revision (projected: its
   * rates in the form and documents, as CMS received it) beside its files, so the record survives
   * without the database; then (after any action that mails) the emails. Neither may undo or
   * fail the action, which is already committed.
   */
  async announce(type: LifecycleEventType, pkg: Package, rates: readonly Rate[] = []) {
    try {
      await this.snapshotAndNotify(type, (await this.views.project(pkg, rates)) as Package);
    } catch (e) {
      this.effects.log?.error({ err: e, packageId: pkg.id, type }, 'after-action effects failed');
    }
  }

  /** The snapshot of a revision a rate withdrawal (or its undoing) submitted on CMS's behalf; no email. */
  async recordSubmission(pkg: Package, rates: readonly Rate[] = []) {
    try {
      const projected = (await this.views.project(pkg, rates)) as Package;
      await this.writeSnapshot(projected);
    } catch (e) {
      this.effects.log?.error({ err: e, packageId: pkg.id }, 'could not record the submission');
    }
  }

  private async writeSnapshot(pkg: Package) {
    const revision = pkg.revisions[0]!;
    const { name, head } = await packageHeading(this.reference, pkg);
    await writeOnce(this.effects, snapshotKey(pkg.id, revision.number), revisionRecord(name, head, revision));
  }

  private async snapshotAndNotify(type: LifecycleEventType, pkg: Package) {
    const { notifier } = this.effects;
    const { programs, name, head } = await packageHeading(this.reference, pkg);
    if (type === 'SUBMIT' || type === 'RESUBMIT') {
      await this.writeSnapshot(pkg);
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
    if (!notifier) return;
    const analysts = await stateAnalysts(this.store, pkg.stateCode, this.effects.log);
    notifier.notify({ ...packageEvent(type, pkg, programs), analysts });
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

  /** The package as the user may see it, its revisions projected with their rates. */
  view(user: User, pkg: Package, rates: readonly Rate[] = []): Promise<PackageView> {
    return this.views.view(user, pkg, rates);
  }
}

/** Every rate a graph change leaves: those it wrote, and those it read and left as they were. */
export function ratesAfter(result: GraphResult): Rate[] {
  const written = new Map(result.rates.map((r) => [r.id, r]));
  for (const [id, rate] of result.before.rates)
    if (!written.has(id) && !result.deletedRateIds.includes(id)) written.set(id, rate);
  return [...written.values()];
}

/** Every file key the records hold: each revision's documents of packages and rates. */
function keysOf(records: Iterable<{ revisions: readonly { documents: readonly { key: string }[] }[] }>) {
  return new Set([...records].flatMap((r) => r.revisions.flatMap((v) => v.documents.map((d) => d.key))));
}

/**
 * Files a graph change dropped that no record it leaves still names: safe to delete once it is
 * written. A file a submitted revision holds (package or rate) is never among them.
 */
export function discardedKeys(result: GraphResult): string[] {
  const before = keysOf([...result.before.packages.values(), ...result.before.rates.values()]);
  const packagesAfter = new Map(result.packages.map((p) => [p.id, p]));
  for (const [id, pkg] of result.before.packages)
    if (!packagesAfter.has(id) && !result.deletedPackageIds.includes(id)) packagesAfter.set(id, pkg);
  const after = keysOf([...packagesAfter.values(), ...ratesAfter(result)]);
  return [...before].filter((k) => !after.has(k));
}
