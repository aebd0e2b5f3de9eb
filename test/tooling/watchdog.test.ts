import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { TestCase, TestModule } from 'vitest/node';
import { descendantsOf, Watchdog } from '../support/watchdog.js';

const file = (moduleId: string) => ({ moduleId }) as TestModule;
const testIn = (moduleId: string, fullName: string) => ({ module: { moduleId }, fullName }) as TestCase;

function watchdog(limitS: number) {
  const lines: string[] = [];
  let stopped = 0;
  const dog = new Watchdog(
    limitS * 1000,
    (l) => lines.push(l),
    () => stopped++,
  );
  return { dog, lines, stopped: () => stopped };
}

describe('the test-run watchdog', () => {
  it('stops the run when a file passes its limit, naming the file and the test it was in', () => {
    const { dog, lines, stopped } = watchdog(100);
    const t0 = Date.now();
    dog.onTestModuleQueued(file(`${process.cwd()}/test/stuck.test.ts`));
    dog.onTestModuleQueued(file(`${process.cwd()}/test/other.test.ts`));
    dog.onTestCaseReady(testIn(`${process.cwd()}/test/stuck.test.ts`, 'suite > spins forever'));

    dog.check(t0 + 40_000);
    expect(lines).toEqual([]);
    dog.check(t0 + 60_000);
    expect(lines.filter((l) => l.includes('still running'))).toHaveLength(2);
    dog.check(t0 + 70_000);
    expect(lines).toHaveLength(2); // each slow file is named once
    expect(stopped()).toBe(0);

    dog.onTestModuleEnd(file(`${process.cwd()}/test/other.test.ts`));
    dog.check(t0 + 101_000);
    expect(stopped()).toBe(1);
    expect(lines.at(-1)).toMatch(
      /test\/stuck\.test\.ts \(in "suite > spins forever"\) has run 10\d s, over its limit of 100 s/,
    );
  });

  it('leaves a run whose files end in time alone', () => {
    const { dog, lines, stopped } = watchdog(100);
    const t0 = Date.now();
    dog.onTestModuleQueued(file('/x/a.test.ts'));
    dog.onTestModuleEnd(file('/x/a.test.ts'));
    dog.check(t0 + 500_000);
    expect(lines).toEqual([]);
    expect(stopped()).toBe(0);
  });

  it.runIf(process.platform === 'linux')('finds the processes this one started, and theirs', async () => {
    const child = spawn('sh', ['-c', 'sleep 30 & wait'], { stdio: 'ignore' });
    let found: number[] = [];
    try {
      for (let i = 0; i < 50 && found.length < 2; i++) {
        await new Promise((r) => setTimeout(r, 20));
        found = descendantsOf(process.pid).filter(
          (p) => p === child.pid || descendantsOf(child.pid!).includes(p),
        );
      }
      expect(found[0]).toBe(child.pid);
      expect(found).toHaveLength(2); // the shell and its sleep
    } finally {
      for (const pid of [child.pid!, ...found]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });
});
