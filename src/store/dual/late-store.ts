/**
 * Dual-write's secondary, connected when it can be. The portal must start, and keep serving,
 * while the secondary is unreachable: until it is connected (and migrated), each call fails
 * at once — so the dual store journals the mirror — and the next call after a pause tries to
 * connect again.
 */
import type { MaintainedStore, Store, StoreMaintenance } from '../store.js';

export interface LateStoreOptions {
  /** The backend's name, for `backend` and messages. */
  name: string;
  /** Connects (and migrates); called again after a failure, once `retryAfterMs` has passed. */
  open: () => Promise<MaintainedStore>;
  /** Default 5000: an unreachable secondary costs one connection attempt per pause, not one per write. */
  retryAfterMs?: number;
}

export interface LateStore extends MaintainedStore {
  /** Tries to connect now, waiting at most `waitMs`; the attempt goes on in the background after that. */
  connect(waitMs: number): Promise<{ connected: true } | { connected: false; reason: string }>;
}

/** Every request-path method that needs the connected store (the rest are answered here). */
type Forwarded = Exclude<keyof Store, 'backend' | 'degradation' | 'close'>;
const FORWARDED: Record<Forwarded, true> = {
  upsertStates: true,
  listStates: true,
  getState: true,
  upsertUsers: true,
  listUsers: true,
  getUser: true,
  changeUser: true,
  listUserAudit: true,
  getSessionUser: true,
  endSessions: true,
  createPackage: true,
  getPackage: true,
  changePackage: true,
  listByState: true,
  listSubmitted: true,
  appendAudit: true,
  listAudit: true,
  getRate: true,
  getRates: true,
  listRates: true,
  changeGraph: true,
  createApiClient: true,
  getApiClient: true,
  listApiClients: true,
  rotateApiClientSecret: true,
  revokeApiClient: true,
  touchApiClient: true,
};
/** Every maintenance method a mirror or repair calls (the optional ones are not offered). */
type ForwardedMaintenance = Exclude<keyof StoreMaintenance, 'scanPackagesWithAudit' | 'importAtomically'>;
const FORWARDED_MAINTENANCE: Record<ForwardedMaintenance, true> = {
  scanPackages: true,
  scanAudit: true,
  countPackages: true,
  getCounters: true,
  raiseCounters: true,
  getSessionGenerations: true,
  raiseSessionGenerations: true,
  importPackages: true,
  importAudit: true,
  scanUserAudit: true,
  importApiClients: true,
  importUserAudit: true,
  removePackage: true,
  scanRates: true,
  importRates: true,
  getRateCounters: true,
  raiseRateCounters: true,
  removeRate: true,
};

type AnyMethod = (...args: unknown[]) => Promise<unknown>;

export function openWhenReachable(options: LateStoreOptions): LateStore {
  const retryAfterMs = options.retryAfterMs ?? 5000;
  let opened: MaintainedStore | undefined;
  let opening: Promise<MaintainedStore> | undefined;
  let lastFailure: { at: number; message: string } | undefined;
  let closed = false;

  function current(): Promise<MaintainedStore> {
    if (opened) return Promise.resolve(opened);
    if (closed) return Promise.reject(new Error(`the ${options.name} secondary is closed`));
    if (opening) return opening;
    if (lastFailure && Date.now() - lastFailure.at < retryAfterMs)
      return Promise.reject(
        new Error(`the ${options.name} secondary is not reachable: ${lastFailure.message}`),
      );
    opening = options.open().then(
      async (store) => {
        opening = undefined;
        if (closed) {
          await store.close();
          throw new Error(`the ${options.name} secondary is closed`);
        }
        opened = store;
        lastFailure = undefined;
        return store;
      },
      (e: unknown) => {
        opening = undefined;
        lastFailure = { at: Date.now(), message: (e as Error).message };
        throw e;
      },
    );
    return opening;
  }

  /** Methods that connect first, then call `method` on what `part` picks of the connected store. */
  const forward = (methods: object, part: (store: MaintainedStore) => object): unknown =>
    Object.fromEntries(
      Object.keys(methods).map((method) => [
        method,
        async (...args: unknown[]) => {
          const target = part(await current()) as Record<string, AnyMethod>;
          return target[method]!(...args);
        },
      ]),
    );
  const forwarded = forward(FORWARDED, (store) => store) as Pick<Store, Forwarded>;
  const maintenance = forward(FORWARDED_MAINTENANCE, (store) => store.maintenance) as StoreMaintenance;

  return {
    ...forwarded,
    maintenance,
    backend: options.name,
    async degradation() {
      if (opened) return (await opened.degradation?.()) ?? [];
      return [
        lastFailure
          ? `the ${options.name} secondary is not connected (${lastFailure.message}); it is tried again on the next mirror write`
          : `the ${options.name} secondary is being connected`,
      ];
    },
    async connect(waitMs) {
      let timer: NodeJS.Timeout | undefined;
      const attempt = current().then(
        () => ({ connected: true as const }),
        (e: unknown) => ({ connected: false as const, reason: (e as Error).message }),
      );
      const waited = new Promise<{ connected: false; reason: string }>((resolve) => {
        timer = setTimeout(
          () => resolve({ connected: false, reason: `no answer within ${waitMs} ms (still trying)` }),
          waitMs,
        );
      });
      try {
        return await Promise.race([attempt, waited]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      closed = true;
      // An attempt still hanging closes its store when it ends (see above); do not wait for it.
      await opened?.close();
    },
  };
}
