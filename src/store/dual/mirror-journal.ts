/**
 * Where dual-write mode records the mirror writes that failed, so `carepack store repair`
 * can replay them. An append-only JSON Lines file, synced to disk before the request returns.
 */
import { appendFile, mkdir, open, readFile, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface MirrorFailure {
  /** `package`: re-copy that package; `reference`: re-copy states and users; `audit`: that package's trail. */
  kind: 'package' | 'reference' | 'audit';
  packageId?: string;
  at: string;
  operation: string;
  error: string;
}

export interface MirrorJournal {
  record(failure: MirrorFailure): Promise<void>;
  pending(): Promise<MirrorFailure[]>;
  /** Keeps only `remaining` (the entries a repair could not fix). */
  replace(remaining: MirrorFailure[]): Promise<void>;
}

export function fileJournal(path: string): MirrorJournal {
  return {
    async record(failure) {
      await mkdir(dirname(path), { recursive: true });
      const handle = await open(path, 'a');
      try {
        await handle.appendFile(`${JSON.stringify(failure)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    async pending() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw e;
      }
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as MirrorFailure);
    },
    async replace(remaining) {
      const temp = `${path}.tmp`;
      await mkdir(dirname(path), { recursive: true });
      await appendFile(temp, '', { flag: 'w' });
      const handle = await open(temp, 'w');
      try {
        await handle.writeFile(remaining.map((f) => `${JSON.stringify(f)}\n`).join(''));
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, path);
    },
  };
}

/** A journal in memory, for tests and for callers that provide their own durability. */
export function memoryJournal(): MirrorJournal & { entries: MirrorFailure[] } {
  const entries: MirrorFailure[] = [];
  return {
    entries,
    async record(f) {
      entries.push(f);
    },
    async pending() {
      return [...entries];
    },
    async replace(remaining) {
      entries.splice(0, entries.length, ...remaining);
    },
  };
}
