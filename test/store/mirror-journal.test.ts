/**
 * The dual-write journal is shared by the portal (writers) and `store repair` (in another
 * process): a repair takes what is there and leaves every entry written meanwhile. Both kinds
 * pass the same tests: a file (one machine) and objects in S3 (every instance of a scaled-out
 * portal; here on the embedded S3).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JournalLocation } from '../../src/config.js';
import { type EmbeddedS3, startEmbeddedS3 } from '../../src/files/s3-embedded.js';
import type { MirrorFailure } from '../../src/store/dual/mirror-journal.js';
import { openJournal } from '../../src/store/dual/open-journal.js';

const dir = mkdtempSync(join(tmpdir(), 'carepack-journal-'));
const bucket = 'carepack-journal-test';
let s3: EmbeddedS3;
beforeAll(async () => {
  s3 = await startEmbeddedS3({ buckets: [bucket] });
});
afterAll(async () => {
  await s3?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh journal location of each kind, by name. */
const kinds: Record<string, (name: string) => JournalLocation> = {
  file: (name) => ({ kind: 'file', path: join(dir, name, 'journal.jsonl') }),
  s3: (name) => ({ kind: 's3', bucket, prefix: `${name}/`, endpoint: s3.endpoint, region: 'us-east-1' }),
};

function failure(packageId: string): MirrorFailure {
  return { kind: 'package', packageId, operation: 'updateDraft', at: new Date().toISOString(), error: 'x' };
}

function writerProcess(location: JournalLocation, count: number, parallel: number, tag: string) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'test/support/journal-writer.ts',
      JSON.stringify(location),
      String(count),
      String(parallel),
      tag,
    ],
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

describe.each(Object.keys(kinds))('mirror journal in a %s', (kind) => {
  const at = (name: string) => kinds[kind]!(name);

  it('a claim takes what is there; what is settled as remaining, and what came meanwhile, stay', async () => {
    const path = at('one');
    const journal = openJournal(path);
    expect(await journal.hasPending()).toBe(false);
    await journal.record(failure('a'));
    await journal.record(failure('b'));
    expect(await journal.hasPending()).toBe(true);

    const claim = await journal.claim();
    expect(claim.entries.map((f) => f.packageId)).toEqual(['a', 'b']);
    await openJournal(path).record(failure('c')); // the portal, meanwhile
    await claim.settle([claim.entries[1]!]);
    expect((await journal.pending()).map((f) => f.packageId).sort()).toEqual(['b', 'c']);
  });

  it('a claim that was never settled (the repair stopped) is taken over by the next one', async () => {
    const journal = openJournal(at('two'));
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
    const path = at('three');
    const journal = openJournal(path);
    // Fewer on S3: each entry is a request there, not an append.
    const count = kind === 'file' ? 1500 : 100;
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
  }, 120_000);
});
