/**
 * A benchmark's server in a process of its own (a bench/*-server.ts script, run through tsx), so
 * that the client's CPU and memory are not counted as the server's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const START_TIMEOUT_MS = 60_000;

/**
 * Starts `script` with `env` added to this process's environment; `ready` resolves to the
 * numbers (ports) of the `READY <n> …` line it prints once listening.
 */
export function startChildServer(
  script: URL,
  env: Record<string, string>,
): { child: ChildProcess; ready: Promise<number[]> } {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<number[]>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(
      () => reject(new Error(`the API process did not start within ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      // Up to the line's end: a port cut between two chunks is not read as a shorter one.
      const m = /READY ([\d ]+)\r?\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.trim().split(' ').map(Number));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the API process exited (${code})`));
    });
  });
  return { child, ready };
}
