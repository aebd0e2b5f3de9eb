/**
 * The rate plans (domain rate-plans.ts) run straight on a Store through `changeGraph`, as the
 * conformance suite and the model test drive them. Each command reads only the record it is
 * about: a plan that needs more (a package's rates, a rate's packages) must ask for it
 * (`GraphNeeds`), which is part of what the suite checks.
 */
import { randomUUID } from 'node:crypto';
import {
  actorOf,
  type GraphChange,
  type GraphNeeds,
  type GraphRead,
  type GraphResult,
  lifecycle,
  type Package,
  planCreateRate,
  planDeletePackage,
  planLinkRate,
  planSubmitPackage,
  planUndoPackageWithdrawal,
  planUndoRateWithdrawal,
  planUndoUnlockPackage,
  planUnlinkRate,
  planUnlockPackage,
  planUpdateRate,
  planWithdrawPackage,
  planWithdrawRate,
  type RateFormDataInput,
  type RateGraph,
  type State,
  type User,
} from '../../src/domain/index.js';
import type { Clock } from '../../src/lib/clock.js';
import type { Store } from '../../src/store/store.js';
import { cleanContract, completeRateForm, ratesPackageForm } from '../conformance/fixtures.js';
import { steadyClock } from './store-commands.js';

/** Something at a version: the record a command names and the version its user saw. */
export interface Seen {
  id: string;
  version: number;
}

export interface RateCommands {
  /** A submittable contract-and-rates draft of the state (a CONTRACT document, no rates yet). */
  createPackage(state: State, user: User, id?: string): Promise<Package>;
  createRate(
    pkg: Seen,
    user: User,
    input?: { rateId?: string; formData?: RateFormDataInput | unknown },
  ): Promise<GraphResult>;
  updateRate(
    rate: Seen,
    user: User,
    input: { formData?: RateFormDataInput | unknown; documents?: unknown },
  ): Promise<GraphResult>;
  link(pkg: Seen, user: User, rateId: string): Promise<GraphResult>;
  unlink(pkg: Seen, user: User, rateId: string): Promise<GraphResult>;
  /** Submits a DRAFT; resubmits an UNLOCKED package (with a reason). */
  submit(pkg: Seen, user: User, state: State): Promise<GraphResult>;
  unlock(pkg: Seen, cms: User): Promise<GraphResult>;
  undoUnlock(pkg: Seen, cms: User): Promise<GraphResult>;
  deletePackage(pkg: Seen, user: User): Promise<GraphResult>;
  withdrawRate(rate: Seen, cms: User): Promise<GraphResult>;
  undoRateWithdrawal(rate: Seen, cms: User): Promise<GraphResult>;
  withdrawPackage(pkg: Seen, cms: User): Promise<GraphResult>;
  undoPackageWithdrawal(pkg: Seen, cms: User): Promise<GraphResult>;
}

type Plan = (graph: RateGraph) => GraphChange | GraphNeeds;

export function rateCommands(store: Store, clock: Clock = steadyClock()): RateCommands {
  const at = () => clock().toISOString();
  const run = (read: GraphRead, plan: Plan) => store.changeGraph(read, plan);
  const onPackage = (pkg: Seen) => ({ packageIds: [pkg.id] });
  const onRate = (rate: Seen) => ({ rateIds: [rate.id] });
  const reason = 'Conformance: a reason';
  return {
    createPackage: (state, user, id = randomUUID()) =>
      store.createPackage(
        lifecycle.createDraft({
          id,
          stateCode: state.code,
          formData: ratesPackageForm(state),
          documents: [cleanContract()],
          actor: actorOf(user),
          at: at(),
        }),
      ),
    createRate: (pkg, user, input = {}) => {
      const step = {
        user,
        at: at(),
        packageId: pkg.id,
        expectedVersion: pkg.version,
        rateId: input.rateId ?? randomUUID(),
        formData: input.formData ?? {},
      };
      return run(onPackage(pkg), (g) => planCreateRate(g, step));
    },
    updateRate: (rate, user, input) => {
      const step = { user, at: at(), rateId: rate.id, expectedVersion: rate.version, ...input };
      return run(onRate(rate), (g) => planUpdateRate(g, step));
    },
    link: (pkg, user, rateId) => {
      const step = { user, at: at(), packageId: pkg.id, expectedVersion: pkg.version, rateId };
      return run({ packageIds: [pkg.id], rateIds: [rateId] }, (g) => planLinkRate(g, step));
    },
    unlink: (pkg, user, rateId) => {
      const step = { user, at: at(), packageId: pkg.id, expectedVersion: pkg.version, rateId };
      return run({ packageIds: [pkg.id], rateIds: [rateId] }, (g) => planUnlinkRate(g, step));
    },
    submit: (pkg, user, state) => {
      const step = {
        user,
        at: at(),
        packageId: pkg.id,
        expectedVersion: pkg.version,
        reason,
        programs: state.programs,
      };
      return run(onPackage(pkg), (g) => planSubmitPackage(g, step));
    },
    unlock: (pkg, cms) => {
      const step = { user: cms, at: at(), packageId: pkg.id, expectedVersion: pkg.version, reason };
      return run(onPackage(pkg), (g) => planUnlockPackage(g, step));
    },
    undoUnlock: (pkg, cms) => {
      const step = { user: cms, at: at(), packageId: pkg.id, expectedVersion: pkg.version, reason };
      return run(onPackage(pkg), (g) => planUndoUnlockPackage(g, step));
    },
    deletePackage: (pkg, user) => {
      const step = { user, at: at(), packageId: pkg.id, expectedVersion: pkg.version };
      return run(onPackage(pkg), (g) => planDeletePackage(g, step));
    },
    withdrawRate: (rate, cms) => {
      const step = { user: cms, at: at(), rateId: rate.id, expectedVersion: rate.version, reason };
      return run(onRate(rate), (g) => planWithdrawRate(g, step));
    },
    undoRateWithdrawal: (rate, cms) => {
      const step = { user: cms, at: at(), rateId: rate.id, expectedVersion: rate.version, reason };
      return run(onRate(rate), (g) => planUndoRateWithdrawal(g, step));
    },
    withdrawPackage: (pkg, cms) => {
      const step = { user: cms, at: at(), packageId: pkg.id, expectedVersion: pkg.version, reason };
      return run(onPackage(pkg), (g) => planWithdrawPackage(g, step));
    },
    undoPackageWithdrawal: (pkg, cms) => {
      const step = { user: cms, at: at(), packageId: pkg.id, expectedVersion: pkg.version, reason };
      return run(onPackage(pkg), (g) => planUndoPackageWithdrawal(g, step));
    },
  };
}

/** The complete rate form certifying the state's first program. */
export const rateFormOf = (state: State) => completeRateForm([state.programs[0]!.id]);
