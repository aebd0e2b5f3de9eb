/**
 * How a rate plan builds its change: records as the plan leaves them, gathered in one draft, then
 * finished together — so no plan can forget a rule every change obeys:
 *
 * - both sides of every link: each rate whose membership in a changed (or deleted) package's
 *   `linkedRateIds` moved gains or loses that package in its `packageIds`;
 * - every record written is one version on from the one read (a new rate: version 1), dated by
 *   the step, with its statuses derived;
 * - new rates carry `stateRateNumber` 0 until the store numbers them (`withRateNumbers`), and the
 *   audit wording names rates by their number.
 */
import type { AuditAction } from '../audit.js';
import { DomainError, invalidField, notFound } from '../errors.js';
import { formatStateNumber, rateNumberLabel } from '../naming.js';
import { type ActionInfo, currentRevision, type Package, withDerivedStatuses } from '../package.js';
import {
  deriveRateStatus,
  linkedRateIds,
  MAX_PACKAGES_PER_RATE,
  type Rate,
  type RateLink,
} from '../rates.js';
import type { Actor, User } from '../reference.js';
import { withCurrentRevision, withNewRevision } from './package-change.js';
import type { GraphChange, GraphNeeds, GraphRead, RateGraph } from './rate-graph.js';

/** A rate's per-state label; a rate not numbered yet reads `MN-RATE-(new)` until the store numbers it. */
export function rateLabel(rate: Pick<Rate, 'stateCode' | 'stateRateNumber'>): string {
  return rate.stateRateNumber > 0
    ? rateNumberLabel(rate.stateCode, rate.stateRateNumber)
    : `${rate.stateCode}-RATE-(new)`;
}

/** How audit wording names a package of its state (its full name needs the state's programs). */
export const packageLabel = (pkg: Pick<Package, 'stateNumber'>) =>
  `package ${formatStateNumber(pkg.stateNumber)}`;

/** Audit wording that names rates, written once the rates' numbers are known. */
export type Wording = string | ((label: (rateId: string) => string) => string);

interface PendingEvent {
  packageId: string;
  actor: Actor;
  action: AuditAction;
  summary: Wording;
}

const union = (a: GraphRead['packageIds'], b: readonly string[]) => [...new Set([...(a ?? []), ...b])];

/** The ids of `read` the graph lacks (and the store has not already found absent), or null. */
export function missingFrom(graph: RateGraph, read: GraphRead): GraphNeeds | null {
  const lacking = (
    ids: readonly string[] | undefined,
    have: ReadonlyMap<string, unknown>,
    gone?: readonly string[],
  ) => [...new Set(ids ?? [])].filter((id) => !have.has(id) && !gone?.includes(id));
  const packageIds = lacking(read.packageIds, graph.packages, graph.absent?.packageIds);
  const rateIds = lacking(read.rateIds, graph.rates, graph.absent?.rateIds);
  if (packageIds.length === 0 && rateIds.length === 0) return null;
  return { needs: { ...(packageIds.length ? { packageIds } : {}), ...(rateIds.length ? { rateIds } : {}) } };
}

/** Both asks at once (a plan that needs packages and rates asks for all in one round). */
export function mergeNeeds(...asks: (GraphNeeds | null)[]): GraphNeeds | null {
  const found = asks.filter((a): a is GraphNeeds => a !== null);
  if (found.length === 0) return null;
  return {
    needs: found.reduce<GraphRead>(
      (all, a) => ({
        packageIds: union(all.packageIds, a.needs.packageIds ?? []),
        rateIds: union(all.rateIds, a.needs.rateIds ?? []),
      }),
      {},
    ),
  };
}

export class ChangeDraft {
  private readonly packages = new Map<string, Package>();
  private readonly rates = new Map<string, Rate>();
  private readonly deletedPackages = new Set<string>();
  private readonly deletedRates = new Set<string>();
  private readonly events: PendingEvent[] = [];

