/**
 * A package as users see it: each revision PROJECTED with the rates it carries (domain
 * rate-projection.ts) — the form and documents as the editor, the review page, the questions and
 * the records have always read them — plus what the page says about each rate (`rates`), and
 * the package's name and display status. Shared by the package, rate and document services.
 */
import {
  type ActionInfo,
  cmsFacts,
  currentRevision,
  type DisplayStatus,
  displayStatus,
  everLinkedRateIds,
  hasErrorCode,
  lastSubmittedRevision,
  MAX_GRAPH_RATES,
  type Package,
  type ProjectedPackage,
  type ProjectedRevision,
  packageName,
  projectPackage,
  type Rate,
  type RateLinkFacts,
  type RateStatus,
  type Revision,
  rateCertificationName,
  type StateCode,
  type User,
} from '../domain/index.js';
import type { Store } from '../store/store.js';
import type { ReferenceData } from './reference-data.js';

/** What a package revision's page says about one rate it carries. */
export interface RateLinkView {
  rateId: string;
  /** e.g. `MN-RATE-0003`. */
  rateNumber: string;
  /** The rate certification's name (domain `rateCertificationName`) of the revision shown. */
  name: string;
  parentPackageId: string;
  parentPackageName: string;
  /** This package is the rate's parent: it edits the rate; others only link it. */
  isChild: boolean;
  /** The rate's status now. */
  status: RateStatus;
  /** The rate revision this package revision shows. */
  rateRevision: number;
  /** The rate's newest submitted revision; greater than `rateRevision`: a newer one exists. */
  latestSubmittedRevision: number | null;
}

export type RevisionView = Revision & { rates: RateLinkView[] };

export type PackageView = Omit<Package, 'revisions'> & {
  name: string;
  /** What the user is shown: Approved or Withdrawn outrank Submitted/Resubmitted (domain displayStatus). */
  displayStatus: DisplayStatus;
  /** Newest first. CMS sees only submitted revisions, never a state's work in progress. */
  revisions: RevisionView[];
  /** Why CMS sent the package back, while it is unlocked. */
  unlockInfo: ActionInfo | null;
};

/** The revisions a user is shown: CMS sees what was submitted, never a state's work in progress. */
export function shownRevisions<R extends Pick<Revision, 'submitInfo'>>(
  user: User,
  revisions: readonly R[],
): R[] {
  return user.role === 'STATE_USER' ? [...revisions] : revisions.filter((r) => r.submitInfo !== null);
}

/** The rates of these ids, read in bounded requests; `known` ones (just written) are not read again. */
export async function readRates(
  store: Pick<Store, 'getRates'>,
  ids: Iterable<string>,
  known: readonly Rate[] = [],
): Promise<Map<string, Rate>> {
  const byId = new Map(known.map((r) => [r.id, r]));
  const missing = [...new Set(ids)].filter((id) => !byId.has(id));
  for (let i = 0; i < missing.length; i += MAX_GRAPH_RATES) {
    for (const rate of await store.getRates(missing.slice(i, i + MAX_GRAPH_RATES))) byId.set(rate.id, rate);
  }
  return byId;
}

/** The package with every revision projected (its rates read, but for `known` ones). */
export async function projectWithRates(
  store: Pick<Store, 'getRates'>,
  pkg: Package,
  known: readonly Rate[] = [],
): Promise<ProjectedPackage> {
  return projectPackage(pkg, await readRates(store, everLinkedRateIds(pkg), known));
}

export class PackageViews {
  constructor(
    private readonly store: Store,
    private readonly reference: ReferenceData,
  ) {}

  rates(ids: Iterable<string>, known: readonly Rate[] = []): Promise<Map<string, Rate>> {
    return readRates(this.store, ids, known);
  }

  project(pkg: Package, known: readonly Rate[] = []): Promise<ProjectedPackage> {
    return projectWithRates(this.store, pkg, known);
  }

  async nameOf(pkg: { stateCode: StateCode; stateNumber: number }, programIds: readonly string[]) {
    return packageName(pkg.stateCode, await this.reference.programsByIds(programIds), pkg.stateNumber);
  }

  /** A package's name as everyone refers to it: by its last submitted programs (its current ones before). */
  async referenceName(pkg: Package) {
    const named = lastSubmittedRevision(pkg) ?? currentRevision(pkg);
    return this.nameOf(pkg, named.formData.programIds);
  }

  /** A rate certification's name, from the form of the revision shown. */
  async rateName(
    stateCode: StateCode,
    formData: Parameters<typeof rateCertificationName>[2] & { rateProgramIds: string[] },
  ) {
    return rateCertificationName(
      stateCode,
      await this.reference.programsByIds(formData.rateProgramIds),
      formData,
    );
  }

  /**
   * The package as the user may see it. CMS sees the submitted revisions, named and dated by the
   * last submission (or the unlock since), never the state's work on an unlocked draft.
   */
  async view(user: User, pkg: Package, known: readonly Rate[] = []): Promise<PackageView> {
    const projected = await this.project(pkg, known);
    const revisions = shownRevisions(user, projected.revisions);
    const shown = revisions[0] ?? currentRevision(projected);
    const newest = currentRevision(pkg);
    const cms = user.role === 'STATE_USER' ? null : cmsFacts(pkg);
    const name = await this.nameOf(pkg, shown.formData.programIds);
    const parentNames = new Map<string, Promise<string>>([[pkg.id, Promise.resolve(name)]]);
    return {
      ...pkg,
      ...(cms ? { updatedAt: cms.updatedAt } : {}),
      revisions: await Promise.all(revisions.map((r) => this.revisionView(pkg, r, parentNames))),
      name,
      displayStatus: displayStatus(pkg.status, pkg.reviewStatus),
      unlockInfo: pkg.status === 'UNLOCKED' ? newest.unlockInfo : null,
    };
  }

  private async revisionView(
    pkg: Package,
    revision: ProjectedRevision,
    parentNames: Map<string, Promise<string>>,
  ): Promise<RevisionView> {
    const { rates, ...rest } = revision;
    return { ...rest, rates: await Promise.all(rates.map((f) => this.linkView(pkg, f, parentNames))) };
  }

  private async linkView(
    pkg: Package,
    facts: RateLinkFacts,
    parentNames: Map<string, Promise<string>>,
  ): Promise<RateLinkView> {
    const { formData, stateCode, ...rest } = facts;
    let parentName = parentNames.get(facts.parentPackageId);
    if (!parentName) {
      parentName = this.parentName(facts.parentPackageId);
      parentNames.set(facts.parentPackageId, parentName);
    }
    return {
      ...rest,
      name: await this.rateName(stateCode || pkg.stateCode, formData),
      parentPackageName: await parentName,
    };
  }

  /** The name of a rate's parent package (of the same state, submitted: it submitted the rate). */
  async parentName(id: string): Promise<string> {
    try {
      return await this.referenceName(await this.store.getPackage(id));
    } catch (e) {
      if (hasErrorCode(e, 'NOT_FOUND')) return '';
      throw e;
    }
  }
}
