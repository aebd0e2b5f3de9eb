/**
 * The dual-write journal is shared by the portal (writers) and `store repair` (in another
 * process): a repair takes what is there and leaves every entry written meanwhile.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileJournal, type MirrorFailure } from '../../src/store/dual/mirror-journal.js';

const dir = mkdtempSync(join(tmpdir(), 'carepack-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function failure(packageId: string): MirrorFailure {
  return { kind: 'package', packageId, operation: 'updateDraft', at: new Date().toISOString(), error: 'x' };
}

function writerProcess(path: string, count: number, parallel: number, tag: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/support/journal-writer.ts', path, String(count), String(parallel), tag],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  return new Promise<void>((resolve, reject) => {
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`writer exited ${code}: ${stderr}`)),
    );
  });
}

describe('mirror journal', () => {
  it('a claim takes what is there; what is settled as remaining, and what came meanwhile, stay', async () => {
    const path = join(dir, 'one', 'journal.jsonl');
    const journal = fileJournal(path);
    expect(await journal.hasPending()).toBe(false);
    await journal.record(failure('a'));
    await journal.record(failure('b'));
    expect(await journal.hasPending()).toBe(true);

    const claim = await journal.claim();
    expect(claim.entries.map((f) => f.packageId)).toEqual(['a', 'b']);
    await fileJournal(path).record(failure('c')); // the portal, meanwhile
    await claim.settle([claim.entries[1]!]);
    expect((await journal.pending()).map((f) => f.packageId).sort()).toEqual(['b', 'c']);
  });

  it('a claim that was never settled (the repair stopped) is taken over by the next one', async () => {
    const path = join(dir, 'two', 'journal.jsonl');
    const journal = fileJournal(path);
    await journal.record(failure('a'));
    await journal.claim(); // and the repair dies
    await journal.record(failure('b'));
    expect((await journal.pending()).map((f) => f.packageId)).toEqual(['a', 'b']);
    const next = await journal.claim();
    expect(next.entries.map((f) => f.packageId)).toEqual(['a', 'b']);
    await next.settle([]);
    expect(await journal.pending()).toEqual([]);
    expect(await journal.hasPending()).toBe(false);
  });

  it('keeps every entry that writers in other processes append while claims rotate the file', async () => {
    const path = join(dir, 'three', 'journal.jsonl');
    const journal = fileJournal(path);
    const count = 1500;
    const taken: MirrorFailure[] = [];
    let writing = true;
    const writers = Promise.all([
      writerProcess(path, count, 8, 'p'),
      writerProcess(path, count, 8, 'q'),
    ]).finally(() => {
      writing = false;
    });
    let claims = 0;
    while (writing) {
      const claim = await journal.claim();
      taken.push(...claim.entries);
      await claim.settle([]);
      claims++;
      await new Promise((r) => setTimeout(r, 5));
    }
    await writers;
    taken.push(...(await journal.claim()).entries);
    const seen = new Set(taken.map((f) => f.packageId));
    const lost = [...Array(count).keys()].flatMap((n) => [`p-${n}`, `q-${n}`]).filter((id) => !seen.has(id));
    expect(lost).toEqual([]);
    expect(claims).toBeGreaterThan(5);
  }, 60_000);
});
