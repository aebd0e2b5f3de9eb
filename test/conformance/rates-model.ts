/**
 * A model-based property test of rates on every store: random sequences of the rate plans run
 * through `Store.changeGraph`, each checked against a deliberately simple model (a few maps, not
 * the domain's plans): the outcome (done, or refused with the code the rules give) and everything
 * observable of every package and rate afterwards. In the parallel mode, batches of 2–4 commands
 * run at once; the outcomes and the state must then be those of SOME serial order of the batch,
 * and every invariant of rate-invariants.ts must hold.
 *
 * Commands act "blind" (the expected version is the one the plan reads), so racing commands are
 * ordered by the store alone; a VERSION_CONFLICT means the store's retries ran out, and counts as
 * a command that did nothing. Seed: CAREPACK_PROPERTY_SEED; otherwise random, printed on failure.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  errorCode,
  type GraphChange,
  type GraphNeeds,
  lastSubmittedRateRevision,
  lastSubmittedRevision,
  type Package,
  planCreateRate,
  planDeletePackage,
  planLinkRate,
  planSubmitPackage,
  planUndoPackageWithdrawal,
  planUndoRateWithdrawal,
  planUnlinkRate,
  planUnlockPackage,
  planUpdateRate,
  planWithdrawPackage,
  planWithdrawRate,
  type Rate,
  type RateGraph,
  type State,
  type User,
} from '../../src/domain/index.js';
import type { Store } from '../../src/store/store.js';
import { rateCommands, rateFormOf } from '../support/rate-commands.js';
import { type DrivenStore, steadyClock } from '../support/store-commands.js';
import { cmsUser, freshState, rateDocument, stateUser } from './fixtures.js';
import { rateInvariantProblems } from './rate-invariants.js';
import { suiteStore } from './suite-helpers.js';

// ---------------------------------------------------------------- the model

type PkgStatus = 'DRAFT' | 'SUBMITTED' | 'UNLOCKED' | 'RESUBMITTED';
type RStatus = 'DRAFT' | 'SUBMITTED' | 'UNLOCKED' | 'RESUBMITTED' | 'WITHDRAWN';
interface Link {
  rateId: string;
  rateRevision: number | null;
}
interface MPackage {
  id: string;
  status: PkgStatus;
  withdrawn: boolean;
  revisions: number;
  /** The current revision's links (frozen when it is submitted). */
  current: Link[];
  /** The last submitted revision's links; null before the first submit. */
  submitted: Link[] | null;
  /** Order of first submission, for re-parenting. */
  firstSubmit: number | null;
}
interface MRate {
  id: string;
  parent: string;
  /** Who the parent may be after a re-parenting the model cannot tell apart. */
  parentOptions?: string[];
  revisions: number;
  /** Is the newest revision submitted? */
  newestSubmitted: boolean;
  lastSubmitted: number | null;
  /** Has its newest revision the rate certification document a submit needs? */
  hasDoc: boolean;
  withdrawn: boolean;
  /** The packages the last withdrawal took it from. */
  withdrawnFrom: string[];
  packageIds: Set<string>;
}
interface Model {
  packages: Map<string, MPackage>;
  rates: Map<string, MRate>;
  /** Ids of packages and rates deleted: reading them is NOT_FOUND. */
  gone: Set<string>;
  submits: number;
}

const emptyModel = (): Model => ({ packages: new Map(), rates: new Map(), gone: new Set(), submits: 0 });
const cloneModel = (m: Model): Model => ({
  submits: m.submits,
  gone: new Set(m.gone),
  packages: new Map([...m.packages].map(([k, p]) => [k, structuredClone(p)])),
  rates: new Map(
    [...m.rates].map(([k, r]) => [k, { ...structuredClone(r), packageIds: new Set(r.packageIds) }]),
  ),
});

const rateStatus = (r: MRate): RStatus => {
  if (r.withdrawn) return 'WITHDRAWN';
  if (r.revisions === 1) return r.newestSubmitted ? 'SUBMITTED' : 'DRAFT';
  return r.newestSubmitted ? 'RESUBMITTED' : 'UNLOCKED';
};
const pkgStatus = (revisions: number, submitted: boolean): PkgStatus =>
  revisions === 1 ? (submitted ? 'SUBMITTED' : 'DRAFT') : submitted ? 'RESUBMITTED' : 'UNLOCKED';
const isDraftLike = (p: MPackage) => p.status === 'DRAFT' || p.status === 'UNLOCKED';
const carried = (p: MPackage) => new Set([...p.current, ...(p.submitted ?? [])].map((l) => l.rateId));
/** A rate's packageIds follow from the packages: recomputed after every model step. */
function syncPackageIds(m: Model) {
  for (const r of m.rates.values()) r.packageIds = new Set();
  for (const p of m.packages.values()) for (const id of carried(p)) m.rates.get(id)?.packageIds.add(p.id);
}

