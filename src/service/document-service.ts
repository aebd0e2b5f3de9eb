/**
 * Documents of a package: uploads streamed to S3 (type sniffed, size capped, sha256 computed
 * on the way, virus-scanned), their metadata added to the draft revision, downloads through
 * short-lived links after an access check. Nothing half-done is left: a file whose metadata
 * could not be saved is deleted again.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  AUDIT_SUMMARIES,
  actorOf,
  assertDocumentPlacement,
  cleanDocumentName,
  type DocumentCategory,
  DomainError,
  isRateCategory,
  type PackageDocument,
  planAddDocument,
  planRemoveDocument,
  type ScanStatus,
  type User,
} from '../domain/index.js';
import { FileTooLarge } from '../files/file-errors.js';
import type { FileStore } from '../files/file-store.js';
import { isScanner, type ScannerSetting } from '../files/scanner.js';
import { sniffStream } from '../files/sniff-stream.js';
import { type Clock, isoNow, systemClock } from '../lib/clock.js';
import type { Store } from '../store/store.js';
import { visiblePackage, visibleRevisions } from './access.js';

export interface UploadInput {
  fileName: string;
  category: DocumentCategory;
  rateId?: string | undefined;
  /** The SHA-256 the client computed; when given, the stored bytes must match it. */
  sha256?: string | undefined;
  body: Readable;
  /** Called once the bytes are stored and before they are recorded; throwing refuses the upload. */
  beforeRecord?: () => Promise<void>;
}

export interface DownloadLink {
  url: string;
  name: string;
  expiresAt: string;
}

export interface DocumentServiceOptions {
  store: Store;
  files: FileStore;
  scanner: ScannerSetting;
  maxBytes: number;
  linkSeconds?: number;
  log?: { error(details: object, message: string): void };
  /** The server's clock (tests inject one). */
  clock?: Clock;
}

export class DocumentService {
  private readonly linkSeconds: number;
  private readonly clock: Clock;

  constructor(private readonly options: DocumentServiceOptions) {
    this.linkSeconds = options.linkSeconds ?? 300;
    this.clock = options.clock ?? systemClock;
  }

  async upload(user: User, packageId: string, input: UploadInput): Promise<PackageDocument> {
    const { files, scanner } = this.options;
    const name = cleanDocumentName(input.fileName);
    const placement = {
      name,
      category: input.category,
      ...(isRateCategory(input.category) && input.rateId ? { rateId: input.rateId } : {}),
    };
    // Checked before the bytes are stored, so a refused upload costs no transfer; the plan that
    // records the document checks again on the package as it is then.
    const pkg = await this.options.store.getPackage(packageId);
    assertDocumentPlacement(pkg, user, placement);

    const { detection, stream } = await sniffStream(input.body, name);
    if ('rejected' in detection) {
      stream.destroy();
      throw new DomainError('UNSUPPORTED_FILE', detection.rejected, [
        { path: 'file', message: detection.rejected },
      ]);
    }
    let key = `packages/${pkg.id}/${randomUUID()}.${detection.kind}`;
    let stored: { size: number; sha256: string };
    try {
      stored = await files.put({
        key,
        body: stream,
        contentType: detection.contentType,
        maxBytes: this.options.maxBytes,
      });
    } catch (e) {
      if (e instanceof FileTooLarge) {
        const mb = Math.floor(this.options.maxBytes / (1024 * 1024));
        throw new DomainError('FILE_TOO_LARGE', `the file is larger than ${mb} MB`, [
          { path: 'file', message: `must be at most ${mb} MB` },
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
      await input.beforeRecord?.();
      let scanStatus: ScanStatus = 'NOT_SCANNED';
      if (isScanner(scanner)) {
        const result = await scanner.scan(await files.getStream(key));
        scanStatus = result.status;
        if (result.status === 'INFECTED') {
          // Never downloadable again: out of the package's folder, into quarantine.
          const quarantined = `quarantine/${key}`;
          await files.move(key, quarantined);
          key = quarantined;
        }
        if (result.status !== 'CLEAN')
          this.options.log?.error({ packageId, key, ...result }, 'upload failed the virus scan');
      }
      const doc: PackageDocument = {
        id: randomUUID(),
        bucket: files.bucket,
        key,
        size: stored.size,
        contentType: detection.contentType,
        sha256: stored.sha256,
        ...placement,
        addedAt: isoNow(this.clock),
        scanStatus,
      };
      await this.options.store.changePackage(packageId, (latest) =>
        planAddDocument(latest, { user, at: isoNow(this.clock), document: doc }),
      );
      return doc;
    } catch (e) {
      await files.delete(key).catch(() => {});
      throw e;
    }
  }

  async remove(user: User, packageId: string, documentId: string): Promise<void> {
    const { before, after } = await this.options.store.changePackage(packageId, (pkg) =>
      planRemoveDocument(pkg, { user, at: isoNow(this.clock), documentId }),
    );
    const removed = before.revisions[0]!.documents.find((d) => d.id === documentId)!;
    // A document copied from a submitted revision keeps its file: that revision still needs it.
    const stillUsed = after.revisions.some((r) => r.documents.some((d) => d.key === removed.key));
    if (!stillUsed) await this.options.files.delete(removed.key);
  }

  async downloadLink(user: User, packageId: string, documentId: string): Promise<DownloadLink> {
    const { store, files } = this.options;
    const pkg = await visiblePackage(store, user, packageId);
    const doc = visibleRevisions(user, pkg)
      .flatMap((r) => r.documents)
      .find((d) => d.id === documentId);
    if (!doc) throw new DomainError('NOT_FOUND', `document ${documentId} was not found`);
    if (doc.scanStatus !== 'CLEAN' && doc.scanStatus !== 'NOT_SCANNED') {
      throw new DomainError(
        'NOT_DOWNLOADABLE',
        `"${doc.name}" cannot be downloaded: its virus scan status is ${doc.scanStatus}`,
      );
    }
    const url = await files.presignedGet(doc.key, {
      downloadName: doc.name,
      expiresInSeconds: this.linkSeconds,
    });
    const now = this.clock();
    await store.appendAudit({
      packageId,
      at: now.toISOString(),
      actor: actorOf(user),
      action: 'DOWNLOAD',
      summary: AUDIT_SUMMARIES.download(doc.name),
    });
    return {
      url,
      name: doc.name,
      expiresAt: new Date(now.getTime() + this.linkSeconds * 1000).toISOString(),
    };
  }
}
