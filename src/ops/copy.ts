/**
 * `carepack store copy`: every record of one store into another, resumable. Reference data
 * and counters first, then rates (with the rate counters: before the packages that link them),
 * then packages (with their questions and responses) and audit events partition by partition
 * in parallel, then the user-audit trail, each batch written idempotently and then
 * checkpointed; at the end, a full verification (links included).
 *
 * Safe with the portal live (dual-write mode mirroring into the target meanwhile): packages
 * and rates are imported version-guarded, so a copy that read one before a change never
 * writes over the mirrored change; and at the end only packages and rates the source no
 * longer has AND that predate the copy (or that this copy itself wrote) are removed from the
 * target — never one created or changed there after the copy began.
 */
import type { Package, Rate } from '../domain/index.js';
import { unlessNotFound } from '../domain/index.js';
import { inParallel } from '../lib/parallel.js';
import type { MaintainedStore, Page, ScanRequest } from '../store/store.js';
import {
  type CopyCheckpoint,
  freshProgress,
  newCheckpoint,
  type PartitionProgress,
  readCheckpoint,
  removeCheckpoint,
  writeCheckpoint,
} from './checkpoint.js';
import { type VerifyReport, verifyInDetail } from './verify.js';

export interface CopyProgress {
  phase: 'reference' | 'rates' | 'packages' | 'audit' | 'userAudit' | 'verify';
  /** Records copied so far in this phase (including those of an earlier, interrupted run). */
  done: number;
  /** Expected total, when known. */
  total?: number;
}

export interface CopyOptions {
  source: MaintainedStore;
  target: MaintainedStore;
  /** Names for the checkpoint, e.g. `dynamodb` and `postgres`. */
  from: string;
  to: string;
  checkpointFile: string;
  partitions?: number;
  batchSize?: number;
  /** Ignore an existing checkpoint and start over. */
  restart?: boolean;
  onProgress?: (progress: CopyProgress) => void;
  /** Called once when an earlier run's checkpoint is picked up. */
  onResume?: (checkpoint: CopyCheckpoint) => void;
}

export interface CopyResult {
  resumed: boolean;
  rates: number;
  packages: number;
  auditEvents: number;
  userAuditEvents: number;
  /** Packages and rates removed from the target because the source no longer has them. */
  pruned: number;
  /** Packages and rates the source lacks that were created or changed in the target after the copy began: kept. */
  kept: string[];
  report: VerifyReport;
}

