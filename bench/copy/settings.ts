/** The copy benchmark's sizes, targets and names: one place to read what a run does. */
import { envNumber } from '../lib/env.js';

export const PACKAGES = envNumber('CAREPACK_BENCH_COPY_PACKAGES', 5000);
/** copyStore's (and `carepack store copy`'s) defaults. */
export const PARTITIONS = 4;
export const BATCH = 1000; // copyStore's default
/** The what-if: copyStore with smaller batches. */
export const BIG_BATCH = 200; // what-if: smaller batches
export const SEED_BATCH = 500;
/** Copy and raw bound runs each, interleaved (copy, raw, raw, copy) so load drift cancels. */
export const REPS = 3;
export const RATE_TARGET = 2000;
export const RATIO_TARGET = 0.5;
/** Skip the secondary copies when the bench has run this long already. */
export const SECONDARY_BUDGET_S = { pgToPg: 300, pgToDynamo: 285 };
export const STATES = ['AA', 'AB', 'AC', 'AD', 'AE'];
export const SOURCE_TABLE = 'bench-copy-source';
export const BACK_TABLE = 'bench-copy-back';
