/** Timing of the copy benchmark: one timed activity (wall and Node CPU), its rate and its log line. */

/** One timed activity: how long it took and what it moved. */
export interface Measure {
  what: string;
  seconds: number;
  packages: number;
  /** CPU seconds of this (Node) process meanwhile; DynamoDB Local and PostgreSQL use the rest. */
  nodeCpuS: number;
  /** Other figures worth keeping (items, audit events, phase seconds). */
  extra?: Record<string, number>;
}

/** What a timed piece of work reports back. */
export interface Outcome {
  packages: number;
  extra?: Record<string, number>;
  /** When only part of the work counts (a copy without its verification). */
  seconds?: number;
  nodeCpuS?: number;
}

export const now = () => performance.now() / 1000;
export const cpuSince = (from: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(from);
  return (used.user + used.system) / 1e6;
};
export const rateOf = (m: Measure) => m.packages / m.seconds;
export const fmtRate = (m: Measure) => `${Math.round(rateOf(m)).toLocaleString('en-US')} pkg/s`;
const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2));

/** ` (items 12, auditS 0.40)`, or nothing without extra figures: the tail of the log line and of the note. */
export const extraText = (m: Measure) =>
  m.extra
    ? ` (${Object.entries(m.extra)
        .map(([k, v]) => `${k} ${fmt(v)}`)
        .join(', ')})`
    : '';

function log(m: Measure) {
  console.log(
    `  ${m.what}: ${m.seconds.toFixed(2)} s, ${fmtRate(m)}, node CPU ${m.nodeCpuS.toFixed(2)} s${extraText(m)}`,
  );
  return m;
}

/** Times `work` (wall and Node CPU) and logs it. */
export async function measure(what: string, work: () => Promise<Outcome>): Promise<Measure> {
  const cpu = process.cpuUsage();
  const started = now();
  const o = await work();
  const m: Measure = {
    what,
    seconds: o.seconds ?? now() - started,
    packages: o.packages,
    nodeCpuS: o.nodeCpuS ?? cpuSince(cpu),
  };
  return log(o.extra ? { ...m, extra: o.extra } : m);
}