/** What the rules say of a command on the model: done (the model changed), or the codes it may be refused with. */
type Verdict = { ok: true } | { ok: false; codes: string[] };
const refuse = (...codes: string[]): Verdict => ({ ok: false, codes });
const done: Verdict = { ok: true };

/** Do this with the rules: collects every rule broken; when none, applies `then`. */
function rule(broken: [boolean, string][], then: () => void): Verdict {
  const codes = broken.filter(([b]) => b).map(([, c]) => c);
  if (codes.length > 0) return refuse(...codes);
  then();
  return done;
}

const MAX_PACKAGES_PER_RATE = 10;
const MAX_LINKS = 20;

// ---------------------------------------------------------------- the commands

/** Whether a contract-and-rates package needs a rate to be submitted (validate-submit). */
const SUBMIT_NEEDS_A_RATE = true;

interface World {
  store: Store;
  state: State;
  user: User;
  cms: User;
  at: () => string;
}

type Plan = (g: RateGraph) => GraphChange | GraphNeeds;
const pkgVersion = (g: RateGraph, id: string) => g.packages.get(id)?.version ?? 1;
const rateVersion = (g: RateGraph, id: string) => g.rates.get(id)?.version ?? 1;
const REASON = 'Model: a reason';

/** One command with its targets fixed: the rules on the model, and the plan on the store. */
interface Step {
  label: string;
  /** The rules on the model; changes it only when the command is done. */
  apply(m: Model): Verdict;
  /** Ids of the records it creates, for reading them back. */
  newIds?: string[];
  exec(w: World): Promise<unknown>;
}

/** A generated command: picks its targets (by index) from the model of the moment; null when it has none. */
export interface Cmd {
  kind: string;
  /** Ids of new records are made here, so a command replayed (fast-check shrinking) makes new ones. */
  resolve(m: Model): Step | null;
}

const pick = <T>(items: T[], n: number): T | undefined =>
  items.length ? items[n % items.length] : undefined;
/**
 * Four picks in five aim at a record the command suits (so commands get done, not only refused);
 * the fifth takes any, so the refusals are exercised too.
 */
const aim = <T>(items: T[], n: number, suits: (x: T) => boolean): T | undefined => {
  const suited = n % 5 === 0 ? [] : items.filter(suits);
  return pick(suited.length ? suited : items, Math.floor(n / 5));
};
const changeGraph = (w: World, read: { packageIds?: string[]; rateIds?: string[] }, plan: Plan) =>
  w.store.changeGraph(read, plan);

/** A command on one package; `newId` is a fresh id for each resolution (a record it creates). */
const onPackage =
  (
    kind: string,
    rules: (m: Model, p: MPackage, newId: string) => Verdict,
    plan: (w: World, id: string, newId: string) => Promise<unknown>,
    suits: (m: Model, p: MPackage) => boolean = () => true,
  ) =>
  (n: number): Cmd => ({
    kind,
    resolve(m) {
      const p = aim([...m.packages.values()], n, (x) => suits(m, x));
      if (!p) return null;
      const newId = randomUUID();
      return {
        label: `${kind} P${p.id.slice(0, 4)}`,
        apply: (model) => {
          const current = model.packages.get(p.id);
          return current ? rules(model, current, newId) : refuse('NOT_FOUND');
        },
        exec: (w) => plan(w, p.id, newId),
        newIds: [newId],
      };
    },
  });

const onRate =
  (
    kind: string,
    rules: (m: Model, r: MRate) => Verdict,
    plan: (w: World, id: string) => Promise<unknown>,
    suits: (m: Model, r: MRate) => boolean = () => true,
  ) =>
  (n: number): Cmd => ({
    kind,
    resolve(m) {
      const r = aim([...m.rates.values()], n, (x) => suits(m, x));
      if (!r) return null;
      return {
        label: `${kind} R${r.id.slice(0, 4)}`,
        apply: (model) => {
          const current = model.rates.get(r.id);
          return current ? rules(model, current) : refuse('NOT_FOUND');
        },
        exec: (w) => plan(w, r.id),
      };
    },
  });

function createPackage(): Cmd {
  return {
    kind: 'createPackage',
    resolve: (_m, id = randomUUID()) => ({
      label: `createPackage P${id.slice(0, 4)}`,
      newIds: [id],
      apply(m) {
        m.packages.set(id, {
          id,
          status: 'DRAFT',
          withdrawn: false,
          revisions: 1,
          current: [],
          submitted: null,
          firstSubmit: null,
        });
        return done;
      },
      exec: (w) => rateCommands(w.store).createPackage(w.state, w.user, id),
    }),
  };
}

