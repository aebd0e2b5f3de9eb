/**
 * The layering the README promises, checked on the source itself, so a stray import fails a
 * test rather than waiting for a reviewer: the domain is pure, the request path never holds the
 * store's maintenance or a backend, and the web client reaches server code only through its aliases.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => join(dir, f));
}

/** Every module specifier a file imports (static imports, re-exports, dynamic imports). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);
}

const offending = (files: string[], bad: (specifier: string, file: string) => boolean) =>
  files.flatMap((f) =>
    importsOf(f)
      .filter((s) => bad(s, f))
      .map((s) => `${f} imports ${s}`),
  );

describe('architecture', () => {
  it('src/domain is pure: it imports only itself and zod, nothing of Node', () => {
    const outside = (s: string, f: string) =>
      s.startsWith('.') ? !join(f, '..', s).startsWith(join('src', 'domain')) : s !== 'zod';
    expect(offending(sources('src/domain'), outside)).toEqual([]);
  });

  it('the API and the services see only the Store contract: no backend, no maintenance', () => {
    const requestPath = [...sources('src/api'), ...sources('src/service')];
    expect(offending(requestPath, (s) => /store\/(dynamo|postgres|dual)\//.test(s))).toEqual([]);
    const maintenance = requestPath.filter((f) =>
      /\.maintenance\b|MaintainedStore|StoreMaintenance/.test(readFileSync(join(root, f), 'utf8')),
    );
    expect(maintenance).toEqual([]);
  });

  it('the web client reaches server code only through its path aliases', () => {
    expect(offending(sources('web/src'), (s) => /^(\.\.\/)+src\//.test(s) || s.includes('/src/'))).toEqual(
      [],
    );
  });
});
