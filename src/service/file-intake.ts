/**
 * Taking in one uploaded file, the same way for every kind of document (package documents,
 * questions, responses): its type sniffed from its first bytes, streamed to S3 under a size cap
 * with its SHA-256 computed on the way, checked against the client's SHA-256 when one was sent,
 * virus-scanned, and an infected file moved into quarantine. Whatever fails on the way, nothing
 * is left behind in the bucket; once it returns, the caller owns the stored file (and deletes it
 * when the record it was meant for is refused).
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { cleanDocumentName, DomainError, invalidField, type ScanStatus } from '../domain/index.js';
import { FileTooLarge } from '../files/file-errors.js';
import type { FileStore } from '../files/file-store.js';
import { isScanner, type ScannerSetting } from '../files/scanner.js';
import { sniffStream } from '../files/sniff-stream.js';

export interface FileIntake {
  files: FileStore;
  scanner: ScannerSetting;
  maxBytes: number;
  log?: { error(details: object, message: string): void } | undefined;
}

export interface IncomingFile {
  fileName: string;
  body: Readable;
  /** The SHA-256 the client computed; when given, the stored bytes must match it. */
  sha256?: string | undefined;
}

/** Where the file goes and how errors name it. */
export interface IntakePlace {
  /** The folder of the stored file, e.g. `packages/<id>` (no trailing slash). */
  folder: string;
  /** The request field errors point at, e.g. `file` or `file.2`. */
  field: string;
  /** Called once the bytes are stored and checked, before the scan; throwing refuses the file. */
  afterStore?: (() => Promise<void>) | undefined;
  /** For the log line of a failed scan. */
  packageId: string;
}

/** Where infected files go: never served again (the AWS stack also denies the API reading it). */
export const QUARANTINE_PREFIX = 'quarantine/';

/** A stored file, as a document records it. */
export interface TakenFile {
  name: string;
  bucket: string;
  /** Under `quarantine/` when the scan found it infected. */
  key: string;
  size: number;
  contentType: string;
  sha256: string;
  scanStatus: ScanStatus;
}

export async function takeInFile(
  intake: FileIntake,
  place: IntakePlace,
  input: IncomingFile,
): Promise<TakenFile> {
  const { files, scanner } = intake;
  const name = cleanDocumentName(input.fileName);
  if (name === '') {
    input.body.resume();
    throw invalidField(place.field, 'has no name');
  }
  const { detection, stream } = await sniffStream(input.body, name);
  if ('rejected' in detection) {
    stream.destroy();
    throw new DomainError('UNSUPPORTED_FILE', detection.rejected, [
      { path: place.field, message: detection.rejected },
    ]);
  }
  let key = `${place.folder}/${randomUUID()}.${detection.kind}`;
  let stored: { size: number; sha256: string };
  try {
    stored = await files.put({
      key,
      body: stream,
      contentType: detection.contentType,
      maxBytes: intake.maxBytes,
    });
  } catch (e) {
    if (e instanceof FileTooLarge) {
      const mb = Math.floor(intake.maxBytes / (1024 * 1024));
      throw new DomainError('FILE_TOO_LARGE', `"${name}" is larger than ${mb} MB`, [
        { path: place.field, message: `must be at most ${mb} MB` },
      ]);
    }
    throw e;
  }

  try {
    if (input.sha256 && input.sha256 !== stored.sha256) {
      throw new DomainError(
        'CHECKSUM_MISMATCH',
        'the file arrived damaged: its SHA-256 is not the one sent',
        [{ path: 'sha256', message: `the received file's SHA-256 is ${stored.sha256}` }],
      );
    }
    await place.afterStore?.();
    let scanStatus: ScanStatus = 'NOT_SCANNED';
    if (isScanner(scanner)) {
      const result = await scanner.scan(await files.getStream(key));
      scanStatus = result.status;
      if (result.status === 'INFECTED') {
        // Never downloadable again: out of the package's folder, into quarantine.
        const quarantined = `${QUARANTINE_PREFIX}${key}`;
        await files.move(key, quarantined);
        key = quarantined;
      }
      if (result.status !== 'CLEAN')
        intake.log?.error({ packageId: place.packageId, key, ...result }, 'upload failed the virus scan');
    }
    return {
      name,
      bucket: files.bucket,
      key,
      size: stored.size,
      contentType: detection.contentType,
      sha256: stored.sha256,
      scanStatus,
    };
  } catch (e) {
    await files.delete(key).catch(() => {});
    throw e;
  }
}