const createRate = onPackage(
  'createRate',
  (m, p, rateId) =>
    rule(
      [
        [!isDraftLike(p), 'INVALID_TRANSITION'],
        [p.current.length >= MAX_LINKS, 'VALIDATION_FAILED'],
      ],
      () => {
        m.rates.set(rateId, {
          id: rateId,
          parent: p.id,
          revisions: 1,
          newestSubmitted: false,
          lastSubmitted: null,
          hasDoc: false,
          withdrawn: false,
          withdrawnFrom: [],
          packageIds: new Set([p.id]),
        });
        p.current.push({ rateId, rateRevision: null });
      },
    ),
  (w, id, rateId) =>
    changeGraph(w, { packageIds: [id] }, (g) =>
      planCreateRate(g, {
        user: w.user,
        at: w.at(),
        packageId: id,
        expectedVersion: pkgVersion(g, id),
        rateId,
        formData: rateFormOf(w.state),
      }),
    ),
  (_m, p) => isDraftLike(p),
);

function link(n: number, k: number): Cmd {
  return {
    kind: 'link',
    resolve(m) {
      const p = aim([...m.packages.values()], n, isDraftLike);
      const r = aim([...m.rates.values()], k, (x) => x.lastSubmitted !== null && !x.withdrawn);
      if (!p || !r) return null;
      return {
        label: `link P${p.id.slice(0, 4)} R${r.id.slice(0, 4)}`,
        apply(model) {
          const mp = model.packages.get(p.id);
          const mr = model.rates.get(r.id);
          if (!mp || !mr) return refuse('NOT_FOUND');
          return rule(
            [
              [!isDraftLike(mp), 'INVALID_TRANSITION'],
              [mr.lastSubmitted === null || mr.withdrawn, 'INVALID_TRANSITION'],
              [mp.current.some((l) => l.rateId === r.id), 'INVALID_TRANSITION'],
              [mr.packageIds.size >= MAX_PACKAGES_PER_RATE && !mr.packageIds.has(p.id), 'VALIDATION_FAILED'],
              [mp.current.length >= MAX_LINKS, 'VALIDATION_FAILED'],
            ],
            () => mp.current.push({ rateId: r.id, rateRevision: null }),
          );
        },
        exec: (w) =>
          changeGraph(w, { packageIds: [p.id], rateIds: [r.id] }, (g) =>
            planLinkRate(g, {
              user: w.user,
              at: w.at(),
              packageId: p.id,
              expectedVersion: pkgVersion(g, p.id),
              rateId: r.id,
            }),
          ),
      };
    },
  };
}

function unlink(n: number, k: number): Cmd {
  return {
    kind: 'unlink',
    resolve(m) {
      const p = pick(
        [...m.packages.values()].filter((x) => x.current.length > 0),
        n,
      );
      const l = p && pick(p.current, k);
      if (!p || !l) return null;
      const rateId = l.rateId;
      return {
        label: `unlink P${p.id.slice(0, 4)} R${rateId.slice(0, 4)}`,
        apply(model) {
          const mp = model.packages.get(p.id);
          if (!mp) return refuse('NOT_FOUND');
          const mr = model.rates.get(rateId);
          const child = mr?.parent === p.id;
          return rule(
            [
              [!isDraftLike(mp), 'INVALID_TRANSITION'],
              [!mp.current.some((x) => x.rateId === rateId), 'INVALID_TRANSITION'],
              [child && mr?.lastSubmitted !== null, 'INVALID_TRANSITION'],
            ],
            () => {
              mp.current = mp.current.filter((x) => x.rateId !== rateId);
              if (child) {
                model.rates.delete(rateId);
                model.gone.add(rateId);
              }
            },
          );
        },
        exec: (w) =>
          changeGraph(w, { packageIds: [p.id], rateIds: [rateId] }, (g) =>
            planUnlinkRate(g, {
              user: w.user,
              at: w.at(),
              packageId: p.id,
              expectedVersion: pkgVersion(g, p.id),
              rateId,
            }),
          ),
      };
    },
  };
}

const submit = onPackage(
  'submit',
  (m, p) =>
    rule(
      [
        [!isDraftLike(p), 'INVALID_TRANSITION'],
        [SUBMIT_NEEDS_A_RATE && p.current.length === 0, 'SUBMISSION_INCOMPLETE'],
        [
          p.current.some((l) => {
            const r = m.rates.get(l.rateId);
            return r?.parent === p.id && !r.newestSubmitted && !r.hasDoc;
          }),
          'SUBMISSION_INCOMPLETE',
        ],
        [
          p.current.some((l) => {
            const r = m.rates.get(l.rateId);
            return !r || r.withdrawn || (r.parent !== p.id && r.lastSubmitted === null);
          }),
          'VALIDATION_FAILED',
        ],
      ],
      () => {
        const frozen = p.current.map((l) => {
          const r = m.rates.get(l.rateId)!;
          if (r.parent === p.id && !r.newestSubmitted) {
            r.newestSubmitted = true;
            r.lastSubmitted = r.revisions;
          }
          return { rateId: r.id, rateRevision: r.parent === p.id ? r.revisions : r.lastSubmitted };
        });
        p.current = frozen;
        p.submitted = structuredClone(frozen);
        p.status = pkgStatus(p.revisions, true);
        p.firstSubmit ??= m.submits++;
      },
    ),
  (w, id) =>
    changeGraph(w, { packageIds: [id] }, (g) =>
      planSubmitPackage(g, {
        user: w.user,
        at: w.at(),
        packageId: id,
        expectedVersion: pkgVersion(g, id),
        reason: REASON,
        programs: w.state.programs,
      }),
    ),
  (m, p) =>
    isDraftLike(p) &&
    p.current.length > 0 &&
    p.current.every((l) => {
      const r = m.rates.get(l.rateId);
      return r !== undefined && (r.parent !== p.id || r.newestSubmitted || r.hasDoc);
    }),
);

