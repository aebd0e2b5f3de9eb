/**
 * Cutover mode: a Store made of two. Writes go to the primary and are then mirrored to the
 * secondary; a mirror that fails, or takes longer than the mirror timeout, is journaled for
 * `carepack store repair` and never fails the caller — so a write waits at most the timeout
 * for the secondary. Reads come from the primary; a sampled share is also read from the
 * secondary in the background, and any difference is logged.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  type GraphChange,
  type GraphEvent,
  type GraphResult,
  isGraphNeeds,
  type Package,
  type PackageChange,
  type Rate,
} from '../../domain/index.js';
import type { MaintainedStore, Page, ScanRequest, StoreMaintenance } from '../store.js';
import {
  mirrorApiClient,
  mirrorAudit,
  mirrorCounter,
  mirrorPackage,
  mirrorReference,
  mirrorUserChange,
} from './mirror.js';
import { type MirrorFailure, type MirrorJournal, memoryJournal } from './mirror-journal.js';
import { mirrorRate } from './mirror-rate.js';
import { mirrorGraph, mirrorRateCounters } from './mirror-rates.js';

export interface DualLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface DualStoreOptions {
  primary: MaintainedStore;
  secondary: MaintainedStore;
  /** Share of reads (0..1) repeated on the secondary and compared. */
  shadowReadRate?: number;
  journal?: MirrorJournal;
  logger?: DualLogger;
  /** How long a write may wait for its mirror before the mirror is journaled instead (default 2000). */
  mirrorTimeoutMs?: number;
  random?: () => number;
}

export const DEFAULT_MIRROR_TIMEOUT_MS = 2000;

/** Times a shadow read waits for the mirrors in flight and looks again before it logs a difference. */
const SHADOW_LOOKS = 3;

const consoleLogger: DualLogger = {
  warn: (d, m) => console.warn(m, d),
  error: (d, m) => console.error(m, d),
};

