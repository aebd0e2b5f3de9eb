/**
 * Where dual-write mode records the mirror writes that failed, so `carepack store repair`
 * can replay them. An append-only JSON Lines file, synced to disk before the request returns.
 *
 * Writers (the portal) and the repair (the CLI) are separate processes that share only the
 * file. Repair never rewrites the live journal: it takes it over by renaming it (a claim),
 * and writers start a fresh one on their next entry. What repair could not fix goes back by
 * appending, and only then is the claimed file removed. So an entry journaled while repair
 * runs stays in the live journal for the next run.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface MirrorFailure {
  /**
   * `package`: re-copy that package; `reference`: re-copy states and users; `audit`: that
   * package's trail; `user-audit`: the users and the user-audit trail (an administrator's change);
   * `graph`: the rates and packages a rate change wrote (`rateIds`, `packageIds`), rates first.
   */
  kind: 'package' | 'reference' | 'audit' | 'user-audit' | 'graph';
  packageId?: string;
  /** `graph`: the rates to re-copy (or remove, when the primary no longer has them). */
  rateIds?: string[];
  /** `graph`: the packages to re-copy after the rates. */
  packageIds?: string[];
  at: string;
  operation: string;
  error: string;
}

/** Entries a repair has taken out of the journal; new failures meanwhile go to a fresh journal. */
export interface JournalClaim {
  entries: MirrorFailure[];
  /** Lines that are not entries (moved aside, never lost): one message each, for the report. */
  problems: string[];
  /** Ends the claim: `remaining` (what could not be repaired) go back into the journal, the rest are done. */
  settle(remaining: readonly MirrorFailure[]): Promise<void>;
}

export interface MirrorJournal {
  record(failure: MirrorFailure): Promise<void>;
  /** Every entry awaiting repair (for reports and tests). */
  pending(): Promise<MirrorFailure[]>;
  /** Whether anything awaits repair; cheap enough for a health check. */
  hasPending(): Promise<boolean>;
  claim(): Promise<JournalClaim>;
}

const KINDS = new Set(['package', 'reference', 'audit', 'user-audit', 'graph']);
const CLAIM_MARK = '.claimed-';
/** A writer retries only when a repair renamed the journal under it; more than this is a fault. */
const MAX_APPEND_ATTEMPTS = 100;

export function fileJournal(path: string): MirrorJournal {
  const dir = dirname(path);
  const claimPrefix = `${basename(path)}${CLAIM_MARK}`;

  /** Files renamed by a repair and not yet settled: the one it is working on, or left by one that stopped. */
  async function claimedFiles(): Promise<string[]> {
    try {
      return (await readdir(dir))
        .filter((name) => name.startsWith(claimPrefix))
        .sort()
        .map((name) => join(dir, name));
    } catch (e) {
      if (isMissing(e)) return [];
      throw e;
    }
  }

  async function readAll(files: readonly string[]) {
    const entries: MirrorFailure[] = [];
    const unreadable: string[] = [];
    for (const file of files) {
      const parsed = parseJournal(await readIfThere(file));
      entries.push(...parsed.entries);
      unreadable.push(...parsed.unreadable);
    }
    return { entries, unreadable };
  }

  return {
    async record(failure) {
      await appendDurably(path, `${JSON.stringify(failure)}\n`);
    },
    async pending() {
      return (await readAll([...(await claimedFiles()), path])).entries;
    },
    async hasPending() {
      for (const file of [path, ...(await claimedFiles())]) {
        const size = await stat(file).then(
          (s) => s.size,
          (e: unknown) => {
            if (isMissing(e)) return 0;
            throw e;
          },
        );
        if (size > 0) return true;
      }
      return false;
    },
    async claim() {
      const mine = join(dir, `${claimPrefix}${Date.now()}-${process.pid}-${randomUUID().slice(0, 8)}`);
      try {
        await rename(path, mine);
      } catch (e) {
        if (!isMissing(e)) throw e;
      }
      // Also what an earlier repair took and never settled (it stopped half-way): nothing is lost.
      const files = await claimedFiles();
      const { entries, unreadable } = await readAll(files);
      return {
        entries,
        problems: unreadable.map(
          (line) =>
            `an unreadable journal line was moved to ${basename(path)}.unreadable: ${line.slice(0, 80)}`,
        ),
        async settle(remaining) {
          if (unreadable.length > 0)
            await appendDurably(`${path}.unreadable`, unreadable.map((l) => `${l}\n`).join(''));
          if (remaining.length > 0)
            await appendDurably(path, remaining.map((f) => `${JSON.stringify(f)}\n`).join(''));
          for (const file of files) {
            await unlink(file).catch((e: unknown) => {
              if (!isMissing(e)) throw e; // another repair settled it already
            });
          }
        },
      };
    },
  };
}

/**
 * Appends with O_APPEND, syncs, and checks the path still names the file written to. If a
 * repair renamed the journal between our open and our write, the lines may have landed in
 * its claimed file after it read it: write them again to the fresh journal. A repeated entry
 * only repeats an idempotent repair; a lost one would leave the secondary behind for good.
 */
async function appendDurably(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
    const handle = await open(path, 'a');
    try {
      await handle.write(text);
      // Compared while the file is still open: a closed, deleted file's inode number can be
      // handed at once to the next fresh journal, and would look like the file written to.
      const written = await handle.stat();
      const now = await stat(path).catch((e: unknown) => {
        if (isMissing(e)) return undefined;
        throw e;
      });
      if (now && now.ino === written.ino && now.dev === written.dev) {
        // Renamed from here on, the file still holds the lines for whoever claimed it.
        await handle.sync();
        return;
      }
    } finally {
      await handle.close();
    }
  }
  throw new Error(
    `could not append to ${path}: it was renamed under every one of ${MAX_APPEND_ATTEMPTS} writes`,
  );
}

async function readIfThere(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (e) {
    if (isMissing(e)) return '';
    throw e;
  }
}

/**
 * Complete lines only: a last line without its newline is a write still in progress (its
 * writer will see the rename and write it again) or one cut by a crash.
 */
function parseJournal(text: string): { entries: MirrorFailure[]; unreadable: string[] } {
  const lines = text.split('\n');
  lines.pop(); // the part after the last newline: empty, or an unfinished line
  const entries: MirrorFailure[] = [];
  const unreadable: string[] = [];
  for (const line of lines) {
    if (line.trim() === '') continue;
    const entry = parseEntry(line);
    if (entry) entries.push(entry);
    else unreadable.push(line);
  }
  return { entries, unreadable };
}

/** One journal entry from its JSON text, or undefined when it is not one. */
export function parseEntry(line: string): MirrorFailure | undefined {
  try {
    const value = JSON.parse(line) as Partial<MirrorFailure> | null;
    if (value && typeof value === 'object' && KINDS.has(value.kind as string)) return value as MirrorFailure;
  } catch {
    // falls through: not an entry
  }
  return undefined;
}

function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException).code === 'ENOENT';
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
    async hasPending() {
      return entries.length > 0;
    },
    async claim() {
      const taken = entries.splice(0, entries.length);
      return {
        entries: taken,
        problems: [],
        async settle(remaining) {
          entries.push(...remaining);
        },
      };
    },
  };
}
