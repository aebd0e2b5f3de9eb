/**
 * The package lifecycle run straight on a Store, as the conformance suite, the store and ops
 * tests and the benches drive it: each command is the domain's lifecycle step (status, version,
 * reason and form rules) handed to `Store.createPackage` / `changePackage`, without the portal's
 * user rules (who may, completeness), which the API tests cover. A store wrapped by `drive`
 * keeps its own methods and gains these, so a test reads as the operations it performs.
 */
import { randomUUID } from 'node:crypto';
import {
  type Actor,
  type CmsDivision,
  type FormData,
  type KeptChange,
  lifecycle,
  type Package,
  type PackageDocument,
  planApprove,
  planAskQuestion,
  planRespond,
  planSetDivision,
  planSetStateAssignments,
  planUndoApproval,
  planUndoUnlock,
  planUndoWithdrawal,
  planWithdraw,
  type QaDocument,
  type StateCode,
  type User,
  type UserAuditEvent,
} from '../../src/domain/index.js';
import type { Clock } from '../../src/lib/clock.js';
import type { MaintainedStore, Store, StoreMaintenance } from '../../src/store/store.js';

export interface StoreCommands {
  createDraft(input: {
    id: string;
    stateCode: StateCode;
    formData: FormData | unknown;
    actor: Actor;
    documents?: PackageDocument[];
  }): Promise<Package>;
  updateDraft(
    id: string,
    input: {
      expectedVersion?: number;
      formData?: FormData | unknown;
      documents?: PackageDocument[];
      actor: Actor;
      event?: lifecycle.EditStep['audit'];
    },
  ): Promise<Package>;
  submit(id: string, input: { expectedVersion: number; actor: Actor }): Promise<Package>;
  unlock(id: string, input: { expectedVersion: number; actor: Actor; reason: string }): Promise<Package>;
  resubmit(id: string, input: { expectedVersion: number; actor: Actor; reason: string }): Promise<Package>;
  deleteDraft(id: string, input: { expectedVersion: number; actor: Actor }): Promise<void>;
  /** CMS's review decisions (domain review-plans), by a CMS user. */
  approve(id: string, input: ReviewInput & { releasedOn: string }): Promise<Package>;
  undoApproval(id: string, input: ReviewInput): Promise<Package>;
  withdraw(id: string, input: ReviewInput): Promise<Package>;
  undoWithdrawal(id: string, input: ReviewInput): Promise<Package>;
  undoUnlock(id: string, input: ReviewInput): Promise<Package>;
  /** CMS's question (domain question-plans), with the documents the service would have stored. */
  askQuestion(id: string, input: QaInput & { rateId?: string }): Promise<Package>;
  /** The state's response to one question. */
  respond(id: string, input: QaInput & { questionId: string }): Promise<Package>;
  /** An administrator sets (or clears) a CMS user's division, with its user-audit event. */
  setDivision(
    userId: string,
    input: { admin: User; division: CmsDivision | null },
  ): Promise<{ before: User; after: User; event: UserAuditEvent }>;
  /** An administrator sets a CMS user's states (checked against the store's states), with its event. */
  setStateAssignments(
    userId: string,
    input: { admin: User; stateCodes: readonly string[] },
  ): Promise<{ before: User; after: User; event: UserAuditEvent }>;
}

export interface QaInput {
  user: User;
  text?: string;
  documents: QaDocument[];
  /** The question's or response's id; a new one when absent. */
  id?: string;
}

export interface ReviewInput {
  expectedVersion: number;
  user: User;
  reason?: string;
}

/**
 * A clock whose every reading is later than the one before (by at least a millisecond), so
 * tests of order never depend on operations landing in distinct milliseconds by chance.
 */
export function steadyClock(start = Date.now()): Clock {
  let last = start - 1;
  return () => {
    last = Math.max(Date.now(), last + 1);
    return new Date(last);
  };
}

export function storeCommands(store: Store, clock: Clock = steadyClock()): StoreCommands {
  const at = () => clock().toISOString();
  const kept = async (id: string, plan: (before: Package) => KeptChange) =>
    (await store.changePackage(id, plan)).after;
  const commands: StoreCommands = {
    createDraft: async (input) => store.createPackage(lifecycle.createDraft({ ...input, at: at() })),
    updateDraft: (id, { event, ...input }) =>
      kept(id, (pkg) => lifecycle.editDraft(pkg, { ...input, at: at(), ...(event ? { audit: event } : {}) })),
    submit: (id, input) => kept(id, (pkg) => lifecycle.submit(pkg, { ...input, at: at() })),
    unlock: (id, input) => kept(id, (pkg) => lifecycle.unlock(pkg, { ...input, at: at() })),
    resubmit: (id, input) => kept(id, (pkg) => lifecycle.resubmit(pkg, { ...input, at: at() })),
    async deleteDraft(id, input) {
      await store.changePackage(id, (pkg) => lifecycle.deleteDraft(pkg, { ...input, at: at() }));
    },
    approve: (id, input) => kept(id, (pkg) => planApprove(pkg, { ...input, at: at() })),
    undoApproval: (id, input) => kept(id, (pkg) => planUndoApproval(pkg, { ...input, at: at() })),
    withdraw: (id, input) => kept(id, (pkg) => planWithdraw(pkg, { ...input, at: at() })),
    undoWithdrawal: (id, input) => kept(id, (pkg) => planUndoWithdrawal(pkg, { ...input, at: at() })),
    undoUnlock: (id, input) => kept(id, (pkg) => planUndoUnlock(pkg, { ...input, at: at() })),
    askQuestion: (id, input) =>
      kept(id, (pkg) => planAskQuestion(pkg, { ...input, id: input.id ?? randomUUID(), at: at() })),
    respond: (id, input) =>
      kept(id, (pkg) => planRespond(pkg, { ...input, id: input.id ?? randomUUID(), at: at() })),
    setDivision: (userId, input) =>
      store.changeUser(userId, (before) => planSetDivision(before, { ...input, at: at() })),
    setStateAssignments: async (userId, input) => {
      const knownStates = (await store.listStates()).map((s) => s.code);
      return store.changeUser(userId, (before) =>
        planSetStateAssignments(before, { ...input, knownStates, at: at() }),
      );
    },
  };
  return commands;
}

/** `store` with the lifecycle commands beside its own methods. */
export function drive<S extends Store | MaintainedStore>(store: S, clock?: Clock): S & StoreCommands {
  const commands = storeCommands(store, clock);
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (typeof prop === 'string' && prop in commands) return commands[prop as keyof StoreCommands];
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as S & StoreCommands;
}

/** What the test factories hand out: a whole store (maintenance included) with the lifecycle commands. */
export type DrivenStore = MaintainedStore & StoreCommands;

/** `store` whose maintenance has some methods replaced (e.g. to act in the gap of an import). */
export function withMaintenance<S extends MaintainedStore>(
  store: S,
  overrides: (real: StoreMaintenance) => Partial<StoreMaintenance>,
): S {
  const maintenance = { ...store.maintenance, ...overrides(store.maintenance) };
  return new Proxy(store, {
    get(target, key, receiver) {
      if (key === 'maintenance') return maintenance;
      const value = Reflect.get(target, key, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