  constructor(
    readonly graph: RateGraph,
    readonly at: string,
  ) {}

  /** The package as the change leaves it so far (undefined: absent or deleted). */
  package(id: string): Package | undefined {
    if (this.deletedPackages.has(id)) return undefined;
    return this.packages.get(id) ?? this.graph.packages.get(id);
  }

  rate(id: string): Rate | undefined {
    if (this.deletedRates.has(id)) return undefined;
    return this.rates.get(id) ?? this.graph.rates.get(id);
  }

  putPackage(pkg: Package): this {
    this.packages.set(pkg.id, pkg);
    return this;
  }

  putRate(rate: Rate): this {
    this.rates.set(rate.id, rate);
    return this;
  }

  deletePackage(id: string): this {
    this.packages.delete(id);
    this.deletedPackages.add(id);
    return this;
  }

  /** A never-submitted rate goes (one the graph never held is simply dropped from the change). */
  deleteRate(id: string): this {
    this.rates.delete(id);
    if (this.graph.rates.has(id)) this.deletedRates.add(id);
    return this;
  }

  event(packageId: string, actor: Actor, action: AuditAction, summary: Wording): this {
    this.events.push({ packageId, actor, action, summary });
    return this;
  }

  /** The change, both sides of every link made to agree — or the rates it must read first. */
  finish(): GraphChange | GraphNeeds {
    const relinked = this.relinkRates();
    if ('needs' in relinked) return relinked;
    const packages = [...this.packages.values()].map((p) => {
      const before = this.graph.packages.get(p.id);
      return withDerivedStatuses({ ...p, version: (before?.version ?? 0) + 1, updatedAt: this.at });
    });
    const rates = [...this.rates.values()].map((r) => {
      const before = this.graph.rates.get(r.id);
      return { ...r, version: (before?.version ?? 0) + 1, updatedAt: this.at, status: deriveRateStatus(r) };
    });
    const newRateIds = new Set(rates.filter((r) => !this.graph.rates.has(r.id)).map((r) => r.id));
    const build = (numbers: ReadonlyMap<string, number> | null): GraphChange => {
      const numbered = rates.map((r) => {
        if (!newRateIds.has(r.id) || numbers === null) return r;
        const n = numbers.get(r.id);
        if (n === undefined) throw new Error(`no rate number was given for the new rate ${r.id}`);
        return { ...r, stateRateNumber: n };
      });
      const byId = new Map(numbered.map((r) => [r.id, r]));
      const label = (rateId: string) => {
        const rate = byId.get(rateId) ?? this.graph.rates.get(rateId);
        return rate ? rateLabel(rate) : rateId;
      };
      return {
        packages,
        rates: numbered,
        deletedPackageIds: [...this.deletedPackages],
        deletedRateIds: [...this.deletedRates],
        events: this.events.map((e) => ({
          packageId: e.packageId,
          actor: e.actor,
          action: e.action,
          summary: typeof e.summary === 'string' ? e.summary : e.summary(label),
          at: this.at,
        })),
      };
    };
    const change = build(null);
    if (newRateIds.size === 0) return change;
    return { ...change, withRateNumbers: build };
  }

