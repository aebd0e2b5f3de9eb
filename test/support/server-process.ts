/**
 * `npm start` as a real child process: the entry point, its environment, its log. Resolves
 * with the URL it prints once it listens.
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface RunningServer {
  url: string;
  child: ChildProcess;
  output: () => string;
}

export async function startServer(
  dataDir: string,
  extraEnv: Record<string, string> = {},
): Promise<RunningServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, CAREPACK_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    // A server that never says it is ready is stopped, not left running after the test.
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`server did not start within 90 s:\n${out}`));
    }, 90_000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = out.match(/Carepack is running at (http:\/\/[^\s]+?) /);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}:\n${out}`)));
  });
  return { url, child, output: () => out };
}

/**
 * SIGTERM, as an operator stops it; resolves with the exit code. A server still running 30 s
 * later is killed (the code is then null, which a test expecting a clean stop reports).
 */
export async function stopServer(s: RunningServer): Promise<number | null> {
  if (s.child.exitCode !== null) return s.child.exitCode;
  return new Promise((resolve) => {
    const force = setTimeout(() => s.child.kill('SIGKILL'), 30_000);
    s.child.once('exit', (code) => {
      clearTimeout(force);
      resolve(code);
    });
    s.child.kill('SIGTERM');
  });
}