/** CMS does not see a package never submitted: NOT_FOUND, as for packages. */
const unseenByCms = (p: MPackage): [boolean, string] => [p.firstSubmit === null, 'NOT_FOUND'];
const rateUnseenByCms = (r: MRate): [boolean, string] => [r.lastSubmitted === null, 'NOT_FOUND'];

const unlock = onPackage(
  'unlock',
  (m, p) =>
    rule(
      [unseenByCms(p), [isDraftLike(p), 'INVALID_TRANSITION'], [p.withdrawn, 'INVALID_TRANSITION']],
      () => {
        p.revisions++;
        p.status = 'UNLOCKED';
        p.current = (p.submitted ?? []).map((l) => ({ rateId: l.rateId, rateRevision: null }));
        for (const l of p.current) {
          const r = m.rates.get(l.rateId);
          if (r?.parent === p.id && !r.withdrawn && r.newestSubmitted) {
            r.revisions++;
            r.newestSubmitted = false;
          }
        }
      },
    ),
  (w, id) =>
    changeGraph(w, { packageIds: [id] }, (g) =>
      planUnlockPackage(g, {
        user: w.cms,
        at: w.at(),
        packageId: id,
        expectedVersion: pkgVersion(g, id),
        reason: REASON,
      }),
    ),
  (_m, p) => !isDraftLike(p) && !p.withdrawn,
);

const deleteDraft = onPackage(
  'deleteDraft',
  (m, p) =>
    rule([[p.status !== 'DRAFT', 'INVALID_TRANSITION']], () => {
      for (const r of [...m.rates.values()])
        if (r.parent === p.id && r.lastSubmitted === null) {
          m.rates.delete(r.id);
          m.gone.add(r.id);
        }
      m.packages.delete(p.id);
      m.gone.add(p.id);
    }),
  (w, id) =>
    changeGraph(w, { packageIds: [id] }, (g) =>
      planDeletePackage(g, { user: w.user, at: w.at(), packageId: id, expectedVersion: pkgVersion(g, id) }),
    ),
  (_m, p) => p.status === 'DRAFT',
);

/** A package gets a new submitted revision with these links (a withdrawal of a rate, or its undo). */
function newSubmittedRevision(p: MPackage, links: Link[]) {
  p.revisions++;
  p.current = links;
  p.submitted = structuredClone(links);
  p.status = 'RESUBMITTED';
}

const withdrawRate = onRate(
  'withdrawRate',
  (m, r) =>
    rule(
      [
        rateUnseenByCms(r),
        [r.lastSubmitted === null || r.withdrawn, 'INVALID_TRANSITION'],
        [[...r.packageIds].some((id) => m.packages.get(id)?.status === 'UNLOCKED'), 'INVALID_TRANSITION'],
      ],
      () => {
        const from: string[] = [];
        for (const id of r.packageIds) {
          const p = m.packages.get(id)!;
          const without = p.current.filter((l) => l.rateId !== r.id);
          if (p.status === 'DRAFT') p.current = without;
          else {
            newSubmittedRevision(p, without);
            from.push(id);
          }
        }
        r.withdrawn = true;
        r.withdrawnFrom = from;
      },
    ),
  (w, id) =>
    changeGraph(w, { rateIds: [id] }, (g) =>
      planWithdrawRate(g, {
        user: w.cms,
        at: w.at(),
        rateId: id,
        expectedVersion: rateVersion(g, id),
        reason: REASON,
      }),
    ),
  (_m, r) => r.lastSubmitted !== null && !r.withdrawn,
);

const undoRateWithdrawal = onRate(
  'undoRateWithdrawal',
  (m, r) =>
    rule(
      [
        rateUnseenByCms(r),
        [!r.withdrawn, 'INVALID_TRANSITION'],
        [r.withdrawnFrom.some((id) => m.packages.get(id)?.status === 'UNLOCKED'), 'INVALID_TRANSITION'],
      ],
      () => {
        for (const id of r.withdrawnFrom) {
          const p = m.packages.get(id);
          if (!p || p.withdrawn || isDraftLike(p) || carried(p).has(r.id)) continue;
          newSubmittedRevision(p, [...p.current, { rateId: r.id, rateRevision: r.lastSubmitted }]);
        }
        r.withdrawn = false;
      },
    ),
  (w, id) =>
    changeGraph(w, { rateIds: [id] }, (g) =>
      planUndoRateWithdrawal(g, {
        user: w.cms,
        at: w.at(),
        rateId: id,
        expectedVersion: rateVersion(g, id),
        reason: REASON,
      }),
    ),
  (_m, r) => r.withdrawn,
);

