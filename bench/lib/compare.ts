/** Interleaved A/B timing: the way to compare two ways of doing the same thing on a drifting system. */
import { median, msPerOp, quantile } from './stats.js';

export type Which = 'a' | 'b';

export interface AB {
  a: () => Promise<unknown>;
  b: () => Promise<unknown>;
  /** Untimed set-up before each batch of `count` ops of one side (e.g. making drafts to submit). */
  prepare?: (which: Which, count: number) => Promise<void>;
}

export interface ABOptions {
  rounds: number;
  /** Ops per side before timing starts; the second half sizes the batches. */
  warmupOps: number;
  /**
   * Aim for batches this long. Short batches pair better: on a machine with bursty outside load,
   * many ~50 ms rounds gave a steadier median ratio than fewer 300 ms ones.
   */
  roundMs: number;
  minOps: number;
  maxOps: number;
}

export interface ABResult {
  /** ms per op of each side, one figure per round. */
  aMs: number[];
  bMs: number[];
  /** Per-round a/b ratios; adjacent batches share the system's state, so drift cancels out. */
  ratios: number[];
  opsPerRound: number;
  /** CPU time of this process (all its threads) per op of each side, one figure per round. */
  aCpuMs: number[];
  bCpuMs: number[];
}

interface Batch {
  ms: number;
  cpuMs: number;
}

async function batch(ab: AB, which: Which, count: number): Promise<Batch> {
  await ab.prepare?.(which, count);
  const cpu = process.cpuUsage();
  const ms = await msPerOp(count, ab[which]);
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 / count };
}

/** Warms up, sizes the batches from the warm-up, then runs a and b alternately, flipping the order each round. */
export async function compareAB(ab: AB, o: ABOptions): Promise<ABResult> {
  const half = Math.ceil(o.warmupOps / 2);
  let lastMs = 0; // the slower side's ms/op in the second (warmer) half of the warm-up
  for (let w = 0; w < 2; w++)
    lastMs = Math.max((await batch(ab, 'a', half)).ms, (await batch(ab, 'b', half)).ms);
  const opsPerRound = Math.min(o.maxOps, Math.max(o.minOps, Math.ceil(o.roundMs / lastMs)));
  const aMs: number[] = [];
  const bMs: number[] = [];
  const aCpuMs: number[] = [];
  const bCpuMs: number[] = [];
  for (let r = 0; r < o.rounds; r++) {
    const order: Which[] = r % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
    for (const which of order) {
      const { ms, cpuMs } = await batch(ab, which, opsPerRound);
      (which === 'a' ? aMs : bMs).push(ms);
      (which === 'a' ? aCpuMs : bCpuMs).push(cpuMs);
    }
  }
  return { aMs, bMs, ratios: aMs.map((a, i) => a / bMs[i]!), opsPerRound, aCpuMs, bCpuMs };
}

/** The interquartile range: where the middle half of the per-round figures fall. */
export const iqr = (xs: readonly number[]): [number, number] => [quantile(xs, 0.25), quantile(xs, 0.75)];

export const summary = (r: ABResult) => ({
  aMs: median(r.aMs),
  bMs: median(r.bMs),
  ratio: median(r.ratios),
  ratioIqr: iqr(r.ratios),
});
