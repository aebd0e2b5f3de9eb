/**
 * Documents of a package: uploads streamed to S3 (type sniffed, size capped, sha256 computed
 * on the way, virus-scanned; see file-intake.ts), their metadata added to the draft revision,
 * downloads through short-lived links after an access check (the documents of questions and
 * responses too). Nothing half-done is left: a file whose metadata could not be saved is deleted
 * again.
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
  questionDocuments,
  type User,
} from '../domain/index.js';
import type { FileStore } from '../files/file-store.js';
import type { ScannerSetting } from '../files/scanner.js';
import { type Clock, isoNow, systemClock } from '../lib/clock.js';
import type { Store } from '../store/store.js';
import { visiblePackage, visibleRevisions } from './access.js';
import { takeInFile } from './file-intake.js';

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

    const file = await takeInFile(
      this.options,
      { folder: `packages/${pkg.id}`, field: 'file', afterStore: input.beforeRecord, packageId },
      { fileName: name, body: input.body, sha256: input.sha256 },
    );
    try {
      const doc: PackageDocument = {
        id: randomUUID(),
        ...file,
        ...placement,
        addedAt: isoNow(this.clock),
      };
      await this.options.store.changePackage(packageId, (latest) =>
        planAddDocument(latest, { user, at: isoNow(this.clock), document: doc }),
      );
      return doc;
    } catch (e) {
      await this.options.files.delete(file.key).catch(() => {});
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
    // Documents of questions and responses are the package's too, for both sides to read.
    const doc = [
      ...visibleRevisions(user, pkg).flatMap((r) => r.documents),
      ...questionDocuments(pkg.questions),
    ].find((d) => d.id === documentId);
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
