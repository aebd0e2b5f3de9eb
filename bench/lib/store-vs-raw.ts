/** What the store-vs-raw benchmarks (DynamoDB and PostgreSQL) share: timing, rows, inputs. */
import { randomUUID } from 'node:crypto';
import type { Actor, FormData, PackageDocument } from '../../src/domain/index.js';
import { inParallel } from '../../src/lib/parallel.js';
import type { DrivenStore } from '../../test/support/store-commands.js';
import { ACTOR, documents, FORM_DATA } from '../store-fixtures.js';
import { type AB, type ABResult, compareAB, summary } from './compare.js';
import type { BenchRow } from './report.js';

export const OVERHEAD_TARGET = 1.15;
export const TIMING = { rounds: 101, warmupOps: 60, roundMs: 50, minOps: 3, maxOps: 100 };

export interface Comparison {
  row: BenchRow;
  result: ABResult;
}

/** DrivenStore (a) vs raw (b), interleaved; logs and returns the row. */
export async function compare(op: string, ab: AB, baseline: string): Promise<Comparison> {
  const result = await compareAB(ab, TIMING);
  const s = summary(result);
  const row: BenchRow = {
    op,
    subjectMs: s.aMs,
    baselineMs: s.bMs,
    ratio: s.ratio,
    ratioIqr: s.ratioIqr,
    target: OVERHEAD_TARGET,
    baseline,
  };
  console.log(
    `  ${op}: store ${s.aMs.toFixed(2)} ms, raw ${s.bMs.toFixed(2)} ms, ratio ${s.ratio.toFixed(3)}`,
  );
  return { row, result };
}

/** A queue per side, refilled (untimed) before each batch, drained one item per timed op. */
export function queues<T>(make: (count: number) => Promise<T[]> | T[]) {
  const q = { a: [] as T[], b: [] as T[] };
  const take = (which: 'a' | 'b') => {
    const next = q[which].pop();
    if (next === undefined) throw new Error('benchmark inputs exhausted');
    return next;
  };
  return {
    prepare: async (which: 'a' | 'b', count: number) => {
      q[which] = await make(count);
    },
    a: () => take('a'),
    b: () => take('b'),
  };
}

/** A create as the raw sides take it: documents always present (they write them as given). */
export interface RawCreateInput {
  id: string;
  stateCode: string;
  formData: FormData;
  documents: PackageDocument[];
  actor: Actor;
}

/** A create input for both sides: the store's and the raw sides'. */
export const createInput = (stateCode: string): RawCreateInput => ({
  id: randomUUID(),
  stateCode,
  formData: FORM_DATA,
  documents: documents(),
  actor: ACTOR,
});

/** `count` drafts made through the store, a few at a time (set-up, never timed). */
export async function makeDrafts(store: DrivenStore, stateCode: string, count: number): Promise<string[]> {
  const inputs = Array.from({ length: count }, () => createInput(stateCode));
  await inParallel(inputs, 4, async (input) => void (await store.createDraft(input)));
  return inputs.map((i) => i.id);
}

/** The hand-written counterpart of the four store operations a store-vs-raw benchmark times. */
export interface RawStoreOps {
  create(input: RawCreateInput): Promise<unknown>;
  get(id: string): Promise<unknown>;
  listByState(stateCode: string, pageSize: number): Promise<unknown>;
  submit(id: string, actor: typeof ACTOR): Promise<unknown>;
}

export interface FourOpsSetup {
  /** Creates go to one state, drafts to submit to another, so neither disturbs the listed one. */
  createState: string;
  submitState: string;
  listedState: string;
  /** Packages read by `get`, in turn. */
  listed: readonly string[];
  pageSize: number;
  baseline: string;
  /**
   * Who makes the drafts to submit (untimed). A store of its own keeps that work off the timed
   * store's connections, as the raw side's connections are kept off it; default: the timed store.
   */
  preparer?: DrivenStore;
}

/** create, get, list-by-state and submit: store (a) vs raw (b), one row each. */
export async function compareFourOps(
  store: DrivenStore,
  raw: RawStoreOps,
  s: FourOpsSetup,
): Promise<Comparison[]> {
  let g = 0;
  const nextListed = () => s.listed[g++ % s.listed.length]!;
  // Creates and submits use up their inputs: each batch gets fresh ones, made untimed.
  const creates = queues((n) => Array.from({ length: n }, () => createInput(s.createState)));
  const drafts = queues((n) => makeDrafts(s.preparer ?? store, s.submitState, n));
  return [
    await compare(
      'create',
      { prepare: creates.prepare, a: () => store.createDraft(creates.a()), b: () => raw.create(creates.b()) },
      s.baseline,
    ),
    await compare(
      'get',
      { a: () => store.getPackage(nextListed()), b: () => raw.get(nextListed()) },
      s.baseline,
    ),
    await compare(
      `list-by-state (page ${s.pageSize})`,
      {
        a: () => store.listByState(s.listedState, { limit: s.pageSize }),
        b: () => raw.listByState(s.listedState, s.pageSize),
      },
      s.baseline,
    ),
    await compare(
      'submit',
      {
        prepare: drafts.prepare,
        a: () => store.submit(drafts.a(), { expectedVersion: 1, actor: ACTOR }),
        b: () => raw.submit(drafts.b(), ACTOR),
      },
      s.baseline,
    ),
  ];
}