const withdrawPackage = onPackage(
  'withdrawPackage',
  (m, p) =>
    rule(
      [unseenByCms(p), [isDraftLike(p), 'INVALID_TRANSITION'], [p.withdrawn, 'INVALID_TRANSITION']],
      () => {
        p.withdrawn = true;
        for (const id of carried(p)) {
          const r = m.rates.get(id);
          if (!r || r.parent !== p.id || r.withdrawn) continue;
          const others = [...r.packageIds].map((o) => m.packages.get(o)!).filter((o) => o.id !== p.id);
          // The heir: another carrier submitted at least once and not withdrawn, the first submitted.
          const heirs = others
            .filter((o) => o.firstSubmit !== null && !o.withdrawn)
            .sort((a, b) => a.firstSubmit! - b.firstSubmit!);
          if (heirs.length > 0) {
            r.parent = heirs[0]!.id;
            // In a race, which was submitted first is the store's clock's business: any will do.
            if (heirs.length > 1) r.parentOptions = heirs.map((o) => o.id);
          } else {
            // Withdrawn with it; drafts linking it lose the link.
            for (const o of others)
              if (o.firstSubmit === null) o.current = o.current.filter((l) => l.rateId !== r.id);
            r.withdrawn = true;
            r.withdrawnFrom = [p.id];
          }
        }
      },
    ),
  (w, id) =>
    changeGraph(w, { packageIds: [id] }, (g) =>
      planWithdrawPackage(g, {
        user: w.cms,
        at: w.at(),
        packageId: id,
        expectedVersion: pkgVersion(g, id),
        reason: REASON,
      }),
    ),
  (_m, p) => !isDraftLike(p) && !p.withdrawn,
);

const undoPackageWithdrawal = onPackage(
  'undoPackageWithdrawal',
  (m, p) =>
    rule([unseenByCms(p), [!p.withdrawn, 'INVALID_TRANSITION']], () => {
      p.withdrawn = false;
      for (const id of carried(p)) {
        const r = m.rates.get(id);
        if (r?.parent === p.id && r.withdrawn && r.withdrawnFrom.includes(p.id)) r.withdrawn = false;
      }
    }),
  (w, id) =>
    changeGraph(w, { packageIds: [id] }, (g) =>
      planUndoPackageWithdrawal(g, {
        user: w.cms,
        at: w.at(),
        packageId: id,
        expectedVersion: pkgVersion(g, id),
        reason: REASON,
      }),
    ),
  (_m, p) => p.withdrawn,
);

/** The parent's state attaches the rate certification document to a rate's unsubmitted revision. */
const attachRateDocument = onRate(
  'attachRateDocument',
  (m, r) => {
    const parent = m.packages.get(r.parent);
    return rule(
      [
        [!parent || !isDraftLike(parent), 'INVALID_TRANSITION'],
        [r.withdrawn || r.newestSubmitted, 'INVALID_TRANSITION'],
      ],
      () => {
        r.hasDoc = true;
      },
    );
  },
  (w, id) =>
    changeGraph(w, { rateIds: [id] }, (g) =>
      planUpdateRate(g, {
        user: w.user,
        at: w.at(),
        rateId: id,
        expectedVersion: rateVersion(g, id),
        documents: [rateDocument('rates.pdf')],
      }),
    ),
  (_m, r) => !r.hasDoc && !r.newestSubmitted,
);

/** Commands weighted toward building rates and links, so the refusals have something to refuse. */
const anyCmd: fc.Arbitrary<Cmd> = fc.oneof(
  { arbitrary: fc.constant(null).map(() => createPackage()), weight: 2 },
  { arbitrary: fc.nat(50).map(createRate), weight: 4 },
  { arbitrary: fc.nat(50).map(attachRateDocument), weight: 4 },
  { arbitrary: fc.tuple(fc.nat(50), fc.nat(50)).map(([n, k]) => link(n, k)), weight: 4 },
  { arbitrary: fc.tuple(fc.nat(50), fc.nat(50)).map(([n, k]) => unlink(n, k)), weight: 1 },
  { arbitrary: fc.nat(50).map(submit), weight: 4 },
  { arbitrary: fc.nat(50).map(unlock), weight: 2 },
  { arbitrary: fc.nat(50).map(withdrawRate), weight: 2 },
  { arbitrary: fc.nat(50).map(undoRateWithdrawal), weight: 1 },
  { arbitrary: fc.nat(50).map(withdrawPackage), weight: 1 },
  { arbitrary: fc.nat(50).map(undoPackageWithdrawal), weight: 1 },
  { arbitrary: fc.nat(50).map(deleteDraft), weight: 1 },
);

