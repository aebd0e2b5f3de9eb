/**
 * Documents of a package: uploads streamed to S3 (type sniffed, size capped, sha256 computed
 * on the way, virus-scanned), their metadata added to the draft revision, downloads through
 * short-lived links after an access check. Nothing half-done is left: a file whose metadata
 * could not be saved is deleted again.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  actorOf,
  canTransition,
  cleanDocumentName,
  currentRevision,
  type DocumentCategory,
  isRateCategory,
  type Package,
  type PackageDocument,
  placementErrors,
  type ScanStatus,
  sameNameInList,
  type User,
} from '../domain/index.js';
import { FileTooLarge } from '../files/file-errors.js';
import type { FileStore } from '../files/file-store.js';
import { isScanner, type ScannerSetting } from '../files/scanner.js';
import { sniffStream } from '../files/sniff-stream.js';
import { invalidTransition, isStoreError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { authoredPackage, visiblePackage, visibleRevisions } from './access.js';
import { ServiceError } from './service-error.js';

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
}

/**
 * Document changes of one draft are serialised by its version: a change that lost the race
 * re-reads and tries again, so parallel uploads all land; only a real clash (the same name,
 * a status change) refuses one. Bounded, with jittered back-off.
 */
const WRITE_ATTEMPTS = 60;
const backoff = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * 2 ** attempt)));

export class DocumentService {
  private readonly linkSeconds: number;

  constructor(private readonly options: DocumentServiceOptions) {
    this.linkSeconds = options.linkSeconds ?? 300;
  }

  async upload(user: User, packageId: string, input: UploadInput): Promise<PackageDocument> {
    const { files, scanner } = this.options;
    const name = cleanDocumentName(input.fileName);
    const placement = {
      name,
      category: input.category,
      ...(isRateCategory(input.category) && input.rateId ? { rateId: input.rateId } : {}),
    };
    const pkg = await this.editable(user, packageId);
    this.checkPlacement(pkg, placement);

    const { detection, stream } = await sniffStream(input.body, name);
    if ('rejected' in detection) {
      stream.destroy();
      throw new ServiceError('UNSUPPORTED_FILE', detection.rejected, [
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
        throw new ServiceError('FILE_TOO_LARGE', `the file is larger than ${mb} MB`, [
          { path: 'file', message: `must be at most ${mb} MB` },
        ]);
      }
      throw e;
    }

    try {
      if (input.sha256 && input.sha256 !== stored.sha256) {
        throw new ServiceError(
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
        addedAt: new Date().toISOString(),
        scanStatus,
      };
      await this.changeDocuments(
        user,
        packageId,
        (current, latest) => {
          this.checkPlacement(latest, placement);
          return [...current, doc];
        },
        { action: 'UPLOAD', summary: `Uploaded ${name} (${input.category}, ${scanStatus})` },
      );
      return doc;
    } catch (e) {
      await files.delete(key).catch(() => {});
      throw e;
    }
  }

  async remove(user: User, packageId: string, documentId: string): Promise<void> {
    let removed: PackageDocument | undefined;
    const after = await this.changeDocuments(
      user,
      packageId,
      (current) => {
        removed = current.find((d) => d.id === documentId);
        if (!removed) throw new ServiceError('NOT_FOUND', `document ${documentId} is not in this draft`);
        return current.filter((d) => d.id !== documentId);
      },
      { action: 'REMOVE_DOCUMENT', summary: 'Removed a document' },
    );
    // A document copied from a submitted revision keeps its file: that revision still needs it.
    const stillUsed = after.revisions.some((r) => r.documents.some((d) => d.key === removed!.key));
    if (!stillUsed) await this.options.files.delete(removed!.key);
  }

  async downloadLink(user: User, packageId: string, documentId: string): Promise<DownloadLink> {
    const { store, files } = this.options;
    const pkg = await visiblePackage(store, user, packageId);
    const doc = visibleRevisions(user, pkg)
      .flatMap((r) => r.documents)
      .find((d) => d.id === documentId);
    if (!doc) throw new ServiceError('NOT_FOUND', `document ${documentId} was not found`);
    if (doc.scanStatus !== 'CLEAN' && doc.scanStatus !== 'NOT_SCANNED') {
      throw new ServiceError(
        'NOT_DOWNLOADABLE',
        `"${doc.name}" cannot be downloaded: its virus scan status is ${doc.scanStatus}`,
      );
    }
    const url = await files.presignedGet(doc.key, {
      downloadName: doc.name,
      expiresInSeconds: this.linkSeconds,
    });
    await store.appendAudit({
      packageId,
      actor: actorOf(user),
      action: 'DOWNLOAD',
      summary: `Downloaded ${doc.name}`,
    });
    return { url, name: doc.name, expiresAt: new Date(Date.now() + this.linkSeconds * 1000).toISOString() };
  }

  private async editable(user: User, packageId: string): Promise<Package> {
    const pkg = await authoredPackage(this.options.store, user, packageId);
    if (!canTransition('update', pkg.status))
      throw invalidTransition(pkg.id, 'change documents of', pkg.status);
    return pkg;
  }

  private checkPlacement(pkg: Package, doc: Pick<PackageDocument, 'name' | 'category' | 'rateId'>) {
    const errors = placementErrors(currentRevision(pkg), doc, { name: 'file', rateId: 'rateId' });
    if (errors.length === 0) return;
    const duplicate = sameNameInList(currentRevision(pkg).documents, doc);
    if (duplicate)
      throw new ServiceError(
        'DUPLICATE_DOCUMENT',
        `this list already has a document named "${doc.name}"`,
        errors,
      );
    throw new ServiceError('VALIDATION_FAILED', 'the document cannot be placed there', errors);
  }

  /** Replaces the draft's document list, re-reading and retrying when someone else changed the package meanwhile. */
  private async changeDocuments(
    user: User,
    packageId: string,
    change: (current: PackageDocument[], pkg: Package) => PackageDocument[],
    event: { action: 'UPLOAD' | 'REMOVE_DOCUMENT'; summary: string },
  ): Promise<Package> {
    for (let attempt = 1; ; attempt++) {
      const pkg = await this.editable(user, packageId);
      const documents = change(pkg.revisions[0]!.documents, pkg);
      try {
        return await this.options.store.updateDraft(packageId, {
          expectedVersion: pkg.version,
          documents,
          actor: actorOf(user),
          event,
        });
      } catch (e) {
        if (!isStoreError(e, 'VersionConflict') || attempt >= WRITE_ATTEMPTS) throw e;
      }
      await backoff(attempt);
    }
  }
}
