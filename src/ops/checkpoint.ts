/**
 * Where a long copy remembers how far it got: one cursor per scan partition, written
 * atomically (temp file + rename) after every batch the target has accepted.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface PartitionProgress {
  cursor?: string;
  done: boolean;
  copied: number;
}

export interface CopyCheckpoint {
  version: 1;
  from: string;
  to: string;
  partitions: number;
  /** When the first run of this copy began (the clock of the machine running it). */
  startedAt: string;
  /**
   * Packages this copy wrote that had changed after it began. At the end, one of them the source
   * no longer has may be removed from the target (a draft deleted meanwhile that the copy
   * brought back); any other package created or changed in the target since the start is kept.
   */
  recent?: string[];
  /** Rates this copy wrote that had changed after it began (see `recent`). */
  recentRates?: string[];
  referenceCopied: boolean;
  /**
   * Packages and audit events are read in one pass (the source has scanPackagesWithAudit): the
   * cursors are in `packages`, and `audit` only counts. Absent in checkpoints of earlier versions.
   */
  combined?: boolean;
  /** Rates, copied before the packages that link them. Absent in checkpoints of earlier versions. */
  rates?: PartitionProgress[];
  packages: PartitionProgress[];
  audit: PartitionProgress[];
  /** The user-audit trail, copied after the audit events. Absent in checkpoints of earlier versions. */
  userAudit?: PartitionProgress[];
}

/** Progress of a scan not begun, one per partition. */
export const freshProgress = (partitions: number): PartitionProgress[] =>
  Array.from({ length: partitions }, () => ({ done: false, copied: 0 }));

export function newCheckpoint(
  from: string,
  to: string,
  partitions: number,
  combined = false,
): CopyCheckpoint {
  return {
    version: 1,
    from,
    to,
    partitions,
    startedAt: new Date().toISOString(),
    referenceCopied: false,
    combined,
    recent: [],
    recentRates: [],
    rates: freshProgress(partitions),
    packages: freshProgress(partitions),
    audit: freshProgress(partitions),
    userAudit: freshProgress(partitions),
  };
}

export function readCheckpoint(file: string): CopyCheckpoint | undefined {
  if (!existsSync(file)) return undefined;
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as CopyCheckpoint;
  if (parsed.version !== 1) throw new Error(`${file} is not a checkpoint this version understands`);
  return parsed;
}

export function writeCheckpoint(file: string, checkpoint: CopyCheckpoint): void {
  mkdirSync(dirname(file), { recursive: true });
  const temp = `${file}.tmp`;
  writeFileSync(temp, JSON.stringify(checkpoint, null, 2));
  renameSync(temp, file);
}

export function removeCheckpoint(file: string): void {
  rmSync(file, { force: true });
}