/** Printed by its kind in a counterexample, not as its closures. */
const cmdArb = anyCmd.map((c) => Object.assign(c, { [fc.toStringMethod]: () => c.kind }));

// ---------------------------------------------------------------- observing the store

interface Seen {
  packages: Map<string, Package>;
  rates: Map<string, Rate>;
  /** Model ids the store no longer has. */
  missing: Set<string>;
}

async function observe(store: Store, m: Model, newIds: readonly string[] = []): Promise<Seen> {
  const ids = [...new Set([...m.packages.keys(), ...m.gone, ...newIds])];
  const packages = new Map<string, Package>();
  const missing = new Set<string>();
  await Promise.all(
    ids.map(async (id) => {
      try {
        packages.set(id, await store.getPackage(id));
      } catch (e) {
        if (errorCode(e) !== 'NOT_FOUND') throw e;
        missing.add(id);
      }
    }),
  );
  const rateIds = [...new Set([...m.rates.keys(), ...m.gone, ...newIds])];
  const rates = new Map<string, Rate>();
  for (let i = 0; i < rateIds.length; i += 50)
    for (const r of await store.getRates(rateIds.slice(i, i + 50))) rates.set(r.id, r);
  for (const id of m.rates.keys()) if (!rates.has(id)) missing.add(id);
  return { packages, rates, missing };
}

const sortLinks = (links: readonly Link[]) =>
  [...links]
    .map((l) => ({ rateId: l.rateId, rateRevision: l.rateRevision }))
    .sort((a, b) => a.rateId.localeCompare(b.rateId));

/** Every difference between the model and what the store holds (empty: they agree). */
function differences(m: Model, seen: Seen): string[] {
  const diffs: string[] = [];
  const same = (what: string, expected: unknown, actual: unknown) => {
    if (JSON.stringify(expected) !== JSON.stringify(actual))
      diffs.push(`${what}: model ${JSON.stringify(expected)}, store ${JSON.stringify(actual)}`);
  };
  for (const p of m.packages.values()) {
    const s = seen.packages.get(p.id);
    if (!s) {
      diffs.push(`package ${p.id} missing`);
      continue;
    }
    const at = `package ${p.id.slice(0, 4)}`;
    same(`${at} status`, p.status, s.status);
    same(`${at} withdrawn`, p.withdrawn, s.reviewStatus === 'WITHDRAWN');
    same(`${at} revisions`, p.revisions, s.revisions.length);
    same(`${at} current links`, sortLinks(p.current), sortLinks(s.revisions[0]!.rateLinks));
    same(
      `${at} submitted links`,
      p.submitted && sortLinks(p.submitted),
      (() => {
        const last = lastSubmittedRevision(s);
        return last ? sortLinks(last.rateLinks) : null;
      })(),
    );
  }
  for (const r of m.rates.values()) {
    const s = seen.rates.get(r.id);
    if (!s) {
      diffs.push(`rate ${r.id} missing`);
      continue;
    }
    const at = `rate ${r.id.slice(0, 4)}`;
    same(`${at} status`, rateStatus(r), s.status);
    if (r.parentOptions) {
      if (!r.parentOptions.includes(s.parentPackageId))
        diffs.push(`${at} parent: model one of ${r.parentOptions.join(', ')}, store ${s.parentPackageId}`);
    } else same(`${at} parent`, r.parent, s.parentPackageId);
    same(`${at} revisions`, r.revisions, s.revisions.length);
    same(`${at} last submitted`, r.lastSubmitted, lastSubmittedRateRevision(s)?.number ?? null);
    same(`${at} packageIds`, [...r.packageIds].sort(), [...s.packageIds].sort());
  }
  for (const id of m.gone)
    if (seen.packages.has(id) || seen.rates.has(id)) diffs.push(`${id} should be gone`);
  for (const id of [...seen.packages.keys(), ...seen.rates.keys()])
    if (!m.packages.has(id) && !m.rates.has(id) && !m.gone.has(id)) diffs.push(`${id} should not exist`);
  return diffs;
}

/** Settles the model's open choices (a re-parenting) to what the store chose. */
function settle(m: Model, seen: Seen) {
  for (const r of m.rates.values())
    if (r.parentOptions) {
      r.parent = seen.rates.get(r.id)!.parentPackageId;
      delete r.parentOptions;
    }
}

function invariantProblems(seen: Seen): string[] {
  return rateInvariantProblems([...seen.packages.values()], [...seen.rates.values()]);
}

// ---------------------------------------------------------------- running

type Outcome = { ok: true } | { ok: false; code: string; error: unknown };

async function outcomeOf(promise: Promise<unknown>): Promise<Outcome> {
  try {
    await promise;
    return { ok: true };
  } catch (error) {
    const code = errorCode(error);
    if (!code) throw error; // a bare Error is a defect whatever the model says
    return { ok: false, code, error };
  }
}

