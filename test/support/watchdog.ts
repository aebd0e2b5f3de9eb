/**
 * Turns a test run that stops moving into a failure that names where it stopped.
 *
 * Vitest's own timeouts run inside the worker: a worker blocked in synchronous code (a runaway
 * loop, a WebAssembly call that never returns) never fires them, and the run waits forever
 * with nothing printed. This reporter runs in the main process. A file that runs longer than
 * its limit (CAREPACK_TEST_FILE_LIMIT_S, default 900 s: the slowest file takes 200 to 300 s on
 * two cores) is reported with the test it was in; then every process the run started is
 * killed and the run exits non-zero. Files past half their limit are named as they go, so a
 * slow run shows its progress too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestCase, TestModule } from 'vitest/node';

const CHECK_EVERY_MS = 10_000;

interface Running {
  since: number;
  test?: string;
  warned?: boolean;
}

export class Watchdog implements Reporter {
  private readonly running = new Map<string, Running>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly limitMs = Number(process.env.CAREPACK_TEST_FILE_LIMIT_S ?? 900) * 1000,
    private readonly log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
    private readonly stop: () => void = stopEverything,
  ) {}

  onInit() {
    this.timer = setInterval(() => this.check(Date.now()), CHECK_EVERY_MS);
    this.timer.unref();
  }

  onTestModuleQueued(module: TestModule) {
    this.running.set(module.moduleId, { since: Date.now() });
  }

  onTestCaseReady(test: TestCase) {
    const running = this.running.get(test.module.moduleId);
    if (running) running.test = test.fullName;
  }

  onTestModuleEnd(module: TestModule) {
    this.running.delete(module.moduleId);
  }

  onTestRunEnd() {
    clearInterval(this.timer);
  }

  /** Public for its test: the check made every ten seconds. */
  check(now: number) {
    for (const [id, file] of this.running) {
      const took = now - file.since;
      const where = `${relative(process.cwd(), id)}${file.test ? ` (in "${file.test}")` : ''}`;
      if (took > this.limitMs) {
        this.log(
          `watchdog: ${where} has run ${Math.round(took / 1000)} s, over its limit of ${this.limitMs / 1000} s ` +
            '(CAREPACK_TEST_FILE_LIMIT_S); it is stuck. Stopping the run.',
        );
        for (const [other, o] of this.running) {
          if (other !== id)
            this.log(`watchdog: also running: ${relative(process.cwd(), other)} (${o.test ?? 'loading'})`);
        }
        clearInterval(this.timer);
        this.stop();
        return;
      }
      if (took > this.limitMs / 2 && !file.warned) {
        file.warned = true;
        this.log(`watchdog: ${where} still running after ${Math.round(took / 1000)} s`);
      }
    }
  }
}

/** Kills this process's descendants (workers, engines and servers the tests started), then exits 1. */
function stopEverything() {
  for (const pid of descendantsOf(process.pid).reverse()) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  process.exit(1);
}

/** Linux: the parent of a process, or undefined when it has ended. */
export function parentPid(pid: number): number | undefined {
  try {
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** Linux: every process whose parent chain leads to `root`, parents before children. */
export function descendantsOf(root: number): number[] {
  const parentOf = new Map<number, number>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [];
  }
  for (const e of entries) {
    const parent = parentPid(Number(e));
    if (parent !== undefined) parentOf.set(Number(e), parent);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of parentOf) {
      if (ppid === parent) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}