export async function copyStore(options: CopyOptions): Promise<CopyResult> {
  const { source, target, checkpointFile } = options;
  const partitions = options.partitions ?? 4;
  const batchSize = options.batchSize ?? 1000;
  const progress = options.onProgress ?? (() => {});

  let checkpoint = options.restart ? undefined : readCheckpoint(checkpointFile);
  if (checkpoint && (checkpoint.from !== options.from || checkpoint.to !== options.to)) {
    throw new Error(
      `${checkpointFile} belongs to a copy from ${checkpoint.from} to ${checkpoint.to}; use --restart or another --checkpoint`,
    );
  }
  const resumed = checkpoint !== undefined;
  if (checkpoint) options.onResume?.(checkpoint);
  if (!checkpoint) {
    checkpoint = newCheckpoint(
      options.from,
      options.to,
      partitions,
      !!source.maintenance.scanPackagesWithAudit,
    );
    writeCheckpoint(checkpointFile, checkpoint);
  }
  const cp = checkpoint;
  const save = () => writeCheckpoint(checkpointFile, cp);

  if (!cp.referenceCopied) {
    progress({ phase: 'reference', done: 0 });
    await target.upsertStates(await source.listStates());
    await target.upsertUsers(await source.listUsers());
    // Sessions signed out on the source stay ended on the target.
    await target.maintenance.raiseSessionGenerations(await source.maintenance.getSessionGenerations());
    // API clients keep working after a cutover: their hashes, generations and revocations come along.
    await target.maintenance.importApiClients(await source.listApiClients());
    await target.maintenance.raiseCounters(await source.maintenance.getCounters());
    cp.referenceCopied = true;
    save();
  }

  // Rates before the packages that link them; a checkpoint of an earlier version has no progress for them yet.
  cp.rates ??= freshProgress(cp.partitions);
  await target.maintenance.raiseRateCounters(await source.maintenance.getRateCounters());
  await copyPhase(
    cp.rates,
    'rates',
    undefined,
    (r) => source.maintenance.scanRates(r),
    (items) => importRates(items),
  );

  const totalPackages = await source.maintenance.countPackages();
  if (cp.combined && source.maintenance.scanPackagesWithAudit) {
    // One read of the source for both; a batch's audit events are written beside its packages.
    const scanBoth = source.maintenance.scanPackagesWithAudit.bind(source);
    await copyPhase(
      cp.packages,
      'packages',
      totalPackages,
      async (r) => {
        const { packages, audit, cursor } = await scanBoth(r);
        return { items: [{ packages, audit }], ...(cursor ? { cursor } : {}) };
      },
      async ([batch]) => {
        const { packages, audit } = batch!;
        await Promise.all([
          packages.length ? importPackages(packages) : undefined,
          audit.length ? target.maintenance.importAudit(audit) : undefined,
        ]);
      },
      ([batch], partition) => {
        cp.audit[partition]!.copied += batch!.audit.length;
        return batch!.packages.length;
      },
    );
    for (const part of cp.audit) part.done = true;
    save();
    progress({ phase: 'audit', done: cp.audit.reduce((n, p) => n + p.copied, 0) });
  } else {
    await copyPhase(
      cp.packages,
      'packages',
      totalPackages,
      (r) => source.maintenance.scanPackages(r),
      (items) => importPackages(items),
    );
    await copyPhase(
      cp.audit,
      'audit',
      undefined,
      (r) => source.maintenance.scanAudit(r),
      (items) => target.maintenance.importAudit(items),
    );
  }
  // Administrators' changes of users; a checkpoint of an earlier version has no progress for them yet.
  cp.userAudit ??= freshProgress(cp.partitions);
  await copyPhase(
    cp.userAudit,
    'userAudit',
    undefined,
    (r) => source.maintenance.scanUserAudit(r),
    (items) => target.maintenance.importUserAudit(items),
  );
  // Numbers handed out while the copy ran must not be handed out again by the target.
  await target.maintenance.raiseCounters(await source.maintenance.getCounters());
  await target.maintenance.raiseRateCounters(await source.maintenance.getRateCounters());

  progress({ phase: 'verify', done: 0 });
  const verify = () => verifyInDetail(source, target, { partitions: cp.partitions });
  let { report, mismatches } = await verify();
  // Copying onto an earlier copy: drafts (and never-submitted rates) deleted at the source since
  // then must go too; packages first, so none is left linking a rate being removed.
  const gone = (entity: 'packages' | 'rates') =>
    mismatches.filter((m) => m.entity === entity && m.problem === 'missing in source').map((m) => m.id);
  const kept: string[] = [];
  let pruned = 0;
  for (const id of gone('packages')) {
    if (await prunable(id, (s) => s.getPackage(id), cp.recent)) {
      await target.maintenance.removePackage(id);
      pruned++;
    } else kept.push(id);
  }
  for (const id of gone('rates')) {
    if (await prunable(id, (s) => s.getRate(id), cp.recentRates)) {
      await target.maintenance.removeRate(id);
      pruned++;
    } else kept.push(id);
  }
  if (pruned > 0) ({ report } = await verify());
  if (report.ok) removeCheckpoint(checkpointFile);
  const sum = (list: PartitionProgress[]) => list.reduce((n, p) => n + p.copied, 0);
  return {
    resumed,
    rates: sum(cp.rates),
    packages: sum(cp.packages),
    auditEvents: sum(cp.audit),
    userAuditEvents: sum(cp.userAudit),
    pruned,
    kept,
    report,
  };

  /** Version-guarded (never over a newer mirrored change); remembers what changed since the start. */
  async function importPackages(packages: Package[]) {
    await target.maintenance.importPackages(packages, { mode: 'replace' });
    const recent = packages.filter((p) => p.updatedAt >= cp.startedAt).map((p) => p.id);
    if (recent.length > 0) cp.recent = [...(cp.recent ?? []), ...recent];
  }

  /** As importPackages, for rates. */
  async function importRates(rates: Rate[]) {
    await target.maintenance.importRates(rates, { mode: 'replace' });
    const recent = rates.filter((r) => r.updatedAt >= cp.startedAt).map((r) => r.id);
    if (recent.length > 0) cp.recentRates = [...(cp.recentRates ?? []), ...recent];
  }

  /**
   * A target package (or rate) the source lacks goes only when the source still lacks it now
   * and the target's copy predates this copy or was written by it: one created or changed in
   * the target after the copy began is someone else's and is kept.
   */
  async function prunable(
    id: string,
    read: (store: MaintainedStore) => Promise<{ updatedAt: string }>,
    written: string[] | undefined,
  ): Promise<boolean> {
    if (await unlessNotFound(read(source))) return false;
    const there = await unlessNotFound(read(target));
    if (!there) return false;
    return there.updatedAt < cp.startedAt || (written ?? []).includes(id);
  }

  /**
   * Copies every partition in parallel. Each reads its next page while the target writes the
   * current one; the checkpoint moves past a page only once the target has it.
   */
  async function copyPhase<T>(
    parts: PartitionProgress[],
    phase: 'rates' | 'packages' | 'audit' | 'userAudit',
    total: number | undefined,
    scan: (request: ScanRequest) => Promise<Page<T>>,
    write: (items: T[]) => Promise<void>,
    count: (items: T[], partition: number) => number = (items) => items.length,
  ) {
    let done = parts.reduce((n, p) => n + p.copied, 0);
    progress({ phase, done, ...(total !== undefined ? { total } : {}) });
    const indexes = parts.map((_, i) => i).filter((i) => !parts[i]!.done);
    await inParallel(indexes, indexes.length, async (partition) => {
      const part = parts[partition]!;
      const read = (cursor: string | undefined) => {
        const page = scan({ partition, partitions: cp.partitions, cursor, limit: batchSize });
        page.catch(() => {}); // a failed read ahead surfaces when awaited; never unhandled
        return page;
      };
      let next = read(part.cursor);
      while (!part.done) {
        const page = await next;
        if (page.cursor) next = read(page.cursor);
        if (page.items.length > 0) await write(page.items);
        const n = count(page.items, partition);
        part.copied += n;
        if (page.cursor) part.cursor = page.cursor;
        else part.done = true;
        save();
        done += n;
        progress({ phase, done, ...(total !== undefined ? { total } : {}) });
      }
    });
  }
}
