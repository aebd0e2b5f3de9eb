/**
 * The package's record beside its files in S3: write-once JSON of each submission, review
 * decision, question and response, so the record survives without the database. Written after
 * the action is committed; a failure is logged and never undoes or fails the action.
 */
import {
  lastSubmittedRevision,
  type Package,
  type Program,
  packageName,
  type Revision,
} from '../domain/index.js';
import { FileAlreadyExists } from '../files/file-errors.js';
import type { FileStore } from '../files/file-store.js';
import type { ReferenceData } from './reference-data.js';

const fourDigits = (n: number) => String(n).padStart(4, '0');

/** Where the JSON snapshot of a submitted revision lives, beside the package's documents. */
export const snapshotKey = (packageId: string, revisionNumber: number) =>
  `packages/${packageId}/submissions/revision-${fourDigits(revisionNumber)}.json`;

/** Where the record of a package's n-th review decision (1 = the oldest) lives, beside its submissions. */
export const decisionKey = (packageId: string, position: number) =>
  `packages/${packageId}/reviews/decision-${fourDigits(position)}.json`;

/** Where the record of the package's n-th question (1 = the oldest) lives, beside its documents. */
export const questionKey = (packageId: string, position: number) =>
  `packages/${packageId}/questions/question-${fourDigits(position)}.json`;

/** Where the record of the response to the package's n-th question lives. */
export const responseKey = (packageId: string, position: number) =>
  `packages/${packageId}/questions/response-${fourDigits(position)}.json`;

export interface RecordWriter {
  files?: FileStore | undefined;
  log?: { error(details: object, message: string): void } | undefined;
}

/** Writes a record beside the package's files, never over an existing one; a failure is logged. */
export async function writeOnce({ files, log }: RecordWriter, key: string, record: unknown) {
  if (!files) return;
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      await files.putJson(key, record);
      return;
    } catch (e) {
      if (e instanceof FileAlreadyExists) return;
      log?.error({ err: e, key, attempt }, 'could not write the record beside the package');
    }
  }
}

/**
 * The record of a revision: as written on submission (`carepack-submission`); a draft's, made on
 * demand for a download, says it is one (`carepack-draft`).
 */
export function revisionRecord(
  name: string,
  head: Awaited<ReturnType<typeof packageHeading>>['head'],
  revision: Revision,
) {
  return {
    format: revision.submitInfo ? 'carepack-submission' : 'carepack-draft',
    version: 1,
    name,
    package: head,
    revision,
  };
}

/** What every record and email names the package by: its last submitted programs and name. */
export async function packageHeading(reference: ReferenceData, pkg: Package) {
  const programs: Program[] = await reference.programsByIds(
    lastSubmittedRevision(pkg)?.formData.programIds ?? [],
  );
  return {
    programs,
    name: packageName(pkg.stateCode, programs, pkg.stateNumber),
    head: {
      id: pkg.id,
      stateCode: pkg.stateCode,
      stateNumber: pkg.stateNumber,
      initiallySubmittedAt: pkg.initiallySubmittedAt,
    },
  };
}