  /**
   * Each rate that entered or left a changed package's `linkedRateIds` gains or loses that
   * package; the rates it needs and lacks are asked for. (Rates whose membership did not move
   * already list the package, as every change keeps both sides.)
   */
  private relinkRates(): GraphNeeds | { ok: true } {
    const gained = new Map<string, string[]>();
    const lost = new Map<string, Set<string>>();
    const add = <V>(m: Map<string, V>, key: string, make: () => V) =>
      m.get(key) ?? m.set(key, make()).get(key)!;
    for (const id of new Set([...this.packages.keys(), ...this.deletedPackages])) {
      const before = this.graph.packages.get(id);
      const after = this.package(id);
      const was = before ? linkedRateIds(before) : new Set<string>();
      const is = after ? linkedRateIds(after) : new Set<string>();
      for (const r of was) if (!is.has(r)) add(lost, r, () => new Set()).add(id);
      for (const r of is) if (!was.has(r)) add(gained, r, () => []).push(id);
    }
    const touched = [...new Set([...gained.keys(), ...lost.keys()])].filter((r) => !this.deletedRates.has(r));
    const lacking = missingFrom(this.graph, {
      rateIds: touched.filter((r) => !this.rates.has(r)),
    });
    if (lacking) return lacking;
    for (const r of touched) {
      const rate = this.rate(r);
      if (!rate) continue; // read and absent: nothing to keep in step
      const gone = lost.get(r) ?? new Set();
      const kept = rate.packageIds.filter((p) => !gone.has(p));
      const packageIds = [...kept, ...(gained.get(r) ?? []).filter((p) => !kept.includes(p))];
      if (packageIds.length > MAX_PACKAGES_PER_RATE)
        throw invalidField('rateId', `is carried by ${MAX_PACKAGES_PER_RATE} packages already`);
      const same =
        packageIds.length === rate.packageIds.length && packageIds.every((p, i) => p === rate.packageIds[i]);
      if (!same) this.rates.set(r, { ...rate, packageIds });
    }
    return { ok: true };
  }
}

/** Refusals that name a rate rather than a package. */
export const rateNotFound = (id: string) =>
  new DomainError('NOT_FOUND', `rate ${id} was not found`, [], { id });

export const rateTransition = (id: string, action: string, status: string) =>
  new DomainError('INVALID_TRANSITION', `cannot ${action} rate ${id} while it is ${status}`, [], {
    id,
    action,
    status,
  });

export const rateVersionConflict = (id: string, expected: number, actual: number) =>
  new DomainError(
    'VERSION_CONFLICT',
    `rate ${id} was changed by someone else (expected version ${expected}, now ${actual})`,
    [],
    { id, expectedVersion: expected, actualVersion: actual },
  );

/** May this user read the rate? Its state's users; CMS once it was submitted (as packages). */
export function canViewRate(
  user: User,
  rate: { stateCode: string; initiallySubmittedAt: string | null },
): boolean {
  if (user.role === 'STATE_USER') return user.stateCode === rate.stateCode;
  return rate.initiallySubmittedAt !== null;
}

/** The package a step names, as read (the caller reads it): NOT_FOUND when it does not exist. */
export function packageIn(graph: RateGraph, id: string): Package {
  const pkg = graph.packages.get(id);
  if (!pkg) throw notFound('package', id);
  return pkg;
}

/** The rate a step names, as read: NOT_FOUND when it does not exist or the user may not know it. */
export function rateIn(graph: RateGraph, id: string, user: User): Rate {
  const rate = graph.rates.get(id);
  if (!rate || !canViewRate(user, rate)) throw rateNotFound(id);
  return rate;
}

/** A new id for a revision or a withdrawal: the step's, else a random uuid. */
export const newIdOf = (step: { newId?: (() => string) | undefined }) =>
  (step.newId ?? (() => globalThis.crypto.randomUUID()))();

/** The package's current revision with other rate links. */
export const withRateLinks = (pkg: Package, rateLinks: RateLink[], at: string) =>
  withCurrentRevision(pkg, { ...currentRevision(pkg), rateLinks }, at);

/**
 * A new submitted revision on top: a copy of the current one (documents included) carrying other
 * rate links, submitted by CMS — how a rate leaves or rejoins every package at once.
 */
export function withSubmittedCopy(pkg: Package, rateLinks: RateLink[], submitInfo: ActionInfo, id: string) {
  const current = currentRevision(pkg);
  return withNewRevision(
    pkg,
    {
      ...structuredClone(current),
      id,
      number: current.number + 1,
      createdAt: submitInfo.at,
      submitInfo,
      unlockInfo: null,
      rateLinks,
    },
    submitInfo.at,
  );
}
