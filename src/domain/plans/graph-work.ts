/**
 * Several rate plans run one after another as ONE graph change: each runs on the records as the
 * ones before left them, and the store writes the end result at once. Every record keeps the
 * version it was read at while the plans run (so each plan's version checks see the version the
 * caller read), and the result carries each changed record exactly one version on.
 */
import type { Package } from '../package.js';
import { linkedRateIds, type Rate } from '../rates.js';
import { missingFrom } from './rate-change.js';
import { type GraphChange, type GraphNeeds, isGraphNeeds, type RateGraph } from './rate-graph.js';

export class GraphWork {
  readonly packages: Map<string, Package>;
  readonly rates: Map<string, Rate>;
  private readonly changedPackages = new Set<string>();
  private readonly changedRates = new Set<string>();
  private readonly deletedPackages = new Set<string>();
  private readonly deletedRates = new Set<string>();

  constructor(private readonly read: RateGraph) {
    this.packages = new Map(read.packages);
    this.rates = new Map(read.rates);
  }

  get graph(): RateGraph {
    return {
      packages: this.packages,
      rates: this.rates,
      ...(this.read.absent ? { absent: this.read.absent } : {}),
    };
  }

  /** Rates the plans created (absent from the graph as read, not deleted since). */
  get createdRateIds(): string[] {
    return [...this.changedRates].filter((id) => !this.read.rates.has(id));
  }

  /** Runs a plan on the records as they are now; its needs, when it asks for more records. */
  run(plan: (graph: RateGraph) => GraphChange | GraphNeeds): GraphNeeds | undefined {
    const result = plan(this.graph);
    if (isGraphNeeds(result)) return result;
    for (const p of result.packages) this.putPackage(p);
    for (const r of result.rates) this.putRate(r);
    for (const id of result.deletedPackageIds) {
      this.packages.delete(id);
      this.changedPackages.delete(id);
      if (this.read.packages.has(id)) this.deletedPackages.add(id);
    }
    for (const id of result.deletedRateIds) {
      this.rates.delete(id);
      this.changedRates.delete(id);
      if (this.read.rates.has(id)) this.deletedRates.add(id);
    }
    return undefined;
  }

  putPackage(pkg: Package): void {
    const read = this.read.packages.get(pkg.id);
    this.packages.set(pkg.id, read ? { ...pkg, version: read.version } : pkg);
    this.changedPackages.add(pkg.id);
  }

  putRate(rate: Rate): void {
    const read = this.read.rates.get(rate.id);
    this.rates.set(rate.id, read ? { ...rate, version: read.version } : rate);
    this.changedRates.add(rate.id);
  }

  /** Everything the plans changed, each record one version on from the one read, dated `at`. */
  result(at: string, events: GraphChange['events']): GraphChange {
    const bump = <T extends { id: string; version: number; updatedAt: string }>(
      record: T,
      read: T | undefined,
    ): T => (read ? { ...record, version: read.version + 1, updatedAt: at } : record);
    return {
      packages: [...this.changedPackages].map((id) =>
        bump(this.packages.get(id)!, this.read.packages.get(id)),
      ),
      rates: [...this.changedRates].map((id) => bump(this.rates.get(id)!, this.read.rates.get(id))),
      deletedPackageIds: [...this.deletedPackages],
      deletedRateIds: [...this.deletedRates],
      events,
    };
  }
}

/**
 * `plan` run once the graph holds the package's rates (those its current or last submitted
 * revision links): a plan over a package then always sees both sides of its links.
 */
export function withRatesOf(
  packageId: string,
  plan: (graph: RateGraph) => GraphChange | GraphNeeds,
): (graph: RateGraph) => GraphChange | GraphNeeds {
  return (graph) => {
    const pkg = graph.packages.get(packageId);
    const needs = pkg ? missingFrom(graph, { rateIds: [...linkedRateIds(pkg)] }) : undefined;
    return needs ?? plan(graph);
  };
}