/** Does the model, stepping through `steps` in this order, give these outcomes? Returns the model after, or a reason. */
function replay(m: Model, steps: Step[], outcomes: Outcome[]): Model | string {
  const model = cloneModel(m);
  for (const [i, step] of steps.entries()) {
    const outcome = outcomes[i]!;
    // The store's retries ran out: the command did nothing, whatever the rules would say.
    if (!outcome.ok && outcome.code === 'VERSION_CONFLICT') continue;
    const verdict = step.apply(model);
    syncPackageIds(model);
    if (verdict.ok !== outcome.ok)
      return `${step.label}: model ${verdict.ok ? 'done' : `refuses ${(verdict as { codes: string[] }).codes}`}, store ${outcome.ok ? 'done' : `refused ${outcome.code}: ${String(outcome.error)}`}`;
    if (!verdict.ok && !outcome.ok && !verdict.codes.includes(outcome.code))
      return `${step.label}: model refuses with one of ${verdict.codes}, store ${outcome.code}: ${String(outcome.error)}`;
  }
  return model;
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((x, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [x, ...rest]),
  );
}

class Counts {
  runs = 0;
  commands = 0;
  batches = 0;
  refused = 0;
  exhausted = 0;
  /** Per command kind: how many were done, how many refused. */
  readonly kinds = new Map<string, { done: number; refused: number }>();
  readonly codes = new Map<string, number>();
  note(outcome: Outcome, label: string) {
    const kind = label.split(' ')[0]!;
    const k = this.kinds.get(kind) ?? { done: 0, refused: 0 };
    if (outcome.ok) k.done++;
    else {
      k.refused++;
      const key = `${kind}:${outcome.code}`;
      this.codes.set(key, (this.codes.get(key) ?? 0) + 1);
    }
    this.kinds.set(kind, k);
    this.commands++;
    if (!outcome.ok) {
      this.refused++;
      if (outcome.code === 'VERSION_CONFLICT') this.exhausted++;
    }
  }
  /** `kind done/refused` for each command kind, for the closing note. */
  summary() {
    const kinds = [...this.kinds].map(([kind, k]) => `${kind} ${k.done}/${k.refused}`).join(', ');
    const codes = [...this.codes].map(([key, n]) => `${key} ${n}`).join(', ');
    return `${kinds}; refusals: ${codes}`;
  }
}

interface Real {
  world: World;
}
interface ModelBox {
  model: Model;
}

/** fast-check's command around a Step, for `fc.asyncModelRun`. */
class SerialCommand implements fc.AsyncCommand<ModelBox, Real> {
  label = '';
  constructor(
    readonly cmd: Cmd,
    readonly counts: Counts,
  ) {}
  check = () => true;
  async run(box: ModelBox, real: Real) {
    const step = this.cmd.resolve(box.model);
    if (!step) return;
    this.label = step.label;
    const outcome = await outcomeOf(step.exec(real.world));
    this.counts.note(outcome, step.label);
    const after = replay(box.model, [step], [outcome]);
    if (typeof after === 'string') throw new Error(after);
    const seen = await observe(real.world.store, after);
    const diffs = [...differences(after, seen), ...invariantProblems(seen)];
    if (diffs.length) throw new Error(`after ${step.label}:\n  ${diffs.join('\n  ')}`);
    settle(after, seen);
    box.model = after;
  }
  toString = () => this.label || this.cmd.kind;
}

/**
 * Every run starts from three packages with a rate each (and its document), two of them
 * submitted: the commands then have submitted rates to link, unlock and withdraw from the start.
 */
const prelude = (): Cmd[] => [
  createPackage(),
  createPackage(),
  createPackage(),
  createRate(1),
  createRate(6),
  createRate(11),
  attachRateDocument(1),
  attachRateDocument(1),
  attachRateDocument(1),
  submit(1),
  submit(1),
];

/** Runs commands one by one, each checked against the model as it goes; the model after. */
async function runSerially(world: World, start: Model, cmds: Cmd[], counts: Counts): Promise<Model> {
  let model = start;
  for (const cmd of cmds) {
    const step = cmd.resolve(model);
    if (!step) continue;
    const outcome = await outcomeOf(step.exec(world));
    counts.note(outcome, step.label);
    const after = replay(model, [step], [outcome]);
    if (typeof after === 'string') throw new Error(`setup: ${after}`);
    model = after;
  }
  return model;
}

const seedOf = () => {
  const fixed = process.env.CAREPACK_PROPERTY_SEED;
  return fixed ? Number(fixed) : Math.floor(Math.random() * 2 ** 31);
};

