/** The copy benchmark's report: headline rows (time ratios), notes and the figures kept in the JSON. */
import { type BenchReport, type BenchRow, runNote } from '../lib/report.js';
import { median, round } from '../lib/stats.js';
import { extraText, fmtRate, type Measure, rateOf } from './measure.js';
import {
  BATCH,
  BIG_BATCH,
  PACKAGES,
  PARTITIONS,
  RATE_TARGET,
  RATIO_TARGET,
  REPS,
  STATES,
} from './settings.js';

const msPer1k = (m: Measure) => (m.seconds * 1e6) / m.packages;

/** Per rep, a copy over the raw run next to it: load that drifts between reps cancels out. */
const repRatios = (copies: Measure[], raws: Measure[]) =>
  copies.map((c, i) => msPer1k(c) / msPer1k(raws[i]!));

function rows(copies: Measure[], raws: Measure[]): BenchRow[] {
  const copyMs = median(copies.map(msPer1k));
  const rawMs = median(raws.map(msPer1k));
  const ratios = repRatios(copies, raws);
  const budgetMs = 1e6 / RATE_TARGET;
  const rate = RATE_TARGET.toLocaleString('en-US');
  return [
    {
      op: 'DynamoDB → PostgreSQL, ms per 1k packages, vs raw bound',
      subjectMs: copyMs,
      baselineMs: rawMs,
      ratio: median(ratios),
      ratioIqr: [Math.min(...ratios), Math.max(...ratios)],
      target: 1 / RATIO_TARGET,
      baseline: 'raw bound',
    },
    {
      op: `DynamoDB → PostgreSQL, ms per 1k packages, vs ${rate} pkg/s`,
      subjectMs: copyMs,
      baselineMs: budgetMs,
      ratio: copyMs / budgetMs,
      ratioIqr: [Math.min(...copies.map(msPer1k)) / budgetMs, Math.max(...copies.map(msPer1k)) / budgetMs],
      target: 1,
      baseline: `${rate} pkg/s`,
    },
  ];
}

export interface Figures {
  /** Every measure, in the order taken. */
  all: Measure[];
  copies: Measure[];
  raws: Measure[];
  whatIf: Measure[];
  seconds: number;
  loadAtStart: string;
}

function notes({ all, copies, raws, whatIf, seconds, loadAtStart }: Figures): string[] {
  const rate = (ms: Measure[]) => Math.round(median(ms.map(rateOf)));
  const pkgs = (n: number) => n.toLocaleString('en-US');
  return [
    `copy ${pkgs(rate(copies))} pkg/s vs raw bound ${pkgs(rate(raws))} pkg/s (medians of ${REPS}); throughput copy/raw = 1 ÷ the time ratio above = ${(1 / median(repRatios(copies, raws))).toFixed(2)}× (target ≥ ${RATIO_TARGET}×); target ≥ ${pkgs(RATE_TARGET)} pkg/s. Ratios here are times (copy ÷ bound, median over reps of each copy over the raw run of its rep); "IQR" = the range over the reps`,
    `what-if copyStore --batch ${BIG_BATCH}: ${pkgs(rate(whatIf))} pkg/s (median of ${whatIf.length})`,
    'copy time = from the call to the start of its verification (reference data, packages, audit, counters; the first run then verifies, the others stop there); raw = the same data in one parallel Scan pass + bulk INSERTs, no checkpoints or verification',
    ...all.map(
      (m) =>
        `${m.what}: ${m.seconds.toFixed(2)} s = ${fmtRate(m)}, node CPU ${m.nodeCpuS.toFixed(2)} s${extraText(m)}`,
    ),
    `${PACKAGES} packages (4 statuses, 1–2 revisions, 3 documents each) over ${STATES.length} states; ${PARTITIONS} partitions, batches of ${BATCH}; DynamoDB Local in memory, PostgreSQL server on the same machine`,
    runNote(seconds, loadAtStart),
  ];
}

export function report(f: Figures): BenchReport {
  return {
    name: 'copy',
    columns: { subject: 'copy', baseline: 'bound' },
    rows: rows(f.copies, f.raws),
    notes: notes(f),
    details: {
      packages: PACKAGES,
      partitions: PARTITIONS,
      batchSize: BATCH,
      reps: REPS,
      measures: f.all.map((m) => ({
        ...m,
        seconds: round(m.seconds),
        nodeCpuS: round(m.nodeCpuS),
        packagesPerSecond: Math.round(rateOf(m)),
        ...(m.extra
          ? { extra: Object.fromEntries(Object.entries(m.extra).map(([k, v]) => [k, round(v)])) }
          : {}),
      })),
    },
  };
}
