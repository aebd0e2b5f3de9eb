/**
 * `npm start` serves the web client from dist/web. A fresh checkout has no build, and a
 * developer's build goes stale when web/ changes: build it then (with Vite, a development
 * dependency). A deployment ships dist/web and never builds here.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The nearest folder above this module holding a package.json: the project root whether this
 * runs as src/web-build.ts or compiled as dist/server/web-build.js.
 */
function projectRoot(): string {
  const from = dirname(fileURLToPath(import.meta.url));
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json in ${from} or above it`);
  }
}

export const PROJECT_ROOT = projectRoot();
export const WEB_SOURCE = join(PROJECT_ROOT, 'web');
export const WEB_DIST = join(PROJECT_ROOT, 'dist', 'web');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Why the client needs building, or null when dist/web is current. */
export function buildNeeded(source = WEB_SOURCE, dist = WEB_DIST): string | null {
  const index = join(dist, 'index.html');
  if (!existsSync(index)) return 'no build yet';
  if (!existsSync(source)) return null;
  return newestMtime(source) > statSync(index).mtimeMs ? 'web/ changed since the last build' : null;
}

export async function buildWebClient(log: (message: string) => void, outDir = WEB_DIST): Promise<void> {
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new Error(
      'the web client is not built and Vite is not installed: run `npm install` then `npm run build`',
    );
  }
  const started = Date.now();
  await vite.build({
    configFile: join(WEB_SOURCE, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true },
  });
  log(`built the web client in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
