/**
 * The rate use cases (issue 13): CMS's rate dashboard and a state's search for rates to link,
 * a rate's page, CMS withdrawing a rate from every package at once (and undoing that), and a
 * state linking a submitted rate to its draft or unlinking one. Each change is one graph change
 * (`Store.changeGraph`) running the domain's rate plan; who may and what is allowed is the plan's.
 * A rate another state's user asks for is a 404, as a package is.
 */

import type { GraphResult } from '../domain/index.js';
import {
  canView,
  canViewRate,
  currentRevision,
  type DisplayStatus,
  displayStatus,
  forbidden,
  hasErrorCode,
  invalidFields,
  isCmsLike,
  lastSubmittedRevision,
  notFound,
  type Package,
  planLinkRate,
  planUndoRateWithdrawal,
  planUnlinkRate,
  planWithdrawRate,
  type Question,
  type Rate,
  type RateRevision,
  type RateStatus,
  type RateSummary,
  rateNumberLabel,
  type StateCode,
  type User,
  unlessNotFound,
  withRatesOf,
} from '../domain/index.js';
import { type Clock, isoNow, systemClock } from '../lib/clock.js';
import type { ListOrder, Page, PageRequest, Store } from '../store/store.js';
import { filteredPage } from './filtered-page.js';
import { discardedKeys, type PackageService, type PackageView, ratesAfter } from './package-service.js';
import { shownRevisions } from './package-views.js';
import type { ReferenceData } from './reference-data.js';

export interface RateListQuery extends PageRequest {
  /** CMS: one state's rates; a state user: its own state only (the default). */
  stateCode?: StateCode;
  status?: RateStatus;
  programId?: string;
  /** Name or rate number contains this (case-insensitive). */
  q?: string;
  order?: ListOrder;
}

export type RateSummaryView = RateSummary & { rateNumber: string; name: string; parentPackageName: string };

/** A package carrying (or having carried) the rate, as the rate's page lists it. */
export interface RatePackageView {
  id: string;
  name: string;
  displayStatus: DisplayStatus;
  isParent: boolean;
  /** The rate revision its newest submitted revision carries, or null (not submitted with it). */
  rateRevision: number | null;
}

export type RateQuestionView = Question & { packageId: string; packageName: string };

export type RateView = Omit<Rate, 'revisions'> & {
  /** Newest first; CMS sees the submitted ones only. */
  revisions: RateRevision[];
  rateNumber: string;
  name: string;
  packages: RatePackageView[];
  /** The questions of its packages about this rate, newest first per package. */
  questions: RateQuestionView[];
};

export interface RateDecisionInput {
  expectedVersion: number;
  reason?: string | undefined;
}

export class RateService {
  private readonly clock: Clock;

  constructor(
    private readonly store: Store,
    private readonly reference: ReferenceData,
    private readonly packages: PackageService,
    options: { clock?: Clock } = {},
  ) {
    this.clock = options.clock ?? systemClock;
  }

  private now() {
    return isoNow(this.clock);
  }

  /** Submitted rates, newest first: CMS every state's (or one's), a state user its own. */
  async list(user: User, query: RateListQuery): Promise<Page<RateSummaryView>> {
    const { stateCode: asked, q, limit, cursor, ...filters } = query;
    if (user.role === 'STATE_USER' && asked && asked !== user.stateCode)
      throw invalidFields('state users list their own state only', [
        { path: 'stateCode', message: `must be ${user.stateCode} or left out` },
      ]);
    const stateCode = user.role === 'STATE_USER' ? user.stateCode : asked;
    if (filters.programId && stateCode) {
      const programState = await this.reference.stateOfProgram(filters.programId.toLowerCase());
      if (programState && programState !== stateCode)
        throw invalidFields('the program belongs to another state', [
          { path: 'programId', message: `is not a program of ${stateCode}` },
        ]);
    }
    const fetch = async (request: PageRequest) => {
      const page = await this.store.listRates({
        ...filters,
        ...(stateCode ? { stateCode } : {}),
        ...request,
      });
      return { ...page, items: await Promise.all(page.items.map((s) => this.named(s))) };
    };
    const needle = q?.trim().toLowerCase();
    const request = { ...(limit ? { limit } : {}), ...(cursor ? { cursor } : {}) };
    const page = needle
      ? await filteredPage(
          fetch,
          (r) => r.name.toLowerCase().includes(needle) || r.rateNumber.toLowerCase().includes(needle),
          request,
        )
      : await fetch(request);
    const parents = new Map<string, Promise<string>>();
    const parentName = (id: string) => {
      if (!parents.has(id)) parents.set(id, this.packages.views.parentName(id));
      return parents.get(id)!;
    };
    const items = await Promise.all(
      page.items.map(async (r) => ({ ...r, parentPackageName: await parentName(r.parentPackageId) })),
    );
    return { ...page, items };
  }

  private async named(s: RateSummary) {
    return {
      ...s,
      rateNumber: rateNumberLabel(s.stateCode, s.stateRateNumber),
      name: await this.packages.views.rateName(s.stateCode, s.shown.formData),
    };
  }

  /** The rate if the user may know it exists; otherwise 404, so nothing leaks across states. */
  private async visibleRate(user: User, id: string): Promise<Rate> {
    try {
      const rate = await this.store.getRate(id);
      if (canViewRate(user, rate)) return rate;
    } catch (e) {
      if (!hasErrorCode(e, 'NOT_FOUND')) throw e;
    }
    throw notFound('rate', id);
  }

