/**
 * Rates and graphs for the rate-plan tests: complete rate forms and documents, packages of one
 * state under other ids, and a `World` that plays the store's part in `changeGraph` (reads every
 * record, numbers new rates, writes the change) and checks after every change what every store
 * relies on: both sides of every link agree and each record written is one version on.
 */
import { expect } from 'vitest';
import {
  type FormData,
  type GraphChange,
  type GraphNeeds,
  isGraphNeeds,
  linkedRateIds,
  type Package,
  type Rate,
  type RateDocument,
  type RateFormData,
  type RateGraph,
} from '../../src/domain/index.js';
import { contractAndRatesDraft, deepFreeze, doc, ID_KIND, uid } from './fixtures.js';
import { draftPackage } from './plan-builders.js';

/** A complete contract-and-rates form without embedded rates: its rates are records. */
export function ratesPackageForm(): FormData {
  return { ...contractAndRatesDraft().formData, rateCertifications: [] };
}

/** A complete rate form (programs of `ratesPackageForm`, D-SNP populations given). */
export function rateForm(): RateFormData {
  const { id: _id, ...form } = contractAndRatesDraft().formData.rateCertifications[0]!;
  return form;
}

export function rateDoc(n: number, category: RateDocument['category'] = 'RATE'): RateDocument {
  const { rateId: _r, ...d } = doc(n, category);
  return { ...d, category };
}

export const pkgId = (n: number) => uid(ID_KIND.package, n);
export const rateId = (n: number) => uid(ID_KIND.rate, 500 + n);

/** A never-submitted contract-and-rates draft of MN, package `n` (number `n`). */
export function ratesDraft(n: number, stateCode = 'MN'): Package {
  const base = draftPackage({
    formData: ratesPackageForm(),
    documents: contractAndRatesDraft().documents.slice(0, 2),
  });
  return deepFreeze({ ...structuredClone(base), id: pkgId(n), stateNumber: n, stateCode });
}

export class World {
  readonly packages = new Map<string, Package>();
  readonly rates = new Map<string, Rate>();
  readonly events: GraphChange['events'] = [];
  private nextNumber = 1;

  constructor(...packages: Package[]) {
    for (const p of packages) this.packages.set(p.id, p);
  }

  graph(): RateGraph {
    return { packages: new Map(this.packages), rates: new Map(this.rates) };
  }

  pkg(n: number): Package {
    return this.packages.get(pkgId(n))!;
  }

  rate(id: string): Rate {
    return this.rates.get(id)!;
  }

  /** Runs the plan on everything, as a store that read it all; writes and checks the change. */
  run(plan: (graph: RateGraph) => GraphChange | GraphNeeds): GraphChange {
    const result = plan(this.graph());
    if (isGraphNeeds(result))
      throw new Error(`a plan given every record asked for more: ${JSON.stringify(result)}`);
    const numbers = new Map<string, number>();
    for (const r of result.rates) if (!this.rates.has(r.id)) numbers.set(r.id, this.nextNumber++);
    const change = numbers.size > 0 ? result.withRateNumbers!(numbers) : result;
    for (const p of change.packages) {
      expect(p.version).toBe((this.packages.get(p.id)?.version ?? 0) + 1);
      this.packages.set(p.id, deepFreeze(p));
    }
    for (const r of change.rates) {
      expect(r.version).toBe((this.rates.get(r.id)?.version ?? 0) + 1);
      this.rates.set(r.id, deepFreeze(r));
    }
    for (const id of change.deletedPackageIds) this.packages.delete(id);
    for (const id of change.deletedRateIds) this.rates.delete(id);
    this.events.push(...change.events);
    this.expectBothSides();
    return change;
  }

  /** Every rate lists exactly the packages whose current or last submitted revision links it. */
  expectBothSides() {
    for (const rate of this.rates.values()) {
      const carriers = [...this.packages.values()]
        .filter((p) => linkedRateIds(p).has(rate.id))
        .map((p) => p.id);
      expect([...rate.packageIds].sort(), `packageIds of rate ${rate.id}`).toEqual(carriers.sort());
    }
  }
}
