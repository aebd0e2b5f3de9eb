/** HTTP calls of the load test, each timed and counted by kind and status code. */
import { quantile } from './stats.js';

export interface Answer {
  /** 0 when no answer came (connection refused, reset). */
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON from the API, read by the checks that know its shape.
  body: any;
}

export interface KindFigures {
  requests: number;
  statuses: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
}

/** A body that claims to be JSON but is not stays text: an answer, not a lost request. */
function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export class Recorder {
  private readonly ms = new Map<string, number[]>();
  private readonly statuses = new Map<string, Map<number, number>>();
  /** What went wrong on the calls that got no answer (the first few). */
  readonly networkErrors: string[] = [];

  constructor(private readonly base: string) {}

  async call(kind: string, path: string, init: RequestInit = {}): Promise<Answer> {
    const started = performance.now();
    let answer: Answer;
    try {
      const res = await fetch(`${this.base}${path}`, init);
      const text = await res.text();
      const isJson = (res.headers.get('content-type') ?? '').includes('json');
      answer = { status: res.status, body: isJson && text ? parseOrText(text) : text };
    } catch (e) {
      if (this.networkErrors.length < 10) this.networkErrors.push(`${kind} ${path}: ${(e as Error).message}`);
      answer = { status: 0, body: undefined };
    }
    const ms = this.ms.get(kind) ?? [];
    ms.push(performance.now() - started);
    this.ms.set(kind, ms);
    const byStatus = this.statuses.get(kind) ?? new Map<number, number>();
    byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
    this.statuses.set(kind, byStatus);
    return answer;
  }

  /** Answers of a status class, e.g. `(s) => s >= 500`, over every kind. */
  count(which: (status: number) => boolean): number {
    let n = 0;
    for (const byStatus of this.statuses.values())
      for (const [status, c] of byStatus) if (which(status)) n += c;
    return n;
  }

  /** Figures per kind of call and `all`. */
  figures(): Record<string, KindFigures> {
    const out: Record<string, KindFigures> = {};
    const allMs: number[] = [];
    const allStatuses: Record<string, number> = {};
    for (const [kind, ms] of [...this.ms].sort(([a], [b]) => a.localeCompare(b))) {
      const statuses = Object.fromEntries(
        [...this.statuses.get(kind)!].sort(([a], [b]) => a - b).map(([s, c]) => [String(s), c]),
      );
      for (const [s, c] of Object.entries(statuses)) allStatuses[s] = (allStatuses[s] ?? 0) + c;
      allMs.push(...ms);
      out[kind] = { requests: ms.length, statuses, p50Ms: quantile(ms, 0.5), p99Ms: quantile(ms, 0.99) };
    }
    if (allMs.length > 0) {
      out.all = {
        requests: allMs.length,
        statuses: allStatuses,
        p50Ms: quantile(allMs, 0.5),
        p99Ms: quantile(allMs, 0.99),
      };
    }
    return out;
  }
}
