/**
 * The rates model (test/conformance/rates-model.ts) against the domain's plans alone, on a
 * stand-in for `Store.changeGraph` kept in memory (version-checked, retried, numbered): a
 * divergence here is the plans' or the model's, never a backend's. Fast, so it runs more.
 */
import { describe } from 'vitest';
import {
  type GraphRead,
  isGraphNeeds,
  type Package,
  type Rate,
  type RateGraph,
  type State,
} from '../../src/domain/index.js';
import { StoreError } from '../../src/store/errors.js';
import { stateCodes } from '../conformance/fixtures.js';
import { runRatesModel } from '../conformance/rates-model.js';

function memoryStore() {
  const packages = new Map<string, Package>();
  const rates = new Map<string, Rate>();
  const counters = new Map<string, number>();
  const pkgCounters = new Map<string, number>();
  const nf = (id: string) => new StoreError('NOT_FOUND', `${id} not found`, { id } as never);
  const store = {
    backend: 'memory',
    async upsertStates(_s: State[]) {},
    async createPackage(plan: { id: string; stateCode: string; build(n: number): { after: Package } }) {
      if (packages.has(plan.id)) throw new StoreError('ALREADY_EXISTS', 'x', {} as never);
      const n = (pkgCounters.get(plan.stateCode) ?? 0) + 1;
      pkgCounters.set(plan.stateCode, n);
      const { after } = plan.build(n);
      packages.set(after.id, structuredClone(after));
      return structuredClone(after);
    },
    async getPackage(id: string) {
      const p = packages.get(id);
      if (!p) throw nf(id);
      return structuredClone(p);
    },
    async getRate(id: string) {
      const r = rates.get(id);
      if (!r) throw nf(id);
      return structuredClone(r);
    },
    async getRates(ids: string[]) {
      return ids.flatMap((id) => (rates.has(id) ? [structuredClone(rates.get(id)!)] : []));
    },
    async changeGraph(read: GraphRead, plan: (g: RateGraph) => never) {
      for (let attempt = 0; attempt < 8; attempt++) {
        const r = await this.once(read, plan);
        if (r !== 'retry') return r;
      }
      throw new StoreError('VERSION_CONFLICT', 'retries', {} as never);
    },
    async once(read: GraphRead, plan: (g: RateGraph) => never) {
      const graph = {
        packages: new Map<string, Package>(),
        rates: new Map<string, Rate>(),
        absent: { packageIds: [] as string[], rateIds: [] as string[] },
      };
      const add = (r: GraphRead) => {
        for (const id of r.packageIds ?? [])
          packages.has(id)
            ? graph.packages.set(id, structuredClone(packages.get(id)!))
            : graph.absent.packageIds.push(id);
        for (const id of r.rateIds ?? [])
          rates.has(id)
            ? graph.rates.set(id, structuredClone(rates.get(id)!))
            : graph.absent.rateIds.push(id);
      };
      await new Promise((r) => setTimeout(r, Math.random() * 3));
      add(read);
      for (let round = 0; round < 5; round++) {
        const out = plan(graph) as unknown as ReturnType<typeof Object>;
        if (isGraphNeeds(out as never)) {
          add((out as unknown as { needs: GraphRead }).needs);
          continue;
        }
        await new Promise((r) => setTimeout(r, Math.random() * 3));
        for (const [id, p] of graph.packages) if (packages.get(id)?.version !== p.version) return 'retry';
        for (const [id, p] of graph.rates) if (rates.get(id)?.version !== p.version) return 'retry';
        for (const id of graph.absent.packageIds) if (packages.has(id)) return 'retry';
        for (const id of graph.absent.rateIds) if (rates.has(id)) return 'retry';
        let change = out as unknown as {
          packages: Package[];
          rates: Rate[];
          deletedPackageIds: string[];
          deletedRateIds: string[];
          withRateNumbers?: (m: Map<string, number>) => unknown;
        };
        const fresh = change.rates.filter((r) => !graph.rates.has(r.id));
        for (const r of fresh)
          if (rates.has(r.id)) throw new StoreError('ALREADY_EXISTS', `rate ${r.id}`, {} as never);
        if (fresh.length && change.withRateNumbers) {
          const nums = new Map<string, number>();
          for (const r of fresh) {
            const n = (counters.get(r.stateCode) ?? 0) + 1;
            counters.set(r.stateCode, n);
            nums.set(r.id, n);
          }
          change = change.withRateNumbers(nums) as typeof change;
        }
        for (const p of change.packages) packages.set(p.id, structuredClone(p));
        for (const r of change.rates) rates.set(r.id, structuredClone(r));
        for (const id of change.deletedPackageIds) packages.delete(id);
        for (const id of change.deletedRateIds) rates.delete(id);
        return { before: graph, ...change };
      }
      throw new StoreError('ALREADY_EXISTS' as never, 'rounds', {} as never);
    },
  };
  return store;
}

describe('memory', () => {
  const store = memoryStore();
  runRatesModel(() => store as never, stateCodes(), 'memory');
});