  async get(user: User, id: string): Promise<RateView> {
    return this.view(user, await this.visibleRate(user, id));
  }

  private async view(user: User, rate: Rate): Promise<RateView> {
    const revisions = shownRevisions(user, rate.revisions);
    const shown = revisions[0] ?? rate.revisions[0]!;
    const ids = new Set([
      rate.parentPackageId,
      ...rate.packageIds,
      ...rate.withdrawals.flatMap((w) => w.packageIds),
    ]);
    const read = await Promise.all([...ids].map((id) => this.packageOrNothing(id)));
    const carriers = read.filter((p): p is Package => p !== undefined && canView(user, p));
    const named = await Promise.all(
      carriers.map(async (pkg) => ({ pkg, name: await this.nameFor(user, pkg) })),
    );
    return {
      ...rate,
      revisions,
      rateNumber: rateNumberLabel(rate.stateCode, rate.stateRateNumber),
      name: await this.packages.views.rateName(rate.stateCode, shown.formData),
      packages: named.map(({ pkg, name }) => ({
        id: pkg.id,
        name,
        displayStatus: displayStatus(pkg.status, pkg.reviewStatus),
        isParent: pkg.id === rate.parentPackageId,
        rateRevision:
          lastSubmittedRevision(pkg)?.rateLinks.find((l) => l.rateId === rate.id)?.rateRevision ?? null,
      })),
      questions: named.flatMap(({ pkg, name }) =>
        pkg.questions
          .filter((q) => q.rateId === rate.id)
          .map((q) => ({ ...q, packageId: pkg.id, packageName: name })),
      ),
    };
  }

  private packageOrNothing(id: string): Promise<Package | undefined> {
    return unlessNotFound(this.store.getPackage(id));
  }

  /** A package's name as this user sees it: a state user by its current form, CMS by its last submission. */
  private nameFor(user: User, pkg: Package) {
    const named =
      user.role === 'STATE_USER'
        ? currentRevision(pkg)
        : (lastSubmittedRevision(pkg) ?? currentRevision(pkg));
    return this.packages.views.nameOf(pkg, named.formData.programIds);
  }

  /**
   * CMS withdraws the rate from every package carrying it: each submitted one gets a new
   * submitted revision without it (its record written beside its files, as any submission's).
   */
  async withdraw(user: User, id: string, input: RateDecisionInput): Promise<RateView> {
    const rate = await this.visibleRate(user, id);
    if (!isCmsLike(user)) throw forbidden('only CMS users withdraw rates');
    const result = await this.store.changeGraph({ rateIds: [id], packageIds: rate.packageIds }, (graph) =>
      planWithdrawRate(graph, { user, at: this.now(), rateId: id, ...input }),
    );
    await this.recordSubmissions(result);
    return this.get(user, id);
  }

  /** CMS undoes the rate's withdrawal: the packages it was taken from carry it again. */
  async undoWithdrawal(user: User, id: string, input: RateDecisionInput): Promise<RateView> {
    const rate = await this.visibleRate(user, id);
    if (!isCmsLike(user)) throw forbidden('only CMS users undo the withdrawal of rates');
    const packageIds = rate.withdrawals[0]?.packageIds ?? [];
    const result = await this.store.changeGraph({ rateIds: [id], packageIds }, (graph) =>
      planUndoRateWithdrawal(graph, { user, at: this.now(), rateId: id, ...input }),
    );
    await this.recordSubmissions(result);
    return this.get(user, id);
  }

  /** The record of each new submitted revision the change gave a package. */
  private async recordSubmissions(result: GraphResult) {
    const rates = ratesAfter(result);
    for (const pkg of result.packages) {
      const before = result.before.packages.get(pkg.id);
      const newest = pkg.revisions[0]!;
      if (newest.submitInfo && before?.revisions[0]?.id !== newest.id)
        await this.packages.recordSubmission(pkg, rates);
    }
  }

  /** A state user links a submitted rate of its state to its draft (or unlocked package). */
  async link(user: User, packageId: string, rateId: string, expectedVersion: number): Promise<PackageView> {
    const result = await this.store.changeGraph(
      { packageIds: [packageId], rateIds: [rateId] },
      withRatesOf(packageId, (graph) =>
        planLinkRate(graph, { user, at: this.now(), packageId, rateId, expectedVersion }),
      ),
    );
    return this.packageAfter(user, packageId, result);
  }

  /** Takes a rate off the draft: a linked rate's link, or a never-submitted child rate (deleted, with its files). */
  async unlink(user: User, packageId: string, rateId: string, expectedVersion: number): Promise<PackageView> {
    const result = await this.store.changeGraph(
      { packageIds: [packageId], rateIds: [rateId] },
      withRatesOf(packageId, (graph) =>
        planUnlinkRate(graph, { user, at: this.now(), packageId, rateId, expectedVersion }),
      ),
    );
    await this.packages.deleteFiles(discardedKeys(result));
    return this.packageAfter(user, packageId, result);
  }

  private packageAfter(user: User, packageId: string, result: GraphResult) {
    const after = result.packages.find((p) => p.id === packageId) ?? result.before.packages.get(packageId)!;
    return this.packages.view(user, after, ratesAfter(result));
  }
}
