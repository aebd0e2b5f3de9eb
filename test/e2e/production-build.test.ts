/**
 * The production image without a Docker engine: the Dockerfile's steps run in order, each
 * stage in a folder of its own under a temporary directory (its `/`), then the image's CMD
 * starts with plain `node` and serves the portal. What this cannot check: the base image and
 * the USER switch (the folder belongs to whoever runs the test).
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { dockerIgnore, parseDockerfile, type Stage, type Step } from '../support/dockerfile.js';

const run = promisify(execFile);
const repo = process.cwd();
const root = mkdtempSync(join(tmpdir(), 'carepack-image-'));
let server: ChildProcess | undefined;
afterAll(async () => {
  server?.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
}, 120_000);

/** The build context: the files a clean checkout has (tracked or new), less .dockerignore's. */
function contextFiles(): string[] {
  const ignored = dockerIgnore(readFileSync(join(repo, '.dockerignore'), 'utf8'));
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: repo,
    encoding: 'utf8',
  });
  return listed.split('\n').filter((f) => f && !ignored(f) && existsSync(join(repo, f)));
}

/** A container's environment: no variables of the test runner, `node` on the PATH. */
function containerEnv(vars: Record<string, string>): Record<string, string> {
  return {
    PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
    HOME: process.env.HOME ?? tmpdir(),
    ...vars,
  };
}

interface StageState {
  dir: string;
  workdir: string;
  env: Record<string, string>;
  exposed: string[];
  healthcheck?: string[];
  cmd?: string[];
}

const states = new Map<string, StageState>();
const inStage = (s: StageState, path: string) =>
  join(s.dir, path.startsWith('/') ? path : join(s.workdir, path));

async function copy(state: StageState, step: Extract<Step, { op: 'COPY' }>) {
  const dest = inStage(state, step.dest);
  const into = step.dest.endsWith('/') || step.sources.length > 1;
  for (const source of step.sources) {
    if (step.from) {
      const from = states.get(step.from);
      if (!from) throw new Error(`COPY --from=${step.from}: no such stage built before`);
      const target = into ? join(dest, source.split('/').pop()!) : dest;
      mkdirSync(dirname(target), { recursive: true });
      // Hard links: the same files without writing node_modules' 170 MB again.
      await run('cp', ['-a', '--link', inStage(from, source), target]);
    } else if (source === '.') {
      for (const file of contextFiles()) cpSync(join(repo, file), join(dest, file));
    } else {
      cpSync(join(repo, source), into ? join(dest, source) : dest, { recursive: true });
    }
  }
}

async function runCommand(state: StageState, command: string) {
  const cwd = inStage(state, '.');
  if (/^npm ci\b/.test(command) && !command.includes('--omit=dev')) {
    // The build stage's full install: the project's own node_modules stand in for it (installing
    // every development dependency again would take minutes); `npm run build` then runs for real.
    symlinkSync(join(repo, 'node_modules'), join(cwd, 'node_modules'), 'dir');
    return;
  }
  // The production install runs for real, from npm's cache where it can: a dependency missing
  // from it (a runtime import of a development dependency) fails the server below.
  const actual = command.startsWith('npm ci') ? `${command} --prefer-offline` : command;
  const started = Date.now();
  await run('sh', ['-c', actual], { cwd, env: containerEnv(state.env), maxBuffer: 64 << 20 });
  console.info(`RUN ${actual}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function buildStage(stage: Stage) {
  const state: StageState = { dir: join(root, stage.name), workdir: '/', env: {}, exposed: [] };
  mkdirSync(state.dir);
  states.set(stage.name, state);
  for (const step of stage.steps) {
    if (step.op === 'WORKDIR') {
      state.workdir = step.path;
      mkdirSync(inStage(state, '.'), { recursive: true });
    } else if (step.op === 'COPY') await copy(state, step);
    else if (step.op === 'RUN') await runCommand(state, step.command);
    else if (step.op === 'ENV') Object.assign(state.env, step.vars);
    else if (step.op === 'EXPOSE') state.exposed.push(...step.ports);
    else if (step.op === 'HEALTHCHECK') state.healthcheck = step.command;
    else if (step.op === 'CMD') state.cmd = step.command;
  }
}

/** Stages in order; stages that do not copy from one another at once, as BuildKit builds them. */
async function buildImage(stages: Stage[]) {
  const done = new Map<string, Promise<void>>();
  for (const stage of stages) {
    const needs = stage.steps.flatMap((s) => (s.op === 'COPY' && s.from ? [done.get(s.from)] : []));
    done.set(
      stage.name,
      Promise.all(needs).then(() => buildStage(stage)),
    );
  }
  await Promise.all(done.values());
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function start(command: string[], cwd: string, env: Record<string, string>): Promise<string> {
  const [bin = '', ...args] = command;
  const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  server = child;
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('Carepack is running at')) resolve(out);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`the image's CMD exited with ${code}:\n${out}`)));
  });
}

describe('the production image (Dockerfile run on a folder)', () => {
  it('builds, installs production dependencies only, and serves the portal with plain node', async () => {
    const stages = parseDockerfile(readFileSync(join(repo, 'Dockerfile'), 'utf8'));
    expect(stages.every((s) => s.image.startsWith('node:22-'))).toBe(true);
    await buildImage(stages);

    const image = states.get(stages.at(-1)!.name)!;
    const app = inStage(image, '.');
    expect(existsSync(join(app, 'dist/server/server.js'))).toBe(true);
    expect(existsSync(join(app, 'dist/web/index.html'))).toBe(true);
    // Production needs no TypeScript runner and no build tools.
    for (const devOnly of ['tsx', 'typescript', 'vite', 'vitest', 'react'])
      expect(existsSync(join(app, 'node_modules', devOnly)), devOnly).toBe(false);
    expect(image.cmd).toEqual(['node', 'dist/server/server.js']);
    expect(image.exposed).toEqual([image.env.PORT]);

    // As `docker run -e …`: an in-memory PGlite and embedded S3, a free port, a temporary data dir.
    const port = String(await freePort());
    const env = containerEnv({
      ...image.env,
      CAREPACK_HOST: '127.0.0.1',
      PORT: port,
      CAREPACK_DATA_DIR: join(root, 'data'),
      CAREPACK_STORE: 'postgres',
      CAREPACK_IN_MEMORY: '1',
    });
    await start(image.cmd!, app, env);
    const url = `http://127.0.0.1:${port}`;

    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status, await ready.clone().text()).toBe(200);
    const openapi = (await (await fetch(`${url}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(openapi.paths).toHaveProperty('/api/packages');
    const page = await fetch(`${url}/packages/new`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="root"></div>');
    const script = html.match(/<script type="module"[^>]* src="(\/assets\/index-[\w-]+\.js)"/)?.[1];
    expect(script, html).toBeDefined();
    expect((await fetch(`${url}${script}`)).status).toBe(200);

    // The image's HEALTHCHECK, run as Docker runs it: exits 0 while the server answers.
    const [bin = '', ...args] = image.healthcheck!;
    await expect(run(bin, args, { cwd: app, env })).resolves.toBeDefined();

    // The CLI from the build: the DynamoDB table definition, printed without any connection.
    const cli = await run('node', ['dist/server/cli/main.js', 'dynamo', 'create-tables', '--print'], {
      cwd: app,
      env,
    });
    expect(JSON.parse(cli.stdout)).toBeTypeOf('object');

    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server!.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 600_000);
});