export function createDualStore(options: DualStoreOptions): MaintainedStore {
  const { primary, secondary } = options;
  const journal = options.journal ?? memoryJournal();
  const log = options.logger ?? consoleLogger;
  const rate = options.shadowReadRate ?? 0;
  const random = options.random ?? Math.random;
  const timeoutMs = options.mirrorTimeoutMs ?? DEFAULT_MIRROR_TIMEOUT_MS;
  // One mirror at a time per package, so the secondary normally gets a package's versions in order.
  const chains = new Map<string, Promise<void>>();
  // The last mirror that failed, until one succeeds: /readyz reports it.
  let lastFailure: MirrorFailure | undefined;

  function mirror(
    kind: MirrorFailure['kind'],
    operation: string,
    packageId: string | undefined,
    work: () => Promise<void>,
    key = packageId ?? '*reference*',
  ) {
    return mirrorAfter([key], { kind, operation, ...(packageId ? { packageId } : {}) }, work);
  }

  /**
   * Runs `work` once the mirrors in flight of every key have landed or been given up, and
   * journals `entry` when it fails or times out. A graph change waits on each record it wrote.
   */
  async function mirrorAfter(
    keys: readonly string[],
    entry: Omit<MirrorFailure, 'at' | 'error'>,
    work: () => Promise<void>,
  ) {
    const previous = Promise.all(keys.map((k) => chains.get(k)));
    const run = previous.then(work);
    let timer: NodeJS.Timeout | undefined;
    const outcome = Promise.race([
      run,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`mirror write took longer than ${timeoutMs} ms`)),
          timeoutMs,
        );
      }),
    ]);
    // The next mirror of this key waits until this one lands or is given up (journaled), never
    // longer: a hanging secondary must not hold up every later write of the package. Should the
    // given-up write land after a newer one, it is version-guarded and leaves the newer copy
    // (a forced one is corrected by mirrorPackage's re-read of the primary).
    const done = outcome.then(
      () => {},
      () => {},
    );
    for (const key of keys) chains.set(key, done);
    void done.then(() => {
      for (const key of keys) if (chains.get(key) === done) chains.delete(key);
    });
    try {
      await outcome;
      lastFailure = undefined;
    } catch (e) {
      const failure: MirrorFailure = {
        ...entry,
        at: new Date().toISOString(),
        error: (e as Error).message,
      };
      lastFailure = failure;
      log.error(
        failure,
        'dual-write: mirroring to the secondary failed; journaled for `carepack store repair`',
      );
      try {
        await journal.record(failure);
      } catch (journalError) {
        log.error(
          { ...failure, journalError: (journalError as Error).message },
          'dual-write: could not journal a failed mirror',
        );
      }
    } finally {
      clearTimeout(timer);
    }
  }

  /** A write on the primary, then the package mirrored as the primary now has it. */
  async function thenMirror<T>(operation: string, id: string, write: () => Promise<T>): Promise<T> {
    const result = await write();
    await mirrorOne(operation, id);
    return result;
  }

  const mirrorOne = (operation: string, id: string, mode?: 'replace' | 'force') =>
    mirror('package', operation, id, () => mirrorPackage(primary, secondary, id, mode));

  const rateKey = (id: string) => `*rate*${id}`;

  /** Rates as the primary has them now (removed where it has none), each after its earlier mirrors. */
  const mirrorRates = (operation: string, rateIds: string[], mode?: 'replace' | 'force') =>
    mirrorAfter(rateIds.map(rateKey), { kind: 'graph', operation, rateIds, packageIds: [] }, async () => {
      for (const id of rateIds) await mirrorRate(primary, secondary, id, mode);
    });

  /**
   * Every record a graph change wrote or deleted, rates first, then the packages' audit trails;
   * journaled as one `graph` entry, so a repair brings them over together.
   */
  function mirrorGraphChange(
    operation: string,
    result: GraphResult,
    events: readonly GraphEvent[],
    rateCounterStates: string[],
  ) {
    const rateIds = [...new Set([...result.rates.map((r) => r.id), ...result.deletedRateIds])];
    // A package given only an audit event is mirrored too: its trail comes with it.
    const packageIds = [
      ...new Set([
        ...result.packages.map((p) => p.id),
        ...result.deletedPackageIds,
        ...events.map((e) => e.packageId),
      ]),
    ];
    const keys = [...packageIds, ...rateIds.map(rateKey)];
    return mirrorAfter(keys, { kind: 'graph', operation, rateIds, packageIds }, () =>
      mirrorGraph(primary, secondary, { rateIds, packageIds, rateCounterStates }),
    );
  }

  /**
   * Repeats a sampled read on the secondary and logs a difference that lasts. Writes race the two
   * reads both ways: a later write's mirror may land between them (the primary, read again, then
   * agrees), or a write may have landed on the primary with its mirror still on the way (once the
   * mirrors in flight have landed, both agree). A difference counts only when it outlives both.
   */
  function shadow<T>(
    operation: string,
    primaryResult: T,
    read: (store: MaintainedStore) => Promise<T>,
    same: (a: T, b: T) => boolean,
  ) {
    if (rate <= 0 || random() >= rate) return;
    void (async () => {
      let primaryNow = primaryResult;
      for (let look = 0; ; look++) {
        const secondaryResult = await read(secondary);
        if (same(primaryNow, secondaryResult)) return;
        if (same(await read(primary), secondaryResult)) return;
        if (look === SHADOW_LOOKS) break;
        await Promise.allSettled([...chains.values()]);
        primaryNow = await read(primary);
      }
      log.warn({ operation }, 'dual-write shadow read: the secondary differs');
    })().catch((e: unknown) =>
      log.warn({ operation, error: (e as Error).message }, 'dual-write shadow read failed'),
    );
  }

  /** An API client as the primary has it now; a failure is journaled with the reference data, which carries clients. */
  const mirrorClient = (operation: string, id: string) =>
    mirror('reference', operation, undefined, () => mirrorApiClient(primary, secondary, id), `*client*${id}`);

  const samePage = <T>(a: Page<T>, b: Page<T>) => isDeepStrictEqual(a.items, b.items);
  const fromPrimary = primary.maintenance;

  // Maintenance reads the primary; maintenance writes go to both, like any write.
  const maintenance: StoreMaintenance = {
    scanPackages: (request) => fromPrimary.scanPackages(request),
    scanAudit: (request) => fromPrimary.scanAudit(request),
    ...(fromPrimary.scanPackagesWithAudit
      ? { scanPackagesWithAudit: (request: ScanRequest) => fromPrimary.scanPackagesWithAudit!(request) }
      : {}),
    countPackages: () => fromPrimary.countPackages(),
    getCounters: (states) => fromPrimary.getCounters(states),
    async raiseCounters(counters) {
      await fromPrimary.raiseCounters(counters);
      await mirror('reference', 'raiseCounters', undefined, () => mirrorReference(primary, secondary));
    },
    getSessionGenerations: () => fromPrimary.getSessionGenerations(),
    async raiseSessionGenerations(generations) {
      await fromPrimary.raiseSessionGenerations(generations);
      await mirror('reference', 'raiseSessionGenerations', undefined, () =>
        mirrorReference(primary, secondary),
      );
    },
    async importPackages(packages, importOptions) {
      await fromPrimary.importPackages(packages, importOptions);
      // A forced import may move the primary back to an older version: the secondary follows.
      const mode = importOptions?.mode === 'force' ? 'force' : 'replace';
      for (const p of packages) await mirrorOne('importPackages', p.id, mode);
    },
    async importAudit(events) {
      await fromPrimary.importAudit(events);
      for (const id of new Set(events.map((e) => e.packageId))) {
        await mirror('audit', 'importAudit', id, () => mirrorAudit(primary, secondary, id));
      }
    },
    removePackage: (id) => thenMirror('removePackage', id, () => fromPrimary.removePackage(id)),
    scanRates: (request) => fromPrimary.scanRates(request),
    async importRates(rates, importOptions) {
      await fromPrimary.importRates(rates, importOptions);
      // As importPackages: a forced import may move the primary back, and the secondary follows.
      const mode = importOptions?.mode === 'force' ? 'force' : 'replace';
      for (const r of rates) await mirrorRates('importRates', [r.id], mode);
    },
    getRateCounters: (states) => fromPrimary.getRateCounters(states),
    async raiseRateCounters(counters) {
      await fromPrimary.raiseRateCounters(counters);
      await mirror('reference', 'raiseRateCounters', undefined, () =>
        mirrorRateCounters(primary, secondary, Object.keys(counters)),
      );
    },
    async removeRate(id) {
      await fromPrimary.removeRate(id);
      await mirrorRates('removeRate', [id]);
    },
    async importApiClients(clients) {
      await fromPrimary.importApiClients(clients);
      for (const c of clients) await mirrorClient('importApiClients', c.id);
    },
    scanUserAudit: (request) => fromPrimary.scanUserAudit(request),
    async importUserAudit(events) {
      await fromPrimary.importUserAudit(events);
      // The events as given: importing is idempotent, and a user-audit event never changes.
      await mirror('user-audit', 'importUserAudit', undefined, () =>
        secondary.maintenance.importUserAudit(events),
      );
    },
  };

  return {
    backend: `dual(${primary.backend}→${secondary.backend})`,

    async upsertStates(states) {
      await primary.upsertStates(states);
      await mirror('reference', 'upsertStates', undefined, () => mirrorReference(primary, secondary));
    },
    listStates: () => primary.listStates(),
    getState: (code) => primary.getState(code),
    async upsertUsers(users) {
      await primary.upsertUsers(users);
      await mirror('reference', 'upsertUsers', undefined, () => mirrorReference(primary, secondary));
    },
    listUsers: () => primary.listUsers(),
    getUser: (id) => primary.getUser(id),
    async changeUser(id, plan) {
      const result = await primary.changeUser(id, plan);
      // In line with the reference mirrors, which also write users: the user as the primary has it now.
      await mirror('user-audit', `changeUser:${result.event.action}`, undefined, () =>
        mirrorUserChange(primary, secondary, id, result.event),
      );
      return result;
    },
    listUserAudit: (page) => primary.listUserAudit(page),
    getSessionUser: (id) => primary.getSessionUser(id),
    async endSessions(userId) {
      const generation = await primary.endSessions(userId);
      // The primary's number, raised to on the secondary: a retried or late mirror never undoes a newer one.
      await mirror('reference', 'endSessions', undefined, () =>
        secondary.maintenance.raiseSessionGenerations({ [userId]: generation }),
      );
      return generation;
    },

    async createApiClient(client) {
      await primary.createApiClient(client);
      await mirrorClient('createApiClient', client.id);
    },
    getApiClient: (id) => primary.getApiClient(id),
    listApiClients: () => primary.listApiClients(),
    async rotateApiClientSecret(id, secretHash, at) {
      const client = await primary.rotateApiClientSecret(id, secretHash, at);
      await mirrorClient('rotateApiClientSecret', id);
      return client;
    },
    async revokeApiClient(id, at) {
      const client = await primary.revokeApiClient(id, at);
      await mirrorClient('revokeApiClient', id);
      return client;
    },
    async touchApiClient(id, at) {
      await primary.touchApiClient(id, at);
      await mirrorClient('touchApiClient', id);
    },

    async createPackage(plan) {
      let created: Package | undefined;
      try {
        created = await primary.createPackage(plan);
        return created;
      } finally {
        // Even a failed create may have used up a number on the primary: keep the counters equal.
        // Both mirrors at once, so the create waits for the secondary at most one timeout.
        await Promise.all([
          created ? mirrorOne('createPackage', created.id) : undefined,
          mirror(
            'reference',
            'createPackage',
            undefined,
            () => mirrorCounter(primary, secondary, plan.stateCode),
            // Raising a counter never lowers it: counters need no order among themselves.
            `*counter*${plan.stateCode}`,
          ),
        ]);
      }
    },
    async getPackage(id) {
      const pkg = await primary.getPackage(id);
      shadow<Package>('getPackage', pkg, (s) => s.getPackage(id), isDeepStrictEqual);
      return pkg;
    },
    async changePackage<C extends PackageChange>(id: string, plan: (before: Package) => C) {
      const result = await primary.changePackage(id, plan);
      // Named by what changed (changePackage:SUBMIT, …), so the journal tells an operator what was lost.
      await mirrorOne(`changePackage:${result.event.action}`, id);
      return result;
    },

    async listByState(stateCode, query) {
      const page = await primary.listByState(stateCode, query);
      // Cursors are backend-specific: only first pages can be compared.
      if (!query?.cursor) shadow('listByState', page, (s) => s.listByState(stateCode, query), samePage);
      return page;
    },
    async listSubmitted(query) {
      const page = await primary.listSubmitted(query);
      if (!query?.cursor) shadow('listSubmitted', page, (s) => s.listSubmitted(query), samePage);
      return page;
    },

    async appendAudit(event) {
      const saved = await primary.appendAudit(event);
      await mirror('audit', 'appendAudit', event.packageId, () =>
        mirrorAudit(primary, secondary, event.packageId),
      );
      return saved;
    },
    listAudit: (packageId, page) => primary.listAudit(packageId, page),

    async getRate(id) {
      const rate = await primary.getRate(id);
      shadow<Rate>('getRate', rate, (s) => s.getRate(id), isDeepStrictEqual);
      return rate;
    },
    async getRates(ids) {
      const rates = await primary.getRates(ids);
      shadow<Rate[]>('getRates', rates, (s) => s.getRates(ids), isDeepStrictEqual);
      return rates;
    },
    async listRates(query) {
      const page = await primary.listRates(query);
      if (!query?.cursor) shadow('listRates', page, (s) => s.listRates(query), samePage);
      return page;
    },
    async changeGraph(read, plan) {
      let result: GraphResult | undefined;
      let planned: GraphChange | undefined;
      try {
        result = await primary.changeGraph(read, (graph) => {
          const out = plan(graph);
          if (!isGraphNeeds(out)) planned = out;
          return out;
        });
        return result;
      } finally {
        // Even a failed change may have used up rate numbers on the primary: keep the counters equal.
        const created = (planned?.rates ?? []).filter((r) => r.stateRateNumber === 0);
        const counterStates = [...new Set(created.map((r) => r.stateCode))];
        if (result) {
          await mirrorGraphChange(operationOf(result, planned), result, planned?.events ?? [], counterStates);
        } else if (counterStates.length > 0) {
          await mirror('reference', 'changeGraph', undefined, () =>
            mirrorRateCounters(primary, secondary, counterStates),
          );
        }
      }
    },

    maintenance,

    async degradation() {
      const reasons = [...((await secondary.degradation?.()) ?? [])];
      if (lastFailure)
        reasons.push(
          `the last mirror write failed (${lastFailure.operation} at ${lastFailure.at}): ${lastFailure.error}`,
        );
      try {
        if (await journal.hasPending())
          reasons.push('failed mirror writes are journaled: run `carepack store repair`');
      } catch (e) {
        reasons.push(`the mirror journal cannot be read: ${(e as Error).message}`);
      }
      return reasons;
    },

    async close() {
      // Mirrors in flight get a timeout's length to land; a hanging secondary must not block shutdown.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...chains.values()]),
        new Promise((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      await Promise.all([primary.close(), secondary.close()]);
    },
  };
}

/** What the journal calls a graph change: by its audit actions (changeGraph:LINK_RATE, …), so an operator sees what was lost. */
function operationOf(result: GraphResult, planned: GraphChange | undefined): string {
  const actions = [...new Set((planned?.events ?? []).map((e) => e.action))];
  const touched = result.packages.length + result.rates.length;
  return actions.length > 0 ? `changeGraph:${actions.join('+')}` : `changeGraph(${touched} records)`;
}