/** The model test's sizes: each backend's run stays within about 20 s (see the closing note's figures). */
const RUNS_SCALE = Number(process.env.CAREPACK_PROPERTY_RUNS_SCALE ?? 1);
const SERIAL = { numRuns: Math.round(8 * RUNS_SCALE), maxCommands: 30, timeLimitMs: 4_000 * RUNS_SCALE };
const PARALLEL = { numRuns: Math.round(6 * RUNS_SCALE), maxBatches: 6, timeLimitMs: 4_000 * RUNS_SCALE };

export function runRatesModel(getStore: () => DrivenStore, nextCode: () => string, backend: string) {
  const store = suiteStore(getStore);

  async function freshWorld(): Promise<World> {
    const state = await freshState(store, nextCode);
    const clock = steadyClock();
    return { store, state, user: stateUser(state.code), cms: cmsUser(), at: () => clock().toISOString() };
  }

  describe('rates: model', () => {
    it('random command sequences agree with the model, command by command', { timeout: 60_000 }, async () => {
      const counts = new Counts();
      const seed = seedOf();
      const started = Date.now();
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.commands([cmdArb.map((c) => new SerialCommand(c, counts))], {
              maxCommands: SERIAL.maxCommands,
              size: 'max',
            }),
            async (cmds) => {
              // The time budget ends between runs, never inside one (fast-check's own interrupt
              // abandons a run mid-way, leaving its writes going on after the test).
              if (Date.now() - started > SERIAL.timeLimitMs) return;
              counts.runs++;
              const world = await freshWorld();
              const model = await runSerially(world, emptyModel(), prelude(), counts);
              await fc.asyncModelRun(() => ({ model: { model }, real: { world } }), cmds);
            },
          ),
          {
            seed,
            numRuns: SERIAL.numRuns,
          },
        );
      } catch (e) {
        throw new Error(
          `rates model (serial) failed on ${backend}; reproduce with CAREPACK_PROPERTY_SEED=${seed}\n${String(e)}`,
          { cause: e },
        );
      }
      console.info(
        `rates model (serial, ${backend}): seed ${seed}, ${counts.runs} runs, ${counts.commands} commands (${counts.refused} refused) in ${Date.now() - started} ms; done/refused: ${counts.summary()}`,
      );
      expect(counts.commands).toBeGreaterThan(0);
    });

    it('batches run at once end as some serial order of them would', { timeout: 60_000 }, async () => {
      const counts = new Counts();
      const seed = seedOf();
      const started = Date.now();
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(cmdArb, { minLength: 4, maxLength: 10 }),
            fc.array(fc.array(cmdArb, { minLength: 2, maxLength: 4 }), {
              minLength: 1,
              maxLength: PARALLEL.maxBatches,
            }),
            async (setup, batches) => {
              if (Date.now() - started > PARALLEL.timeLimitMs) return; // as above: between runs only
              counts.runs++;
              const world = await freshWorld();
              let model = await runSerially(world, emptyModel(), [...prelude(), ...setup], counts);
              for (const batch of batches) {
                const steps = batch.map((c) => c.resolve(model)).filter((s): s is Step => s !== null);
                if (steps.length < 2) continue;
                counts.batches++;
                const settled = await Promise.allSettled(steps.map((s) => outcomeOf(s.exec(world))));
                const outcomes = settled.map((s) => {
                  if (s.status === 'rejected') throw s.reason;
                  return s.value;
                });
                outcomes.forEach((o, i) => {
                  counts.note(o, steps[i]!.label);
                });
                const seen = await observe(
                  world.store,
                  model,
                  steps.flatMap((s) => s.newIds ?? []),
                );
                const problems = invariantProblems(seen);
                if (problems.length) throw new Error(`invariants after a batch:\n  ${problems.join('\n  ')}`);
                const tried: string[] = [];
                let found: Model | undefined;
                for (const order of permutations(steps.map((_, i) => i))) {
                  const after = replay(
                    model,
                    order.map((i) => steps[i]!),
                    order.map((i) => outcomes[i]!),
                  );
                  const why = typeof after === 'string' ? after : differences(after, seen).join('; ');
                  if (!why && typeof after !== 'string') {
                    found = after;
                    break;
                  }
                  tried.push(`${order.map((i) => steps[i]!.label).join(' → ')}: ${why}`);
                }
                if (!found) throw new Error(`no serial order explains the batch:\n  ${tried.join('\n  ')}`);
                settle(found, seen);
                model = found;
              }
            },
          ),
          {
            seed,
            numRuns: PARALLEL.numRuns,
          },
        );
      } catch (e) {
        throw new Error(
          `rates model (parallel) failed on ${backend}; reproduce with CAREPACK_PROPERTY_SEED=${seed}\n${String(e)}`,
          { cause: e },
        );
      }
      console.info(
        `rates model (parallel, ${backend}): seed ${seed}, ${counts.runs} runs, ${counts.batches} batches, ${counts.commands} commands (${counts.refused} refused, ${counts.exhausted} out of retries) in ${Date.now() - started} ms; done/refused: ${counts.summary()}`,
      );
      expect(counts.batches).toBeGreaterThan(0);
    });
  });
}
