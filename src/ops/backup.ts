/**
 * `carepack backup`: the whole store as gzip-compressed JSON Lines, streamed (never the whole
 * store in memory). The file is written as `FILE.partial` and renamed when complete, so a
 * crashed or failed backup never looks like a good one.
 *
 * Format (one JSON object per line):
 *   {"type":"header","format":"carepack-backup","version":5,"createdAt":…,"backend":…}
 *   {"type":"state","data":State}            — every state, with its programs
 *   {"type":"user","data":User}
 *   {"type":"sessions","data":{"<user id>":2,…}} — session generations above 0 (signed-out sessions stay
 *                                              ended after a restore); optional, at most one
 *   {"type":"apiClient","data":ApiClient}    — machines' API clients, their secrets as hashes only,
 *                                              after the users they act for (since version 5)
 *   {"type":"rate","data":Rate}              — every rate, whole (since version 4), BEFORE the
 *                                              packages that link them
 *   {"type":"package","data":Package}        — every package, whole (its questions and responses too)
 *   {"type":"counters","data":{"MN":3,…}}    — read AFTER the packages, so that every number in
 *                                              the file is covered even if the store is in use
 *   {"type":"rateCounters","data":{"MN":2,…}} — the rate counters, read after the rates (since version 4)
 *   {"type":"audit","data":AuditEvent}       — also the trails of deleted drafts
 *   {"type":"userAudit","data":UserAuditEvent} — administrators' changes of users (since version 3)
 *   {"type":"footer","counts":{…},"sha256":…} — how many of each, and the SHA-256 of every line
 *                                              before the footer (each with its "\n"); restore
 *                                              refuses a file without it, or whose lines do not
 *                                              match it (an edited line, however well-formed)
 * Older files are still read: version 1 (no sha256), version 2 (no user-audit events, no
 * `userAuditEvents` count; packages may lack `questions`, read as none), version 3 (no rates:
 * a package's rate certifications are embedded in its form data, and restore turns them into
 * rate records, numbered per state after the target's rate counter), version 4 (no API clients).
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { MaintainedStore, Page, ScanRequest } from '../store/store.js';
import { scanAll } from './scan-all.js';

export const BACKUP_FORMAT = 'carepack-backup';
export const BACKUP_VERSION = 5;
/** Versions restore reads: 1 had no content checksum, 1 and 2 no user-audit events, 1–3 no rate records, 1–4 no API clients. */
export const READABLE_BACKUP_VERSIONS: readonly number[] = [1, 2, 3, 4, 5];
/** The first version with rate records: packages of older files embed their rate certifications. */
export const FIRST_VERSION_WITH_RATES = 4;

/** What the footer counts (and restore checks): records of each kind in the file. */
export const BACKUP_COUNT_KEYS = [
  'states',
  'users',
  'counters',
  'packages',
  'auditEvents',
  'userAuditEvents',
  'rates',
  'rateCounters',
  'apiClients',
] as const;
/** Counts a footer of an older version does not hold (read as 0): user audit since 3, rates since 4, API clients since 5. */
export const LATER_BACKUP_COUNT_KEYS: readonly BackupCountKey[] = [
  'userAuditEvents',
  'rates',
  'rateCounters',
  'apiClients',
];
export type BackupCountKey = (typeof BACKUP_COUNT_KEYS)[number];
export type BackupCounts = Record<BackupCountKey, number>;

export interface BackupHeader {
  type: 'header';
  format: typeof BACKUP_FORMAT;
  version: number;
  createdAt: string;
  backend: string;
}

export interface BackupOptions {
  /** The finished file; written as `${out}.partial` first. */
  out: string;
  /** Parallel readers per scan (1..64, default 4). */
  partitions?: number;
  /** Packages written so far, and how many the store said it held at the start. */
  onProgress?(done: number, total: number): void;
}

export interface BackupResult {
  counts: BackupCounts;
}

export const emptyCounts = (): BackupCounts => ({
  states: 0,
  users: 0,
  counters: 0,
  packages: 0,
  auditEvents: 0,
  userAuditEvents: 0,
  rates: 0,
  rateCounters: 0,
  apiClients: 0,
});

const line = (value: unknown) => `${JSON.stringify(value)}\n`;

