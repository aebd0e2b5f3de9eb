/** The shape every benchmark reports, and how run.ts prints and saves it. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { round } from './stats.js';

/** The one-minute load average, one decimal: outside load moves the timings, so reports give it. */
export const loadAverage = () => loadavg()[0]!.toFixed(1);

/** The closing note of a bench: how long it took, and the machine's load at its start and end. */
export const runNote = (seconds: number, loadAtStart: string) =>
  `bench took ${seconds.toFixed(0)} s; load average ${loadAtStart} at start, ${loadAverage()} at end on ${cpus().length} CPUs`;

export interface BenchRow {
  op: string;
  /** The thing under test, ms per op (median over rounds). */
  subjectMs: number;
  /** What it is compared with, ms per op (median over rounds). */
  baselineMs: number;
  /** The headline figure: normally the median of the per-round ratios subject/baseline. */
  ratio: number;
  /** Interquartile range of the per-round ratios, to judge the noise. */
  ratioIqr: [number, number];
  /** The ratio must not exceed this (or, with `atLeast`, must reach it). */
  target: number;
  /** For throughput ratios, where higher is better: the ratio must be at least `target`. */
  atLeast?: boolean;
  /** What the baseline column is, e.g. "raw SDK". */
  baseline: string;
}

export interface BenchReport {
  name: string;
  /** Headers of the two ms/op columns, e.g. store and raw. */
  columns: { subject: string; baseline: string };
  rows: BenchRow[];
  /** How the figures were obtained (sizes, rounds, shortcuts taken). */
  notes: string[];
  /** Anything else worth keeping in the JSON (per-round figures, timings). */
  details?: Record<string, unknown>;
  /** Broken invariants (a load test's 5xx, lost updates): unlike a missed target, these fail the run. */
  failures?: string[];
}

export const passes = (r: BenchRow) => (r.atLeast ? r.ratio >= r.target : r.ratio <= r.target);

/** `≤ 1.15` or `≥ 0.6`. */
export const targetText = (r: BenchRow) => `${r.atLeast ? '≥' : '≤'} ${r.target}`;

export function formatTable({ rows, columns }: BenchReport): string {
  const header = [
    'op',
    `${columns.subject} ms/op`,
    `${columns.baseline} ms/op`,
    'ratio',
    'IQR',
    'target',
    'pass',
    'baseline',
  ];
  const body = rows.map((r) => [
    r.op,
    r.subjectMs.toFixed(2),
    r.baselineMs.toFixed(2),
    r.ratio.toFixed(3),
    `${r.ratioIqr[0].toFixed(2)}–${r.ratioIqr[1].toFixed(2)}`,
    targetText(r),
    passes(r) ? 'yes' : 'NO',
    r.baseline,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(header), rule, ...body.map(line)].join('\n');
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');

/** Writes bench/results/<name>.json (git-ignored); returns the path. */
export function writeResults(report: BenchReport): string {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${report.name}.json`);
  const rows = report.rows.map((r) => ({
    ...r,
    subjectMs: round(r.subjectMs),
    baselineMs: round(r.baselineMs),
    ratio: round(r.ratio),
    ratioIqr: r.ratioIqr.map((x) => round(x)),
    pass: passes(r),
  }));
  const json = { ...report, rows, at: new Date().toISOString(), node: process.version };
  writeFileSync(path, `${JSON.stringify(json, null, 2)}\n`);
  return path;
}
