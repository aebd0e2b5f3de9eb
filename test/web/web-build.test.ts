/**
 * `npm start` on a fresh checkout builds the client; after a change under web/ it builds again;
 * otherwise it starts at once. The build itself is real (Vite), into a temporary folder.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildNeeded, buildWebClient } from '../../src/web-build.js';

const root = mkdtempSync(join(tmpdir(), 'carepack-web-build-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('building the web client when needed', () => {
  it('asks for a build when there is none, and after a source change, and not otherwise', () => {
    const source = join(root, 'web');
    const dist = join(root, 'dist');
    mkdirSync(join(source, 'src'), { recursive: true });
    writeFileSync(join(source, 'src', 'main.tsx'), '');
    expect(buildNeeded(source, dist)).toBe('no build yet');

    mkdirSync(dist);
    writeFileSync(join(dist, 'index.html'), '');
    const past = new Date(Date.now() - 60_000);
    utimesSync(join(source, 'src', 'main.tsx'), past, past);
    utimesSync(join(source, 'src'), past, past);
    utimesSync(source, past, past);
    expect(buildNeeded(source, dist)).toBeNull();

    writeFileSync(join(source, 'src', 'main.tsx'), '// changed');
    expect(buildNeeded(source, dist)).toBe('web/ changed since the last build');
  });

  it('builds the real client: an index.html that loads its hashed script', async () => {
    const out = join(root, 'built');
    const said: string[] = [];
    await buildWebClient((m) => said.push(m), out);
    const html = readFileSync(join(out, 'index.html'), 'utf8');
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);
    expect(said.join('\n')).toMatch(/built the web client in [\d.]+ s/);
  }, 60_000);
});