export async function backupStore(store: MaintainedStore, options: BackupOptions): Promise<BackupResult> {
  const partitions = options.partitions ?? 4;
  const partial = `${options.out}.partial`;
  const counts = emptyCounts();

  const content = createHash('sha256');
  async function* records(): AsyncGenerator<string> {
    for await (const text of lines()) {
      content.update(text);
      yield text;
    }
    yield line({ type: 'footer', counts, sha256: content.digest('hex') });
  }

  async function* lines(): AsyncGenerator<string> {
    const total = await store.maintenance.countPackages();
    const header: BackupHeader = {
      type: 'header',
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: new Date().toISOString(),
      backend: store.backend,
    };
    yield line(header);

    const states = await store.listStates();
    for (const data of states) yield line({ type: 'state', data });
    counts.states = states.length;
    const users = await store.listUsers();
    for (const data of users) yield line({ type: 'user', data });
    counts.users = users.length;
    yield line({ type: 'sessions', data: await store.maintenance.getSessionGenerations() });
    const clients = await store.listApiClients();
    for (const data of clients) yield line({ type: 'apiClient', data });
    counts.apiClients = clients.length;

    // Rates before the packages that link them: a restore writes them in the file's order.
    for await (const page of pagesOf((r) => store.maintenance.scanRates(r), partitions)) {
      yield page.map((data) => line({ type: 'rate', data })).join('');
      counts.rates += page.length;
    }

    options.onProgress?.(0, total);
    for await (const page of pagesOf((r) => store.maintenance.scanPackages(r), partitions)) {
      yield page.map((data) => line({ type: 'package', data })).join('');
      counts.packages += page.length;
      options.onProgress?.(counts.packages, Math.max(total, counts.packages));
    }

    const counters = await store.maintenance.getCounters();
    yield line({ type: 'counters', data: counters });
    counts.counters = Object.keys(counters).length;
    const rateCounters = await store.maintenance.getRateCounters();
    yield line({ type: 'rateCounters', data: rateCounters });
    counts.rateCounters = Object.keys(rateCounters).length;

    for await (const page of pagesOf((r) => store.maintenance.scanAudit(r), partitions)) {
      yield page.map((data) => line({ type: 'audit', data })).join('');
      counts.auditEvents += page.length;
    }

    for await (const page of pagesOf((r) => store.maintenance.scanUserAudit(r), partitions)) {
      yield page.map((data) => line({ type: 'userAudit', data })).join('');
      counts.userAuditEvents += page.length;
    }
  }

  try {
    await pipeline(records, createGzip(), createWriteStream(partial, { flush: true }));
    await rename(partial, options.out);
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  }
  return { counts };
}

/**
 * The pages of a partitioned scan as one stream, read by `partitions` readers at once. At
 * most a few pages wait for the consumer: readers pause while the queue is full, so a slow
 * writer (gzip, disk) slows the scan down instead of filling memory.
 */
async function* pagesOf<T>(
  scan: (request: ScanRequest) => Promise<Page<T>>,
  partitions: number,
): AsyncGenerator<T[]> {
  const capacity = Math.max(2, partitions);
  const queue: T[][] = [];
  let finished = false;
  let failure: { error: unknown } | undefined;
  let stopped = false;
  let wake = signal();

  const reading = scanAll(scan, {
    partitions,
    onPage: async (items) => {
      while (queue.length >= capacity && !stopped) await wake.wait();
      if (stopped) throw new Error('backup stopped');
      if (items.length > 0) queue.push(items);
      wake = wake.fire();
    },
  }).then(
    () => {
      finished = true;
      wake = wake.fire();
    },
    (error: unknown) => {
      failure = { error };
      wake = wake.fire();
    },
  );

  try {
    for (;;) {
      if (failure) throw failure.error;
      const page = queue.shift();
      if (page) {
        wake = wake.fire();
        yield page;
      } else if (finished) {
        return;
      } else {
        await wake.wait();
      }
    }
  } finally {
    // On an early exit (the writer failed), let the readers stop rather than wait forever.
    stopped = true;
    wake = wake.fire();
    await reading;
  }
}

interface Signal {
  wait(): Promise<void>;
  /** Wakes everyone waiting; returns the signal to wait on next. */
  fire(): Signal;
}

function signal(): Signal {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return {
    wait: () => promise,
    fire() {
      resolve();
      return signal();
    },
  };
}
